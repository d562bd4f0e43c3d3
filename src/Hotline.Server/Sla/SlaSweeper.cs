using Hotline.Domain.Access;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Hotline.Server.Sla;

/// <summary>
/// 时限巡检: finds every clock whose next instant has come (one indexed range scan on next_at), and for each step —
/// first warning, second warning, breach, escalation — appends the ticket's event, raises the automatic supervision
/// order or the leaders' escalation, and advances the clock, all in one transaction. The clock's next_at is its
/// concurrency token, so of two sweepers (two instances) only one advances a clock: each step happens exactly once. On
/// PostgreSQL each batch also claims its clocks (FOR UPDATE SKIP LOCKED) and <see cref="SlaOptions.SweepWorkers"/>
/// batches run side by side, so a herd's batches share the work instead of racing for the same clocks.
/// Missed steps (after downtime) are taken in due-time order on the first sweep. A ticket's Version guards its row the
/// same way, so a sweep racing a person's action on the same ticket loses and retries that clock on the next sweep.
/// </summary>
public sealed class SlaSweeper(IDbContextFactory<HotlineDbContext> contexts, SlaRules rules, SlaClocks clocks, Notifications.Outbox outbox,
    CityClock clock, CommitSignal commits, Microsoft.Extensions.Options.IOptions<SlaOptions> options, ILogger<SlaSweeper> logger)
{

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        if (!claims || options.Value.SweepWorkers <= 1)
            return await SweepBatchesAsync(ct);
        // Side by side, each taking what the others have not claimed: a herd's batches overlap the node's CPU with the database's.
        var workers = await Task.WhenAll(Enumerable.Range(0, options.Value.SweepWorkers).Select(_ => SweepBatchesAsync(ct)));
        return workers.Sum();
    }

    /// <summary>On PostgreSQL a batch claims its due clocks in its own transaction (FOR UPDATE SKIP LOCKED); on SQLite, the one writer, it reads them first.</summary>
    private readonly bool claims = UsesClaims(contexts);

    private static bool UsesClaims(IDbContextFactory<HotlineDbContext> contexts)
    {
        using var db = contexts.CreateDbContext();
        return db.Database.IsNpgsql();
    }

    private async Task<int> SweepBatchesAsync(CancellationToken ct)
    {
        var handled = 0;
        var size = options.Value.SweepBatchSize;
        while (true)
        {
            var now = clock.Now;
            List<long>? due = null; // with claims, the batch takes its own
            if (!claims)
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                due = await db.SlaClocks.AsNoTracking().Where(c => c.NextAt != null && c.NextAt <= now)
                    .OrderBy(c => c.NextAt).Select(c => c.Id).Take(size).ToListAsync(ct);
                if (due.Count == 0)
                    return handled;
            }
            IReadOnlyCollection<long> ids;
            try
            {
                var (taken, steps) = await StepAsync(due, now, ct);
                handled += steps;
                ids = taken;
            }
            catch (BatchFailed failed) when (failed.Ids.Count > 1)
            {
                // Someone acted on one of these tickets meanwhile (or another instance took a clock): one at a time.
                logger.LogDebug(failed.InnerException, "SLA batch of {Count} conflicted; stepping one by one", failed.Ids.Count);
                ids = failed.Ids;
                foreach (var id in ids)
                {
                    try
                    {
                        handled += (await StepAsync([id], now, ct)).Steps;
                    }
                    catch (BatchFailed) // taken by another sweeper, or the ticket changed: the next sweep looks again
                    {
                    }
                }
            }
            catch (BatchFailed)
            {
                return handled; // a single clock conflicted: the next sweep looks again
            }
            if (ids.Count < size)
                return handled;
        }
    }

    /// <summary>A batch's transaction failed on a conflict (nothing of it was written); <see cref="Ids"/> are the clocks it held.</summary>
    private sealed class BatchFailed(IReadOnlyCollection<long> ids, Exception inner) : Exception("SLA batch conflicted", inner)
    {
        public IReadOnlyCollection<long> Ids { get; } = ids;
    }

    /// <summary>The earliest instant any clock is next due (one look at the end of the next_at index), or null.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.SlaClocks.AsNoTracking().Where(c => c.NextAt != null).OrderBy(c => c.NextAt).Select(c => c.NextAt).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// One transaction: the clocks <paramref name="ids"/> (or, with claims, up to a batch of due ones, locked) that are
    /// still due, every step each has reached, and their tickets' events and emails. Returns the clocks it held and the steps taken.
    /// </summary>
    private async Task<(IReadOnlyCollection<long> Ids, int Steps)> StepAsync(IReadOnlyCollection<long>? ids, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        DirectWriter? writer = null;
        List<SlaClockRow> rows = [];
        var phases = new Phases(); // where a batch's time goes, in the log line (docs/benchmarks.md, "scaleout: notes")
        try
        {
            // Read without tracking and write with DirectWriter: tracking 500 tickets and their clocks cost more than the
            // writes themselves (docs/benchmarks.md, "sla"), and a herd of 10,000 breaches must clear within 2 seconds.
            if (claims)
            {
                var at = now.ToUniversalTime(); // Npgsql writes timestamptz from UTC offsets only
                // The rows stay locked until this transaction ends; a concurrent batch (another worker, or another node's
                // sweep still finishing after a failover) skips them rather than waiting to lose on the concurrency token.
                writer = await DirectWriter.BeginAsync(db, ct);
                rows = ids is null
                    ? await db.SlaClocks.FromSql($"SELECT * FROM sla_clocks WHERE \"NextAt\" <= {at} ORDER BY \"NextAt\" LIMIT {options.Value.SweepBatchSize} FOR UPDATE SKIP LOCKED").AsNoTracking().ToListAsync(ct)
                    : await db.SlaClocks.FromSql($"SELECT * FROM sla_clocks WHERE \"Id\" = ANY({ids.ToArray()}) AND \"NextAt\" <= {at} ORDER BY \"NextAt\" FOR UPDATE SKIP LOCKED").AsNoTracking().ToListAsync(ct);
            }
            else
            {
                var due = ids ?? [];
                rows = await db.SlaClocks.AsNoTracking().Where(c => due.Contains(c.Id) && c.NextAt != null && c.NextAt <= now).OrderBy(c => c.NextAt).ToListAsync(ct);
            }
            if (rows.Count == 0)
                return (ids ?? [], 0);
            phases.Mark("clocks");
            var ticketIds = rows.Select(r => r.TicketId).Distinct().ToList();
            // With claims, the tickets are locked too, in Id order: two batches holding clocks of one ticket take turns on it
            // (the second reads it as the first left it) instead of the second failing on its version and going one by one.
            var tickets = claims
                ? await db.Tickets.FromSql($"SELECT * FROM tickets WHERE \"Id\" = ANY({ticketIds.ToArray()}) ORDER BY \"Id\" FOR UPDATE").AsNoTracking().ToDictionaryAsync(t => t.Id, ct)
                : await db.Tickets.AsNoTracking().Where(t => ticketIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
            writer ??= await DirectWriter.BeginAsync(db, ct);
            phases.Mark("tickets");
            var ticketsBefore = tickets.Values.ToDictionary(t => t.Id, writer.Snapshot);
            var events = new List<TicketEvent>();
            var emails = new List<Notifications.OutboxEmail>();
            var steps = 0;
            var clockUpdates = new List<(SlaClockRow, object?[])>(rows.Count);
            foreach (var row in rows)
            {
                var before = writer.Snapshot(row);
                var ticket = tickets[row.TicketId];
                while (row.NextAt is { } at && at <= now)
                {
                    foreach (var change in Effects(row, ticket, at))
                    {
                        var transition = TicketWorkflow.ForChange(change);
                        if (TicketWorkflow.Check(transition.Action, ticket.Status, ticket.AssignedDepartmentCode, Actor.System, ticket.CoHandlingDepartmentCodes) == TransitionVerdict.Allowed)
                        {
                            var e = ticket.Act(change, Actor.System, at);
                            events.Add(e);
                            emails.AddRange(outbox.Emails(ticket, [e])); // the breach email to the department head commits with the breach
                        }
                    }
                    row.Stage++;
                    row.NextAt = row.Schedule.NextAt(row.Stage);
                    steps++;
                }
                clockUpdates.Add((row, before));
            }
            phases.Mark("domain");
            await writer.UpdateAllAsync(clockUpdates, ct);
            phases.Mark("clock updates");
            await writer.UpdateAllAsync(tickets.Values.Select(t => (t, ticketsBefore[t.Id])).ToList(), ct);
            phases.Mark("ticket updates");
            await writer.InsertManyAsync(events, ct);
            phases.Mark("events");
            await writer.InsertManyAsync(emails, ct);
            phases.Mark("emails");
            await writer.CommitAsync(ct);
            phases.Mark("commit");
            commits.Notify();
            if (steps > 0)
                logger.LogInformation("SLA sweep took {Steps} steps on {Clocks} clocks in {Phases}", steps, rows.Count, phases);
            return (rows.Select(r => r.Id).ToList(), steps);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException)
        {
            throw new BatchFailed(ids ?? rows.Select(r => r.Id).ToList(), ex);
        }
        finally
        {
            if (writer is not null)
                await writer.DisposeAsync();
        }
    }

    /// <summary>Milliseconds between marks, for the batch's log line: "clocks 12, tickets 30, …" (wall time, so under load it includes waiting for the CPU).</summary>
    private sealed class Phases
    {
        private long last = System.Diagnostics.Stopwatch.GetTimestamp();
        private readonly System.Text.StringBuilder text = new();

        public void Mark(string phase)
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            text.Append(text.Length == 0 ? "" : ", ").Append(phase).Append(' ')
                .Append(System.Diagnostics.Stopwatch.GetElapsedTime(last, now).TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture));
            last = now;
        }

        public override string ToString() => $"{text} ms";
    }

    /// <summary>What reaching the row's next stage means for its ticket.</summary>
    private IEnumerable<TicketChange> Effects(SlaClockRow row, Ticket ticket, DateTimeOffset at)
    {
        switch (row.Stage)
        {
            case SlaStage.Running:
                yield return new SlaWarned(row.Kind, 1, row.DueAt);
                break;
            case SlaStage.Warned:
                yield return new SlaWarned(row.Kind, 2, row.DueAt);
                break;
            case SlaStage.WarnedAgain:
                yield return new SlaBreached(row.Kind, row.DueAt);
                if (row.Kind is SlaClockKind.SignFor or SlaClockKind.Handling && clocks.LimitsOf(ticket).AutoSupervise)
                {
                    // 超时自动督办: the department must answer why, within the configured working days.
                    yield return new SupervisionRaised(ticket.SupervisionCount + 1,
                        (row.Kind == SlaClockKind.SignFor ? SystemTexts.SignForOverdueOrder : SystemTexts.HandlingOverdueOrder).Chinese,
                        DueAfter(at, ticket.AssignedDepartmentCode));
                }
                break;
            case SlaStage.Breached when row.Kind == SlaClockKind.Handling && !ticket.InLeaderQueue:
                yield return new EscalatedToLeader(SystemTexts.HandlingOverdueToLeader.Chinese);
                break;
        }
    }

    /// <summary>When the department must answer an automatic order: counted from the breach, on the department's own hours.</summary>
    private DateTimeOffset DueAfter(DateTimeOffset breachedAt, string? department)
    {
        try
        {
            return rules.CalendarFor(department).Deadline(breachedAt, TimeLimit.WorkingDays(rules.Options.AutomaticSupervisionWorkingDays));
        }
        catch (CalendarNotLoadedException)
        {
            return breachedAt.AddDays(rules.Options.AutomaticSupervisionWorkingDays); // the clock itself already reports the missing year
        }
    }
}

