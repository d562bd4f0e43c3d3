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
/// concurrency token, so of two sweepers (two instances) only one advances a clock: each step happens exactly once.
/// Missed steps (after downtime) are taken in due-time order on the first sweep. A ticket's Version guards its row the
/// same way, so a sweep racing a person's action on the same ticket loses and retries that clock on the next sweep.
/// </summary>
public sealed class SlaSweeper(IDbContextFactory<HotlineDbContext> contexts, SlaRules rules, SlaClocks clocks, Notifications.Outbox outbox,
    CityClock clock, CommitSignal commits, Microsoft.Extensions.Options.IOptions<SlaOptions> options, ILogger<SlaSweeper> logger)
{

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var handled = 0;
        while (true)
        {
            var now = clock.Now;
            List<long> ids;
            await using (var db = await contexts.CreateDbContextAsync(ct))
            {
                ids = await db.SlaClocks.AsNoTracking().Where(c => c.NextAt != null && c.NextAt <= now)
                    .OrderBy(c => c.NextAt).Select(c => c.Id).Take(options.Value.SweepBatchSize).ToListAsync(ct);
            }
            if (ids.Count == 0)
                return handled;
            try
            {
                handled += await StepAsync(ids, now, ct);
            }
            catch (Exception ex) when (ids.Count > 1 && ex is DbUpdateException or System.Data.Common.DbException)
            {
                // Someone acted on one of these tickets meanwhile (or another instance took a clock): one at a time.
                logger.LogDebug(ex, "SLA batch of {Count} conflicted; stepping one by one", ids.Count);
                foreach (var id in ids)
                {
                    try
                    {
                        handled += await StepAsync([id], now, ct);
                    }
                    catch (Exception single) when (single is DbUpdateException or System.Data.Common.DbException) // taken by another sweeper, or the ticket changed: the next sweep looks again
                    {
                    }
                }
            }
            if (ids.Count < options.Value.SweepBatchSize)
                return handled;
        }
    }

    /// <summary>The earliest instant any clock is next due (one look at the end of the next_at index), or null.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.SlaClocks.AsNoTracking().Where(c => c.NextAt != null).OrderBy(c => c.NextAt).Select(c => c.NextAt).FirstOrDefaultAsync(ct);
    }

    private async Task<int> StepAsync(IReadOnlyCollection<long> ids, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Read without tracking and write with DirectWriter: tracking 500 tickets and their clocks cost more than the
        // writes themselves (docs/benchmarks.md, "sla"), and a herd of 10,000 breaches must clear within 2 seconds.
        var rows = await db.SlaClocks.AsNoTracking().Where(c => ids.Contains(c.Id) && c.NextAt != null && c.NextAt <= now).OrderBy(c => c.NextAt).ToListAsync(ct);
        if (rows.Count == 0)
            return 0;
        var ticketIds = rows.Select(r => r.TicketId).Distinct().ToList();
        var tickets = await db.Tickets.AsNoTracking().Where(t => ticketIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        await using var writer = await DirectWriter.BeginAsync(db, ct);
        var ticketsBefore = tickets.Values.ToDictionary(t => t.Id, writer.Snapshot);
        var events = new List<TicketEvent>();
        var emails = new List<Notifications.OutboxEmail>();
        var steps = 0;
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
            await writer.UpdateAsync(row, before, ct);
        }
        foreach (var ticket in tickets.Values)
            await writer.UpdateAsync(ticket, ticketsBefore[ticket.Id], ct);
        await writer.InsertManyAsync(events, ct);
        await writer.InsertManyAsync(emails, ct);
        await writer.CommitAsync(ct);
        commits.Notify();
        if (steps > 0)
            logger.LogInformation("SLA sweep took {Steps} steps on {Clocks} clocks", steps, rows.Count);
        return steps;
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
