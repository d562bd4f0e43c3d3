using Hotline.Domain.Access;

namespace Hotline.Domain.Tickets;

/// <summary>The configurable limits of the department workflow (接诉即办 rules against passing the buck).</summary>
public sealed record WorkflowPolicy
{
    /// <summary>How often one department may return the same ticket (退单次数上限).</summary>
    public int MaxReturnsPerDepartment { get; init; } = 2;

    /// <summary>The rating scale requesters choose from (好差评).</summary>
    public RatingScale RatingScale { get; init; } = RatingScale.Three;

    /// <summary>Rounds of rectification (整改) after which another unsatisfied rating goes to the leaders' queue.</summary>
    public int MaxRectificationRounds { get; init; } = 2;

    public static WorkflowPolicy Default { get; } = new();
}

public enum GuardKind
{
    /// <summary>The ticket's own state refuses it now (409).</summary>
    Conflict,
    /// <summary>Only a higher role may do this (403).</summary>
    NeedsSupervisor,
    /// <summary>A field's value does not fit this ticket (400).</summary>
    Invalid,
}

/// <summary>Why a well-formed, permitted action is still refused for this particular ticket.</summary>
public sealed record GuardFailure(GuardKind Kind, string Code, string? Field = null, params object[] Arguments);

/// <summary>
/// Rules that depend on a ticket's history, beyond the transition table's "who, from which state": return limits,
/// sending a ticket back to a department that returned it, pending extensions, open supervision orders.
/// </summary>
public static class TicketGuards
{
    public const string ReturnLimitReached = "ReturnLimitReached";
    public const string ReturnedBySameDepartment = "ReturnedBySameDepartment";
    public const string ExtensionPending = "ExtensionPending";
    public const string NoExtensionPending = "NoExtensionPending";
    public const string DeadlineNotInFuture = "DeadlineNotInFuture";
    public const string DeadlineTooFar = "DeadlineTooFar";
    public const string NoSuchOpenOrder = "NoSuchOpenOrder";
    public const string NotInLeaderQueue = "NotInLeaderQueue";
    public const string AlreadyInLeaderQueue = "AlreadyInLeaderQueue";
    public const string AlreadyAwaitingRequester = "AlreadyAwaitingRequester";
    public const string NotAwaitingRequester = "NotAwaitingRequester";
    public const string AlreadyRated = "AlreadyRated";
    public const string LevelNotOnScale = "LevelNotOnScale";
    public const string NoRating = "NoRating";
    public const string NotRatedDepartment = "NotRatedDepartment";
    public const string RatingNotAppealable = "RatingNotAppealable";
    public const string AlreadyAppealed = "AlreadyAppealed";
    public const string NoPendingAppeal = "NoPendingAppeal";

