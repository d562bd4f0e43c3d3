using System.Diagnostics;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Live;

/// <summary>
/// Reads the ticket events committed since the last one it sent, in sequence order, and pushes each to the centre and to
/// the departments on the ticket (main and co-handling), to the role groups of the work queues it changes, and to the
/// console's own components through <see cref="LiveTicketFeed"/>. Woken by <see cref="Notify"/> after every commit, and
/// every second anyway, so an event written by another instance or by a path that forgot to notify still goes out.
/// Sending never waits for a client (<see cref="LiveConnections"/>), so one stalled client cannot hold it up.
/// On PostgreSQL a lower sequence may commit after a higher one; see <see cref="SequenceGaps"/>.
/// </summary>
public sealed class TicketEventPublisher : BackgroundService
{
    private const int BatchSize = 500;
    private readonly IDbContextFactory<HotlineDbContext> contexts;
    private readonly LiveConnections live;
    private readonly LiveTicketFeed feed;
    private readonly TicketPresence presence;
    private readonly ILogger<TicketEventPublisher> logger;
    private readonly SequenceGaps gaps;
    private readonly SemaphoreSlim signal = new(0);
    private long last = -1;

    public TicketEventPublisher(IDbContextFactory<HotlineDbContext> contexts, LiveConnections live, LiveTicketFeed feed, TicketPresence presence,
        LivePresence relay, CommitSignal commits, IOptions<LiveOptions> options, ILogger<TicketEventPublisher> logger)
    {
        _ = relay; // created with the publisher, so presence changes reach hub clients from the start
        (this.contexts, this.live, this.feed, this.presence, this.logger) = (contexts, live, feed, presence, logger);
        gaps = new SequenceGaps(TimeSpan.FromMilliseconds(options.Value.SequenceGapTimeoutMilliseconds), logger);
        commits.Committed += Notify;
    }

    /// <summary>
    /// The highest sequence sent so far: every event up to it has been pushed (or, on PostgreSQL, given up as rolled back
    /// or timed out). -1 before the first read. <see cref="TicketsHub.Since"/> answers no further than this.
    /// </summary>
    public long Published => Interlocked.Read(ref last);

