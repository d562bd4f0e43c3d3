using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Sla;

/// <summary>One running clock whose deadline a calendar import would move (or schedule, or leave unschedulable).</summary>
public sealed record ClockChange(string Number, SlaClockKind Kind, DateTimeOffset? DueBefore, DateTimeOffset? DueAfter, string? ProblemBefore, string? ProblemAfter);

/// <summary>
/// Keeps a ticket's clock rows in step with its events, in the same unit of work: whoever appends events calls
/// <see cref="ApplyAsync"/> before saving, so the event, the ticket row and the deadlines commit together.
/// </summary>
public sealed class SlaClocks(SlaRules rules, Reference.ReferenceData reference, ILogger<SlaClocks> logger)
{
    /// <summary>The policy that governs a ticket: its category's, its parent category's, or its type and priority's.</summary>
    public SlaLimits LimitsOf(Ticket ticket) =>
        rules.LimitsFor(ticket.Type, ticket.Priority, ticket.CategoryCode, reference.Categories.GetValueOrDefault(ticket.CategoryCode)?.ParentCode);

    public async Task ApplyAsync(HotlineDbContext db, Ticket ticket, IEnumerable<TicketEvent> events, CancellationToken ct)
    {
        var commands = events.SelectMany(e => SlaPlanner.Plan(e.Change, e.OccurredAt, ticket)).ToList();
        if (commands.Count == 0)
            return;
        // The ticket's clocks: from the database for a saved ticket, none yet for a new one. Not DbSet.Local, which runs
        // change detection over everything tracked on each look-up (quadratic in a batch of registrations).
        var rows = ticket.Id != 0 ? await db.SlaClocks.Where(c => c.TicketId == ticket.Id).ToListAsync(ct) : [];
        var limits = LimitsOf(ticket);
        foreach (var command in commands)
        {
            var row = rows.FirstOrDefault(c => c.Kind == command.Kind);
            switch (command)
            {
                case StartClock start:
                    if (row is null)
                    {
                        row = new SlaClockRow { Ticket = ticket, Kind = start.Kind };
                        db.SlaClocks.Add(row);
                        rows.Add(row);
                    }
                    Start(row, start.At, limits.For(start.Kind), limits, ticket);
                    break;
                case StopClock stop when row is { StoppedAt: null }:
                    row.StoppedAt = stop.At;
                    row.PausedAt = null;
                    row.NextAt = null;
                    break;
                case PauseClock pause when row is { StoppedAt: null, PausedAt: null } && row.Stage < SlaStage.Breached:
                    row.PausedAt = pause.At;
                    row.NextAt = null;
                    break;
                case ResumeClock resume when row is { StoppedAt: null, PausedAt: { } since }:
                    row.Pauses = [.. row.Pauses, new ClockPause(since, resume.At)];
                    row.PausedAt = null;
                    Reschedule(row, limits, ticket, resume.At);
                    break;
                case ExtendClock extend when row is { StoppedAt: null }:
                    Reschedule(row, limits, ticket, extend.At);
                    break;
            }
        }
        if (commands.Any(c => c.Kind == SlaClockKind.Handling))
            ticket.KeepHandlingDeadline(HandlingDeadline(rows.FirstOrDefault(c => c.Kind == SlaClockKind.Handling)));
    }

    /// <summary>The inbox's order on the ticket (<see cref="Ticket.HandlingDueAt"/>): the handling clock's deadline while it is not stopped.</summary>
    private static DateTimeOffset? HandlingDeadline(SlaClockRow? handling) => handling is { StoppedAt: null } ? handling.DueAt : null;

    /// <summary>After a calendar change: every running clock gets its schedule again (and unschedulable ones a second chance), in batches.</summary>
    public async Task<int> RecomputeRunningAsync(HotlineDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var count = 0;
        long after = 0;
        while (true)
        {
            var rows = await db.SlaClocks.Include(c => c.Ticket).Where(c => c.StoppedAt == null && c.PausedAt == null && c.Id > after)
                .OrderBy(c => c.Id).Take(1000).ToListAsync(ct);
            if (rows.Count == 0)
                return count;
            foreach (var row in rows)
                Reschedule(row, LimitsOf(row.Ticket!), row.Ticket!, now);
            await db.SaveChangesAsync(ct);
            // The tickets' copy of the handling deadline is written apart (in the caller's transaction, where it has one):
            // saving the tracked tickets would check their version and fail the recompute on any action taken meanwhile.
            foreach (var row in rows.Where(r => r.Kind == SlaClockKind.Handling))
            {
                var due = HandlingDeadline(row);
                await db.Tickets.Where(t => t.Id == row.TicketId).ExecuteUpdateAsync(u => u.SetProperty(t => t.HandlingDueAt, due), ct);
            }
            db.ChangeTracker.Clear();
            count += rows.Count;
            after = rows[^1].Id;
        }
    }

