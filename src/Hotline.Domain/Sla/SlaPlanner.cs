using Hotline.Domain.Tickets;

namespace Hotline.Domain.Sla;

/// <summary>The clocks that run on a ticket (时限): the centre's dispatch clock, the department's sign-for and handling clocks, the return visit.</summary>
public enum SlaClockKind
{
    /// <summary>派单时限: the centre must dispatch (or answer) a registered, returned or reopened ticket.</summary>
    Dispatch,
    /// <summary>签收时限</summary>
    SignFor,
    /// <summary>办理时限: from dispatch to the department's reply; moved by an approved extension, paused while waiting for the requester.</summary>
    Handling,
    /// <summary>回访时限: the centre calls the requester back after the reply.</summary>
    Revisit,
}

/// <summary>How far a clock has got. Each step happens once: warnings at the policy's fractions, the breach, then the leaders.</summary>
public enum SlaStage
{
    Running = 0,
    /// <summary>First warning (e.g. 75% of the time used).</summary>
    Warned = 1,
    /// <summary>Second warning (e.g. 90%).</summary>
    WarnedAgain = 2,
    /// <summary>超时: the deadline passed; the ticket is supervised automatically.</summary>
    Breached = 3,
    /// <summary>The second breach level: escalated to the leaders' queue.</summary>
    Escalated = 4,
    /// <summary>The work the clock measured is done.</summary>
    Stopped = 9,
}

/// <summary>The time limits of one ticket type and priority, as the policy table gives them.</summary>
public sealed record SlaLimits(
    TimeLimit Dispatch, TimeLimit SignFor, TimeLimit Handling, TimeLimit Revisit, double FirstWarning, double SecondWarning, TimeLimit EscalateAfterBreach,
    bool AutoSupervise = true)
{
    public TimeLimit For(SlaClockKind kind) => kind switch
    {
        SlaClockKind.Dispatch => Dispatch,
        SlaClockKind.SignFor => SignFor,
        SlaClockKind.Handling => Handling,
        _ => Revisit,
    };
}

/// <summary>When a clock warns, falls due and escalates.</summary>
public sealed record ClockSchedule(DateTimeOffset FirstWarningAt, DateTimeOffset SecondWarningAt, DateTimeOffset DueAt, DateTimeOffset EscalateAt)
{
    /// <summary>The next instant something must happen at this stage, or null when nothing will.</summary>
    public DateTimeOffset? NextAt(SlaStage stage) => stage switch
    {
        SlaStage.Running => FirstWarningAt,
        SlaStage.Warned => SecondWarningAt,
        SlaStage.WarnedAgain => DueAt,
        SlaStage.Breached => EscalateAt,
        _ => null,
    };

    public static ClockSchedule Compute(BusinessCalendar calendar, DateTimeOffset start, TimeLimit limit, SlaLimits limits, IReadOnlyCollection<ClockPause> pauses)
    {
        var due = calendar.Deadline(start, limit, pauses);
        return new ClockSchedule(
            calendar.WarningInstant(start, limit, limits.FirstWarning, pauses),
            calendar.WarningInstant(start, limit, limits.SecondWarning, pauses),
            due,
            calendar.Deadline(due, limits.EscalateAfterBreach));
    }

    /// <summary>An approved extension: the new deadline, with warnings at the same fractions of the longer time.</summary>
    public static ClockSchedule Extended(BusinessCalendar calendar, DateTimeOffset start, DateTimeOffset due, TimeUnit unit, SlaLimits limits)
    {
        var whole = calendar.ClockTimeBetween(start, due, unit);
        DateTimeOffset At(double f) => calendar.AfterClockTime(start, TimeSpan.FromTicks((long)(whole.Ticks * f)), unit);
        return new ClockSchedule(At(limits.FirstWarning), At(limits.SecondWarning), due, calendar.Deadline(due, limits.EscalateAfterBreach));
    }
}

/// <summary>What a ticket event does to its clocks.</summary>
public abstract record ClockCommand(SlaClockKind Kind, DateTimeOffset At);

public sealed record StartClock(SlaClockKind Kind, DateTimeOffset At) : ClockCommand(Kind, At);

public sealed record StopClock(SlaClockKind Kind, DateTimeOffset At) : ClockCommand(Kind, At);

public sealed record PauseClock(SlaClockKind Kind, DateTimeOffset At) : ClockCommand(Kind, At);

public sealed record ResumeClock(SlaClockKind Kind, DateTimeOffset At) : ClockCommand(Kind, At);

public sealed record ExtendClock(SlaClockKind Kind, DateTimeOffset At, DateTimeOffset DueAt) : ClockCommand(Kind, At);

/// <summary>
/// The clock rules of a 12345 centre, as data in one place: a return to dispatch stops the department's clocks and
/// starts the dispatcher's; a reply stops the department's and starts the return visit's; waiting for the requester
/// pauses the handling clock; an approved extension moves its deadline.
/// </summary>
public static class SlaPlanner
{
    private static readonly SlaClockKind[] All = Enum.GetValues<SlaClockKind>();

    public static IReadOnlyList<ClockCommand> Plan(TicketChange change, DateTimeOffset at, Ticket after) => change switch
    {
        Registered => [new StartClock(SlaClockKind.Dispatch, at)],
        ResolvedAtIntake => [new StopClock(SlaClockKind.Dispatch, at), new StartClock(SlaClockKind.Revisit, at)],
        Dispatched => [new StopClock(SlaClockKind.Dispatch, at), new StartClock(SlaClockKind.SignFor, at), new StartClock(SlaClockKind.Handling, at)],
        SignedFor => [new StopClock(SlaClockKind.SignFor, at)],
        Returned => [new StopClock(SlaClockKind.SignFor, at), new StopClock(SlaClockKind.Handling, at), new StartClock(SlaClockKind.Dispatch, at)],
        Replied or AnsweredWithMaster =>
            [new StopClock(SlaClockKind.SignFor, at), new StopClock(SlaClockKind.Handling, at), new StartClock(SlaClockKind.Revisit, at)],
        Reopened => [new StopClock(SlaClockKind.Revisit, at), new StartClock(SlaClockKind.Dispatch, at)],
        MarkedDuplicate => [new StopClock(SlaClockKind.Dispatch, at)],
        Closed or Withdrawn => All.Select(k => (ClockCommand)new StopClock(k, at)).ToList(),
        ExtensionDecided { Approved: true } when after.ExtendedDeadline is { } due => [new ExtendClock(SlaClockKind.Handling, at, due)],
        AwaitingRequester => [new PauseClock(SlaClockKind.Handling, at)],
        RequesterResponded or RequesterMessageAdded { EndedWait: true } => [new ResumeClock(SlaClockKind.Handling, at)],
        // The rating is what the return visit is for, whether it came by link, by phone or through the API.
        Rated or RevisitRecorded => [new StopClock(SlaClockKind.Revisit, at)],
        _ => [],
    };
}