    public static GuardFailure? Check(Ticket ticket, TicketChange change, Actor actor, WorkflowPolicy policy, DateTimeOffset now) => change switch
    {
        Returned when ticket.ReturnedBy.Count(d => d == actor.DepartmentCode) >= policy.MaxReturnsPerDepartment =>
            new(GuardKind.Conflict, ReturnLimitReached, null, policy.MaxReturnsPerDepartment),
        // Sending a ticket back to a department that already returned it needs a supervisor: no ping-pong (推诿).
        Dispatched d when ticket.ReturnedBy.Contains(d.DepartmentCode) && actor.Role is not (Roles.Supervisor or Roles.Admin) =>
            new(GuardKind.NeedsSupervisor, ReturnedBySameDepartment, "departmentCode", d.DepartmentCode),
        Dispatched d when d.CoHandlers.Any(ticket.ReturnedBy.Contains) && actor.Role is not (Roles.Supervisor or Roles.Admin) =>
            new(GuardKind.NeedsSupervisor, ReturnedBySameDepartment, "coHandlingDepartmentCodes", d.CoHandlers.First(ticket.ReturnedBy.Contains)),
        ExtensionRequested when ticket.PendingExtensionDeadline is not null => new(GuardKind.Conflict, ExtensionPending),
        ExtensionRequested r when r.RequestedDeadline <= now => new(GuardKind.Invalid, DeadlineNotInFuture, "requestedDeadline"),
        ExtensionRequested r when r.RequestedDeadline > now + MaxDeadlineAhead => TooFar("requestedDeadline"),
        ExtensionDecided when ticket.PendingExtensionDeadline is null => new(GuardKind.Conflict, NoExtensionPending),
        // Without its own date the approval grants the requested one, which may have passed while the request waited.
        ExtensionDecided x when x.Approved == true && (x.ApprovedDeadline ?? ticket.PendingExtensionDeadline) <= now =>
            new(GuardKind.Invalid, DeadlineNotInFuture, "approvedDeadline"),
        ExtensionDecided x when x.ApprovedDeadline > now + MaxDeadlineAhead => TooFar("approvedDeadline"),
        SupervisionRaised s when s.DueAt <= now => new(GuardKind.Invalid, DeadlineNotInFuture, "dueAt"),
        SupervisionRaised s when s.DueAt > now + MaxDeadlineAhead => TooFar("dueAt"),
        SupervisionAnswered a when !ticket.OpenSupervisionOrders.Contains(a.OrderNumber ?? 0) =>
            new(GuardKind.Invalid, NoSuchOpenOrder, "orderNumber", a.OrderNumber ?? 0),
        EscalatedToLeader when ticket.InLeaderQueue => new(GuardKind.Conflict, AlreadyInLeaderQueue),
        LeaderInstructed when !ticket.InLeaderQueue => new(GuardKind.Conflict, NotInLeaderQueue),
        LeaderInstructed l when l.DueAt <= now => new(GuardKind.Invalid, DeadlineNotInFuture, "dueAt"),
        LeaderInstructed l when l.DueAt > now + MaxDeadlineAhead => TooFar("dueAt"),
        AwaitingRequester when ticket.AwaitingRequesterSince is not null => new(GuardKind.Conflict, AlreadyAwaitingRequester),
        RequesterResponded when ticket.AwaitingRequesterSince is null => new(GuardKind.Conflict, NotAwaitingRequester),
        Rated r => CheckRating(ticket, r.Level, policy),
        RevisitRecorded { Reached: true, Level: { } level } => CheckRating(ticket, level, policy),
        // One rating per round: the department's answer of this round was rated already.
        RatingAppealed when ticket.Rating is null => new(GuardKind.Conflict, NoRating),
        RatingAppealed when ticket.RatedDepartmentCode is null || ticket.RatedDepartmentCode != actor.DepartmentCode => new(GuardKind.Conflict, NotRatedDepartment),
        RatingAppealed when !RatingRules.IsUnsatisfied(ticket.Rating!.Value) => new(GuardKind.Conflict, RatingNotAppealable),
        RatingAppealed when ticket.RatingAppeal is not null => new(GuardKind.Conflict, AlreadyAppealed),
        AppealDecided when ticket.RatingAppeal != AppealState.Pending => new(GuardKind.Conflict, NoPendingAppeal),
        _ => null,
    };

    /// <summary>
    /// The furthest a deadline someone sets (an extension, a supervision order, a leader's instruction) may lie ahead. A
    /// date beyond it is a typing slip (9999-12-31), and would never warn, breach or reach a digest.
    /// </summary>
    public static readonly TimeSpan MaxDeadlineAhead = TimeSpan.FromDays(366);

    private static GuardFailure TooFar(string field) => new(GuardKind.Invalid, DeadlineTooFar, field, (int)MaxDeadlineAhead.TotalDays);

    private static GuardFailure? CheckRating(Ticket ticket, RatingLevel? level, WorkflowPolicy policy) =>
        level is { } l && !RatingRules.IsOnScale(l, policy.RatingScale) ? new(GuardKind.Invalid, LevelNotOnScale, "level", policy.RatingScale)
        : ticket.RatedRound == ticket.ReopenCount ? new(GuardKind.Conflict, AlreadyRated, null, ticket.ReopenCount)
        : null;
}
