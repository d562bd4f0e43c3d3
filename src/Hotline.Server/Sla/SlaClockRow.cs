using Hotline.Domain.Sla;

namespace Hotline.Server.Sla;

/// <summary>
/// 时限表: one row per ticket and clock, indexed by <see cref="NextAt"/> (the next instant something must happen), so
/// the sweeper finds what is due with one range scan however many tickets are open.
/// </summary>
public sealed class SlaClockRow
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    /// <summary>So a new ticket's clocks save in the same transaction as the ticket.</summary>
    public Hotline.Domain.Tickets.Ticket? Ticket { get; set; }
    public SlaClockKind Kind { get; set; }
    public SlaStage Stage { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public int LimitAmount { get; set; }
    public TimeUnit LimitUnit { get; set; }
    public DateTimeOffset FirstWarningAt { get; set; }
    public DateTimeOffset SecondWarningAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset EscalateAt { get; set; }
    /// <summary>Null when nothing more will happen (stopped, paused, escalated, or unschedulable). The concurrency token: two sweepers cannot both advance one clock.</summary>
    public DateTimeOffset? NextAt { get; set; }
    public DateTimeOffset? PausedAt { get; set; }
    /// <summary>Earlier pauses, to recompute the deadline after a calendar change; stored as JSON by an EF value converter.</summary>
    public List<ClockPause> Pauses { get; set; } = [];
    public DateTimeOffset? StoppedAt { get; set; }
    /// <summary>Why the clock could not be scheduled (e.g. the calendar for 2027 is not loaded): shown to admins, never guessed.</summary>
    public string? Problem { get; set; }

    public ClockSchedule Schedule => new(FirstWarningAt, SecondWarningAt, DueAt, EscalateAt);

    public void Apply(ClockSchedule schedule)
    {
        // Whole seconds: what the API shows is exactly what the sweeper compares (fractions of working time are not).
        (FirstWarningAt, SecondWarningAt, DueAt, EscalateAt) = (Second(schedule.FirstWarningAt), Second(schedule.SecondWarningAt), Second(schedule.DueAt), Second(schedule.EscalateAt));
        NextAt = Schedule.NextAt(Stage);
        Problem = null;
    }

    private static DateTimeOffset Second(DateTimeOffset t) => t.AddTicks(-(t.UtcTicks % TimeSpan.TicksPerSecond));
}
