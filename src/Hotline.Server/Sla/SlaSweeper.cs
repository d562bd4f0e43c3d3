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
/// Missed steps (after downtime) are taken in due-time order on the first sweep.
/// </summary>
public sealed class SlaSweeper(
    IDbContextFactory<HotlineDbContext> contexts, SlaRules rules, SlaClocks clocks, Notifications.Outbox outbox, CityClock clock, ILogger<SlaSweeper> logger)
{
    private const int Batch = 500;

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
                    .OrderBy(c => c.NextAt).Select(c => c.Id).Take(Batch).ToListAsync(ct);
            }
            if (ids.Count == 0)
                return handled;
            try
            {
                handled += await StepAsync(ids, now, ct);
            }
            catch (DbUpdateException ex) when (ids.Count > 1)
            {
                // Someone acted on one of these tickets meanwhile (or another instance took a clock): one at a time.
                logger.LogDebug(ex, "SLA batch of {Count} conflicted; stepping one by one", ids.Count);
                foreach (var id in ids)
                {
                    try
                    {
                        handled += await StepAsync([id], now, ct);
                    }
                    catch (DbUpdateException) // taken by another sweeper, or the ticket changed: the next sweep looks again
                    {
                    }
                }
            }
            if (ids.Count < Batch)
                return handled;
        }
    }

    private async Task<int> StepAsync(IReadOnlyCollection<long> ids, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.SlaClocks.Where(c => ids.Contains(c.Id) && c.NextAt != null && c.NextAt <= now).OrderBy(c => c.NextAt).ToListAsync(ct);
        var ticketIds = rows.Select(r => r.TicketId).Distinct().ToList();
        var tickets = await db.Tickets.Where(t => ticketIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        var steps = 0;
        foreach (var row in rows)
        {
            var ticket = tickets[row.TicketId];
            while (row.NextAt is { } at && at <= now)
            {
                foreach (var change in Effects(row, ticket, at))
                {
                    var transition = TicketWorkflow.ForChange(change);
                    if (TicketWorkflow.Check(transition.Action, ticket.Status, ticket.AssignedDepartmentCode, Actor.System, ticket.CoHandlingDepartmentCodes) == TransitionVerdict.Allowed)
                    {
                        var e = ticket.Act(change, Actor.System, at);
                        db.TicketEvents.Add(e);
                        outbox.Apply(db, ticket, [e]); // the breach email to the department head commits with the breach
                    }
                }
                row.Stage++;
                row.NextAt = row.Schedule.NextAt(row.Stage);
                steps++;
            }
        }
        await db.SaveChangesAsync(ct);
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
                        row.Kind == SlaClockKind.SignFor ? "自动督办：工单超过签收时限未签收，请立即签收并说明原因。" : "自动督办：工单超过办理时限未办结，请尽快办结并说明原因。",
                        DueAfter(at, ticket.AssignedDepartmentCode));
                }
                break;
            case SlaStage.Breached when row.Kind == SlaClockKind.Handling && !ticket.InLeaderQueue:
                yield return new EscalatedToLeader("超过办理时限仍未办结，系统自动提请领导督办。");
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

/// <summary>The Quartz job that runs the sweep; one at a time per instance (clock claims make instances safe together).</summary>
[DisallowConcurrentExecution]
public sealed class SlaSweepJob(SlaSweeper sweeper) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sweeper.SweepAsync(cancellationToken);
}
