using Hotline.Domain.Access;

namespace Hotline.Domain.Tickets;

/// <summary>The things people do to a ticket. The route name of each is in <see cref="TicketWorkflow"/>.</summary>
public enum TicketAction
{
    Register,
    ResolveAtIntake,
    Dispatch,
    SignFor,
    Return,
    Reply,
    Close,
    Reopen,
    AttachFile,
}

/// <summary>
/// One row of the transition table: which action, from which states, to which state (null keeps the state), by whom.
/// <paramref name="ByAssignedDepartment"/> means only a handler of the department the ticket is assigned to may act.
/// </summary>
public sealed record TicketTransition(
    TicketAction Action,
    string RouteName,
    Type ChangeType,
    IReadOnlySet<TicketStatus> From,
    TicketStatus? To,
    IReadOnlySet<string> Roles,
    bool ByAssignedDepartment);

/// <summary>The outcome of asking whether an actor may take an action now.</summary>
public enum TransitionVerdict
{
    Allowed,
    /// <summary>The actor's role may never take this action (403).</summary>
    RoleNotAllowed,
    /// <summary>Not in the ticket's current state (409, with the allowed actions).</summary>
    NotAllowedInStatus,
}

/// <summary>
/// The ticket state machine as data. Adding an action is one row here and one <see cref="TicketChange"/> record;
/// the API, the authorization check, the docs diagram and the console's buttons all derive from this table.
/// </summary>
public static class TicketWorkflow
{
    private static readonly IReadOnlySet<TicketStatus> AnyOpen = Set(
        TicketStatus.Registered, TicketStatus.ResolvedAtIntake, TicketStatus.Dispatched, TicketStatus.SignedFor,
        TicketStatus.Returned, TicketStatus.Replied, TicketStatus.Reopened);

    public static IReadOnlyList<TicketTransition> Transitions { get; } =
    [
        new(TicketAction.Register, "register", typeof(Registered), Set(), TicketStatus.Registered,
            Who(Roles.Agent, Roles.Dispatcher, Roles.Admin), false),
        new(TicketAction.ResolveAtIntake, "resolve-at-intake", typeof(ResolvedAtIntake), Set(TicketStatus.Registered), TicketStatus.ResolvedAtIntake,
            Who(Roles.Agent, Roles.Dispatcher, Roles.Admin), false),
        new(TicketAction.Dispatch, "dispatch", typeof(Dispatched), Set(TicketStatus.Registered, TicketStatus.Returned, TicketStatus.Reopened), TicketStatus.Dispatched,
            Who(Roles.Dispatcher, Roles.Admin), false),
        new(TicketAction.SignFor, "sign-for", typeof(SignedFor), Set(TicketStatus.Dispatched), TicketStatus.SignedFor,
            Who(Roles.DepartmentHandler), true),
        new(TicketAction.Return, "return", typeof(Returned), Set(TicketStatus.Dispatched, TicketStatus.SignedFor), TicketStatus.Returned,
            Who(Roles.DepartmentHandler), true),
        new(TicketAction.Reply, "reply", typeof(Replied), Set(TicketStatus.SignedFor), TicketStatus.Replied,
            Who(Roles.DepartmentHandler), true),
        new(TicketAction.Close, "close", typeof(Closed), Set(TicketStatus.Replied, TicketStatus.ResolvedAtIntake), TicketStatus.Closed,
            Who(Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin), false),
        new(TicketAction.Reopen, "reopen", typeof(Reopened), Set(TicketStatus.Replied, TicketStatus.Closed, TicketStatus.ResolvedAtIntake), TicketStatus.Reopened,
            Who(Roles.Supervisor, Roles.Admin), false),
        new(TicketAction.AttachFile, "attach-file", typeof(AttachmentAdded), AnyOpen, null,
            Who(Roles.Agent, Roles.Dispatcher, Roles.DepartmentHandler, Roles.Supervisor, Roles.Admin), false),
    ];

    public static TicketTransition For(TicketAction action) => Transitions.First(t => t.Action == action);

    public static TicketTransition? ForRoute(string routeName) =>
        Transitions.FirstOrDefault(t => string.Equals(t.RouteName, routeName, StringComparison.OrdinalIgnoreCase));

    public static TicketTransition ForChange(TicketChange change) => Transitions.First(t => t.ChangeType == change.GetType());

    public static TransitionVerdict Check(TicketAction action, TicketStatus status, string? assignedDepartment, Actor actor)
    {
        var transition = For(action);
        if (!transition.Roles.Contains(actor.Role))
            return TransitionVerdict.RoleNotAllowed;
        // A handler acts only on their own department's tickets, whatever the action.
        if ((transition.ByAssignedDepartment || actor.IsDepartmentHandler) && (assignedDepartment is null || assignedDepartment != actor.DepartmentCode))
            return TransitionVerdict.RoleNotAllowed;
        return transition.From.Contains(status) ? TransitionVerdict.Allowed : TransitionVerdict.NotAllowedInStatus;
    }

    /// <summary>The actions this actor may take on a ticket now: for 409 answers and the console's buttons.</summary>
    public static IReadOnlyList<string> AllowedActions(TicketStatus status, string? assignedDepartment, Actor actor) =>
        Transitions
            .Where(t => t.Action != TicketAction.Register && Check(t.Action, status, assignedDepartment, actor) == TransitionVerdict.Allowed)
            .Select(t => t.RouteName)
            .ToList();

    private static HashSet<TicketStatus> Set(params TicketStatus[] states) => [.. states];

    private static HashSet<string> Who(params string[] roles) => new(roles, StringComparer.Ordinal);
}