/// <summary>
/// The Quartz job that runs the sweep; one at a time per instance (clock claims make instances safe together). After a
/// sweep it waits for a clock due before the next fire and sweeps at that instant, so a deadline is detected when it
/// falls due rather than up to one interval later.
/// </summary>
[DisallowConcurrentExecution]
public sealed class SlaSweepJob(SlaSweeper sweeper, TimeProvider time, Microsoft.Extensions.Options.IOptions<SlaOptions> options) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        // How late this sweep starts after its trigger's time: a busy or failed-over scheduler shows here first.
        if (context?.ScheduledFireTimeUtc is { } scheduled) // null when a test runs the job by hand
            Nodes.HotlineMetrics.SlaSweepLag.Record(Math.Max(0, (time.GetUtcNow() - scheduled).TotalSeconds));
        var nextFire = time.GetUtcNow().AddMilliseconds(options.Value.SweepIntervalMilliseconds);
        await sweeper.SweepAsync(cancellationToken);
        while (await sweeper.NextDueAsync(cancellationToken) is { } due && due < nextFire)
        {
            var wait = due - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
                return; // left over from a conflict: the next fire retries it, never a busy loop
            await Task.Delay(wait, time, cancellationToken);
            await sweeper.SweepAsync(cancellationToken);
        }
    }
}