    /// <summary>Called after a commit that appended events.</summary>
    public void Notify()
    {
        if (signal.CurrentCount == 0)
            signal.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var waitingForGap = await PublishAsync(stoppingToken);
                // While a gap may still fill, look again soon; otherwise sleep until the next commit (or a second).
                await signal.WaitAsync(waitingForGap ? TimeSpan.FromMilliseconds(20) : TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                logger.LogWarning(ex, "Publishing ticket events failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>Sends everything committed after <see cref="Published"/>; true when it stopped at a gap that may still fill.</summary>
    private async Task<bool> PublishAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (last < 0)
            Interlocked.Exchange(ref last, await db.TicketEvents.MaxAsync(e => (long?)e.Id, ct) ?? 0); // consoles catch up on their own with Since
        var postgres = db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true;
        while (true)
        {
            var after = last;
            var rows = await db.TicketEvents.AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id).Take(BatchSize)
                .Join(db.Tickets, e => e.TicketId, t => t.Id, (e, t) => new
                {
                    e.Id, t.Number, e.Action, e.FromStatus, e.ToStatus, e.Version, e.Change, e.OccurredAt, t.AssignedDepartmentCode, t.CoHandlingDepartmentCodes,
                })
                .ToListAsync(ct);
            if (rows.Count == 0)
                return false;
            foreach (var r in rows)
            {
                // SQLite has one writer, so ids commit in order. PostgreSQL allocates them at insert, so a gap may be a
                // transaction that has not committed yet: wait for it (or for proof it will never come) before going past.
                if (postgres && r.Id != last + 1 && !await gaps.MayPassAsync(db, last + 1, r.Id, ct))
                    return true;
                Publish(TicketEventMessage.Create(r.Id, r.Number, r.Action, r.FromStatus, r.ToStatus, r.AssignedDepartmentCode, r.OccurredAt, r.Version, r.Change),
                    r.AssignedDepartmentCode, r.CoHandlingDepartmentCodes);
                Interlocked.Exchange(ref last, r.Id);
            }
            if (rows.Count < BatchSize)
                return false;
        }
    }

    private void Publish(TicketEventMessage message, string? assigned, IReadOnlyList<string> coHandling)
    {
        var departments = assigned is null ? coHandling : [assigned, .. coHandling];
        // Handlers whose department lost the ticket (returned, dispatched elsewhere) stop watching it: they may no longer see it.
        StopWatchingUnless(message.Number, departments);

        var groups = new List<string>(departments.Count + 1) { LiveGroups.Centre };
        groups.AddRange(departments.Select(LiveGroups.Department));
        live.Send(groups, nameof(ITicketsClient.TicketEvent), message);
        foreach (var queue in LiveQueues.Affected(message))
        {
            live.Send(LiveQueues.RolesOf[queue].Select(LiveGroups.Role).ToList(), nameof(ITicketsClient.QueueChanged),
                new QueueChangeMessage(QueueChangeMessage.Version, queue, message.Sequence, message.Number, message.Action));
        }
        feed.Publish(message, departments);
    }

    private void StopWatchingUnless(string number, IReadOnlyList<string> departments)
    {
        var group = LiveGroups.Ticket(number);
        foreach (var connection in live.Members(group))
        {
            if (connection.Actor is { IsDepartmentHandler: true } actor && !departments.Contains(actor.DepartmentCode!) && connection.Watching.TryRemove(number))
            {
                live.Leave(connection.Id, group);
                presence.Leave(number, connection.Id);
            }
        }
    }
}

/// <summary>
/// PostgreSQL hands out identity values at insert, not at commit, so event 11 may be visible while event 10's
/// transaction is still open. The publisher then stops before the gap. The owners of the missing ids took them before
/// the higher id was visible, so they are among the transactions in progress when the gap was seen; once all of those
/// have ended (pg_xact_status), a still-missing id was rolled back. A second round with a fresh snapshot covers a
/// transaction that had taken its id but not yet its transaction id. A gap open longer than the timeout (a stuck
/// transaction) is passed with a warning; connected clients miss that one event live (it is in the ticket's history and in Since from before it).
/// </summary>
internal sealed class SequenceGaps(TimeSpan timeout, ILogger logger)
{
    private long missing = -1;
    private string? snapshot;
    private int round;
    private long since;

    public async Task<bool> MayPassAsync(HotlineDbContext db, long firstMissing, long next, CancellationToken ct)
    {
        if (missing != firstMissing)
        {
            (missing, round, since) = (firstMissing, 1, Stopwatch.GetTimestamp()); // wall time of real transactions, not the app clock
            snapshot = await CurrentSnapshotAsync(db, ct);
            return false;
        }
        var finished = await db.Database
            .SqlQuery<bool>($"SELECT NOT EXISTS (SELECT 1 FROM pg_snapshot_xip({snapshot}::pg_snapshot) x WHERE pg_xact_status(x) = 'in progress') AS \"Value\"")
            .SingleAsync(ct);
        if (finished && round == 1)
        {
            (round, snapshot) = (2, await CurrentSnapshotAsync(db, ct));
            return false;
        }
        if (finished)
        {
            missing = -1;
            return true; // rolled back: those ids will never commit
        }
        if (Stopwatch.GetElapsedTime(since) < timeout)
            return false;
        logger.LogWarning("Ticket events {From} to {To} did not commit within {Timeout}; sent the later events; connected clients miss those live",
            firstMissing, next - 1, timeout);
        missing = -1;
        return true;
    }

    private static Task<string> CurrentSnapshotAsync(HotlineDbContext db, CancellationToken ct) =>
        db.Database.SqlQuery<string>($"SELECT pg_current_snapshot()::text AS \"Value\"").SingleAsync(ct);
}
