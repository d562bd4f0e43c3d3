using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Channel = System.Threading.Channels.Channel;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Tickets;

/// <summary>The ticket a registration produced; <see cref="Replayed"/> when an Idempotency-Key matched an earlier one.</summary>
/// <param name="AccessCode">The access code (查询码) issued with a new ticket; null for a replay, as the code is kept only hashed.</param>
public sealed record IntakeResult(Ticket Ticket, bool Replayed, string? AccessCode = null);

/// <summary>
/// 工单登记 with group commit. Concurrent registrations queue here; one writer takes everything waiting and commits
/// it in a single transaction (one fsync for many tickets), then answers each caller. Every ticket is durable before
/// its caller gets 201, and ticket numbers are allocated inside that same transaction, so they never repeat.
/// </summary>
public sealed class TicketIntake(
    IDbContextFactory<HotlineDbContext> contexts, ReferenceData reference, Routing.TicketRouting routing, TicketEventEffects effects, CityClock clock,
    Knowledge.IntakeArticleCheck articles, CommitSignal commits, SqliteWriteGate writeGate, ILogger<TicketIntake> logger)
    : BackgroundService
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public async Task<IntakeResult> RegisterAsync(TicketDraft draft, Actor actor, string? idempotencyKey, CancellationToken ct,
        ResolvedAtIntake? answer = null)
    {
        var errors = TicketDraftValidator.Validate(draft, reference).ToList();
        var requested = answer; // the fingerprint is of the request, not of the version the server filled in
        if (answer is not null)
            errors.AddRange(answer.Validate(reference).Select(e => e with { Field = "intakeAnswer" }));
        if (answer is not null && errors.Count == 0)
        {
            // Answered from a knowledge-base article: it must be in force; its id and version go into the event.
            var (checkedAnswer, articleErrors) = await articles.CheckAsync(answer, ct);
            (answer, errors) = (checkedAnswer, [.. errors, .. articleErrors]);
        }
        if (errors.Count > 0)
            throw new RequestValidationException(errors);
        if (TicketWorkflow.Check(TicketAction.Register, TicketStatus.Registered, null, actor) == TransitionVerdict.RoleNotAllowed)
            throw new ActionForbiddenException(TicketAction.Register);
        if (answer is not null && TicketWorkflow.Check(TicketAction.ResolveAtIntake, TicketStatus.Registered, null, actor) == TransitionVerdict.RoleNotAllowed)
            throw new ActionForbiddenException(TicketAction.ResolveAtIntake);

        // The fingerprint only serves to tell a retry from a different request under the same key.
        var pending = new Pending(draft, actor, idempotencyKey, idempotencyKey is null ? null : Fingerprint(draft, requested), answer);
        await queue.Writer.WriteAsync(pending, ct);
        // Once queued the registration completes even if this caller goes away; a retry finds it by its key.
        return await pending.Completion.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var item))
                    batch.Add(item);
                await WriteBatchAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            queue.Writer.TryComplete();
            foreach (var p in batch)
                p.Completion.TrySetCanceled(stoppingToken);
            while (queue.Reader.TryRead(out var left))
                left.Completion.TrySetCanceled(stoppingToken);
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch, CancellationToken ct)
    {
        try
        {
            await CommitAsync(batch, ct);
            Nodes.HotlineMetrics.IntakeCommits.Add(1);
            Nodes.HotlineMetrics.TicketsRegistered.Add(batch.Count);
        }
        catch (DbUpdateException ex) when (batch.Count > 1)
        {
            // Another instance may have taken a key or a number: retry one by one so one failure cannot sink the rest.
            logger.LogWarning(ex, "Intake batch of {Count} failed; retrying one by one", batch.Count);
            foreach (var p in batch)
                await WriteBatchAsync([p], ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Intake of {Count} tickets failed", batch.Count);
            foreach (var p in batch)
                p.Completion.TrySetException(ex);
        }
    }

    private static bool IsPostgres(HotlineDbContext db) => db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true;

    /// <summary>Advances the day's counter by <paramref name="count"/> under a row lock; returns its new value, or null when the day has no row yet.</summary>
    private static async Task<long?> ReserveAsync(HotlineDbContext db, DateOnly day, int count, CancellationToken ct)
    {
        var rows = await db.Database
            .SqlQuery<long>($"UPDATE daily_sequences SET \"LastValue\" = \"LastValue\" + {count} WHERE \"Day\" = {day} RETURNING \"LastValue\" AS \"Value\"")
            .ToListAsync(ct);
        // None: a new day, inserted with the batch; a node inserting the same day at once fails that batch, retried one by one.
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>
    /// SQLite: the batch's rows go in through prepared single-row INSERTs (<see cref="DirectWriter.InsertAddedAsync"/>),
    /// without SaveChanges' per-entity command building, the largest share of a registration's CPU (docs/benchmarks.md,
    /// intake: notes), in one transaction taken at the write gate. The counter read before is advanced here and must land
    /// where it was expected, or the batch fails (and is retried one by one) rather than issue a number twice.
    /// </summary>
    private async Task WriteOnSqliteAsync(HotlineDbContext db, DateOnly day, long? counted, int count, CancellationToken ct)
    {
        using (await writeGate.EnterAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (counted is not null && await ReserveAsync(db, day, count, ct) != counted + count)
                throw new DbUpdateConcurrencyException($"The ticket numbers of {day} moved under an intake batch.");
            await DirectWriter.InsertAddedAsync(db, ct);
            await transaction.CommitAsync(ct);
        }
    }

    private async Task CommitAsync(List<Pending> batch, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.Now;
        var day = clock.LocalDay(now);

        var answers = new Dictionary<Pending, Func<IntakeResult>>();
        var toCreate = new List<Pending>();
        var byKey = await ExistingByKeyAsync(db, batch, ct);
        var firstInBatch = new Dictionary<(string, string), Pending>();
        foreach (var p in batch)
        {
            if (p.IdempotencyKey is null)
            {
                toCreate.Add(p);
                continue;
            }
            var key = (p.Actor.Id, p.IdempotencyKey);
            if (byKey.TryGetValue(key, out var existing))
                answers[p] = () => Replay(existing, p);
            else if (firstInBatch.TryGetValue(key, out var first))
                answers[p] = () => Replay(answers[first]().Ticket, p);
            else
            {
                firstInBatch[key] = p;
                toCreate.Add(p);
            }
        }

        if (toCreate.Count > 0)
        {
            // PostgreSQL may have several nodes committing intake at once: the day's counter row is taken (locked until
            // this transaction ends) and advanced by the whole batch in one statement, so the nodes queue on it instead
            // of losing whole batches to a concurrency conflict on LastValue. SQLite has one writer: it reads the counter
            // now and takes the write lock only to write the batch (below), where the counter is advanced and checked.
            var postgres = IsPostgres(db);
            await using var transaction = postgres ? await db.Database.BeginTransactionAsync(ct) : null;
            var counted = postgres
                ? await ReserveAsync(db, day, toCreate.Count, ct) is { } reserved ? reserved - toCreate.Count : (long?)null
                : await db.DailySequences.AsNoTracking().Where(s => s.Day == day).Select(s => (long?)s.LastValue).FirstOrDefaultAsync(ct);
            if (counted is null)
                db.DailySequences.Add(new DailySequence { Day = day, LastValue = toCreate.Count });
            var next = counted ?? 0;
            foreach (var p in toCreate)
            {
                var number = TicketNumber.Format(day, ++next);
                var (ticket, registered) = Ticket.Register(number, p.Draft, p.Actor, now);
                ticket.IdempotencyKey = p.IdempotencyKey;
                ticket.IdempotencyFingerprint = p.Fingerprint;
                db.Tickets.Add(ticket);
                var events = new List<TicketEvent> { registered };
                if (p.Answer is not null)
                    events.Add(ticket.Act(p.Answer, p.Actor, now)); // answered at once: never dispatched
                else if (routing.AutoDispatchTarget(p.Draft) is { } target)
                {
                    // A confident rule dispatches at once, in the same transaction, recorded as the system's action.
                    var desk = p.Draft.Requester.Kind == RequesterKind.Enterprise && reference.HasEnterpriseDesk(target.DepartmentCode);
                    events.Add(ticket.Act(new Dispatched(target.DepartmentCode, $"自动派单：{target.Reason}", desk, target.CoHandlingDepartmentCodes), Actor.System, now));
                }
                var code = await effects.AddAsync(db, ticket, events, ct);
                answers[p] = () => new IntakeResult(ticket, false, code);
            }
            if (transaction is not null)
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            else
            {
                await WriteOnSqliteAsync(db, day, counted, toCreate.Count, ct);
            }
            commits.Notify(); // after the commit: readers woken by SaveChanges' signal may have missed these rows
        }

        foreach (var p in batch)
        {
            try
            {
                p.Completion.TrySetResult(answers[p]());
            }
            catch (IdempotencyKeyReusedException ex)
            {
                p.Completion.TrySetException(ex);
            }
        }
        if (toCreate.Count > 0)
            logger.LogDebug("Registered {Count} tickets in one transaction", toCreate.Count);
    }

    private static async Task<Dictionary<(string, string), Ticket>> ExistingByKeyAsync(HotlineDbContext db, List<Pending> batch, CancellationToken ct)
    {
        var keys = batch.Where(p => p.IdempotencyKey is not null).Select(p => p.IdempotencyKey!).Distinct().ToList();
        if (keys.Count == 0)
            return [];
        var found = await db.Tickets.AsNoTracking().Where(t => t.IdempotencyKey != null && keys.Contains(t.IdempotencyKey)).ToListAsync(ct);
        return found.ToDictionary(t => (t.OwnerId, t.IdempotencyKey!));
    }

    private static IntakeResult Replay(Ticket existing, Pending p) =>
        existing.IdempotencyFingerprint == p.Fingerprint
            ? new IntakeResult(existing, true)
            : throw new IdempotencyKeyReusedException(existing.Number);

    private static string Fingerprint(TicketDraft draft, ResolvedAtIntake? answer) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { draft, answer }, HotlineDbContext.PayloadJson)));

    private sealed class Pending(TicketDraft draft, Actor actor, string? idempotencyKey, string? fingerprint, ResolvedAtIntake? answer)
    {
        public ResolvedAtIntake? Answer { get; } = answer;
        public TicketDraft Draft { get; } = draft;
        public Actor Actor { get; } = actor;
        public string? IdempotencyKey { get; } = idempotencyKey;
        public string? Fingerprint { get; } = fingerprint;
        public TaskCompletionSource<IntakeResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