    /// <summary>
    /// What <see cref="RecomputeRunningAsync"/> would do, without doing it: each running clock's deadline (or calendar
    /// problem) now and after a recompute on these rules' calendar, for the clocks whose deadline or problem would change.
    /// Reads untracked rows in batches; nothing is written.
    /// </summary>
    public async Task<(int Running, List<ClockChange> Changes)> PreviewRecomputeAsync(HotlineDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var running = 0;
        var changes = new List<ClockChange>();
        long after = 0;
        while (true)
        {
            var rows = await db.SlaClocks.AsNoTracking().Include(c => c.Ticket).Where(c => c.StoppedAt == null && c.PausedAt == null && c.Id > after)
                .OrderBy(c => c.Id).Take(1000).ToListAsync(ct);
            if (rows.Count == 0)
                return (running, changes);
            foreach (var row in rows)
            {
                var (dueBefore, problemBefore) = (row.Problem is null ? row.DueAt : (DateTimeOffset?)null, row.Problem);
                row.Problem = null;
                Reschedule(row, LimitsOf(row.Ticket!), row.Ticket!, now);
                var dueAfter = row.Problem is null ? row.DueAt : (DateTimeOffset?)null;
                if (dueAfter != dueBefore || row.Problem != problemBefore)
                    changes.Add(new ClockChange(row.Ticket!.Number, row.Kind, dueBefore, dueAfter, problemBefore, row.Problem));
            }
            running += rows.Count;
            after = rows[^1].Id;
        }
    }

    private void Start(SlaClockRow row, DateTimeOffset at, TimeLimit limit, SlaLimits limits, Ticket ticket)
    {
        row.Stage = SlaStage.Running;
        row.StartedAt = at;
        row.LimitAmount = limit.Amount;
        row.LimitUnit = limit.Unit;
        row.Pauses = [];
        row.PausedAt = null;
        row.StoppedAt = null;
        var calendar = CalendarOf(row, ticket);
        Schedule(row, () => ClockSchedule.Compute(calendar, at, limit, limits, []), ticket);
    }

    /// <summary>After a pause or an approved extension: a new schedule, and the stage that fits it at this moment.</summary>
    private void Reschedule(SlaClockRow row, SlaLimits limits, Ticket ticket, DateTimeOffset at)
    {
        var limit = new TimeLimit(row.LimitAmount, row.LimitUnit);
        var pauses = row.Pauses;
        var calendar = CalendarOf(row, ticket);
        Schedule(row, () => row.Kind == SlaClockKind.Handling && ticket.ExtendedDeadline is { } extended
            ? ClockSchedule.Extended(calendar, row.StartedAt, calendar.Extend(row.StartedAt, extended, row.LimitUnit, pauses.Where(p => p.From >= extended)), row.LimitUnit, limits)
            : ClockSchedule.Compute(calendar, row.StartedAt, limit, limits, pauses), ticket);
        if (row.Problem is not null)
            return;
        // Warnings already given are not repeated; a deadline moved past now makes the ticket on time again.
        var reached = at >= row.DueAt ? SlaStage.Breached : at >= row.SecondWarningAt ? SlaStage.WarnedAgain : at >= row.FirstWarningAt ? SlaStage.Warned : SlaStage.Running;
        row.Stage = reached;
        row.NextAt = row.Schedule.NextAt(row.Stage);
    }

    /// <summary>The department's clocks run on its own working hours; the centre's (dispatch, revisit) on the standard ones.</summary>
    private BusinessCalendar CalendarOf(SlaClockRow row, Ticket ticket) =>
        row.Kind is SlaClockKind.SignFor or SlaClockKind.Handling ? rules.CalendarFor(ticket.AssignedDepartmentCode) : rules.Calendar;

    private void Schedule(SlaClockRow row, Func<ClockSchedule> compute, Ticket ticket)
    {
        try
        {
            row.Apply(compute());
        }
        catch (CalendarNotLoadedException ex)
        {
            // Never a silent guess: the clock waits, unscheduled, and admins see why (GET /api/sla/problems).
            row.NextAt = null;
            row.Problem = $"CalendarNotLoaded:{ex.Year}";
            logger.LogWarning("Clock {Kind} of ticket {TicketNumber} cannot be scheduled: calendar year {Year} is not loaded", row.Kind, ticket.Number, ex.Year);
        }
    }
}
