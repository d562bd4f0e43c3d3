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
    AddProgress,
    Contribute,
    RequestExtension,
    DecideExtension,
    Supervise,
    AnswerSupervision,
    EscalateToLeader,
    LeaderInstruct,
    MarkDuplicate,
    AnswerWithMaster,
    AwaitRequester,
    RequesterResponded,
    SlaWarn,
    SlaBreach,
    Rate,
    AppealRating,
    DecideAppeal,
    RequesterMessage,
    RecordRevisit,
    Withdraw,
}

/// <summary>Which department handlers may take an action (other roles are governed by the role list alone).</summary>
public enum DepartmentScope
{
    /// <summary>Any handler whose department is on the ticket (main or co-handling).</summary>
    Involved,
    /// <summary>Only the main department (主办) the ticket is assigned to.</summary>
    Assigned,
    /// <summary>Only a co-handling department (协办).</summary>
    CoHandling,
}

/// <summary>
/// One row of the transition table: which action, from which states, to which state (null keeps the state), by whom,
/// and for department handlers, which of the ticket's departments (<see cref="DepartmentScope"/>).
/// </summary>
public sealed record TicketTransition(
    TicketAction Action,
    string RouteName,
    Type ChangeType,
    IReadOnlySet<TicketStatus> From,
    TicketStatus? To,
    IReadOnlySet<string> Roles,
    DepartmentScope Scope = DepartmentScope.Involved);

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
        TicketStatus.Returned, TicketStatus.Replied, TicketStatus.Reopened, TicketStatus.Merged);

    /// <summary>With a department: what supervision and leaders act on.</summary>
    private static readonly IReadOnlySet<TicketStatus> InHandling = Set(TicketStatus.Dispatched, TicketStatus.SignedFor);

    /// <summary>Being handled or waiting for a department: where supervision and the leader queue apply.</summary>
    private static readonly IReadOnlySet<TicketStatus> Unfinished = Set(
        TicketStatus.Dispatched, TicketStatus.SignedFor, TicketStatus.Returned, TicketStatus.Reopened);

    /// <summary>Answered (by a department, with the master, or at intake): what a requester rates and the centre calls back about.</summary>
    private static readonly IReadOnlySet<TicketStatus> Answered = Set(TicketStatus.Replied, TicketStatus.Closed, TicketStatus.ResolvedAtIntake);

    /// <summary>Where a rated department's appeal can be made and decided: after the rating, through its rectification.</summary>
    private static readonly IReadOnlySet<TicketStatus> AfterRating = Set(
        TicketStatus.Replied, TicketStatus.Closed, TicketStatus.Reopened, TicketStatus.Dispatched, TicketStatus.SignedFor, TicketStatus.Returned);

    private static readonly IReadOnlySet<TicketStatus> AnyStatus = Enum.GetValues<TicketStatus>().ToHashSet();

    public static IReadOnlyList<TicketTransition> Transitions { get; } =
    [
        // A requester registers through the public Q&A page's online form (channel web), through the same intake.
        new(TicketAction.Register, "register", typeof(Registered), Set(), TicketStatus.Registered,
            Who(Roles.Agent, Roles.Dispatcher, Roles.Admin, Roles.Requester)),
        new(TicketAction.ResolveAtIntake, "resolve-at-intake", typeof(ResolvedAtIntake), Set(TicketStatus.Registered), TicketStatus.ResolvedAtIntake,
            Who(Roles.Agent, Roles.Dispatcher, Roles.Admin)),
        new(TicketAction.Dispatch, "dispatch", typeof(Dispatched), Set(TicketStatus.Registered, TicketStatus.Returned, TicketStatus.Reopened), TicketStatus.Dispatched,
            Who(Roles.Dispatcher, Roles.Supervisor, Roles.Admin)),
        new(TicketAction.SignFor, "sign-for", typeof(SignedFor), Set(TicketStatus.Dispatched), TicketStatus.SignedFor,
            Who(Roles.DepartmentHandler), DepartmentScope.Assigned),
        new(TicketAction.Return, "return", typeof(Returned), Set(TicketStatus.Dispatched, TicketStatus.SignedFor), TicketStatus.Returned,
            Who(Roles.DepartmentHandler), DepartmentScope.Assigned),
        new(TicketAction.AddProgress, "add-progress", typeof(ProgressAdded), InHandling, null,
            Who(Roles.DepartmentHandler)),
        new(TicketAction.Contribute, "contribute", typeof(CoHandlingContributed), InHandling, null,
            Who(Roles.DepartmentHandler), DepartmentScope.CoHandling),
        new(TicketAction.RequestExtension, "request-extension", typeof(ExtensionRequested), Set(TicketStatus.SignedFor), null,
            Who(Roles.DepartmentHandler), DepartmentScope.Assigned),
        new(TicketAction.DecideExtension, "decide-extension", typeof(ExtensionDecided), Set(TicketStatus.SignedFor), null,
            Who(Roles.Dispatcher, Roles.Supervisor, Roles.Admin)),
        new(TicketAction.Reply, "reply", typeof(Replied), Set(TicketStatus.SignedFor), TicketStatus.Replied,
            Who(Roles.DepartmentHandler), DepartmentScope.Assigned),
        new(TicketAction.Close, "close", typeof(Closed), Set(TicketStatus.Replied, TicketStatus.ResolvedAtIntake), TicketStatus.Closed,
            Who(Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin)),
        new(TicketAction.Reopen, "reopen", typeof(Reopened), Set(TicketStatus.Replied, TicketStatus.Closed, TicketStatus.ResolvedAtIntake), TicketStatus.Reopened,
            Who(Roles.Supervisor, Roles.Admin)),
        // Also on a reopened ticket: the rectification order (整改督办) goes with it to the next department.
        new(TicketAction.Supervise, "supervise", typeof(SupervisionRaised), Set(TicketStatus.Dispatched, TicketStatus.SignedFor, TicketStatus.Reopened), null,
            Who(Roles.Supervisor, Roles.Admin)),
        new(TicketAction.AnswerSupervision, "answer-supervision", typeof(SupervisionAnswered), InHandling, null,
            Who(Roles.DepartmentHandler), DepartmentScope.Assigned),
        new(TicketAction.EscalateToLeader, "escalate-to-leader", typeof(EscalatedToLeader), Unfinished, null,
            Who(Roles.Supervisor, Roles.Admin)),
        new(TicketAction.LeaderInstruct, "leader-instruct", typeof(LeaderInstructed), Unfinished, null,
            Who(Roles.Leader)),
        new(TicketAction.MarkDuplicate, "mark-duplicate", typeof(MarkedDuplicate), Set(TicketStatus.Registered, TicketStatus.Returned, TicketStatus.Reopened), TicketStatus.Merged,
            Who(Roles.Agent, Roles.Dispatcher, Roles.Admin)),
        new(TicketAction.AnswerWithMaster, "answer-with-master", typeof(AnsweredWithMaster), Set(TicketStatus.Merged), TicketStatus.Replied,
            Who(Roles.Admin)),
        new(TicketAction.AwaitRequester, "await-requester", typeof(AwaitingRequester), Set(TicketStatus.SignedFor), null,
            Who(Roles.DepartmentHandler), DepartmentScope.Assigned),
        new(TicketAction.RequesterResponded, "requester-responded", typeof(RequesterResponded), Set(TicketStatus.SignedFor), null,
            Who(Roles.Agent, Roles.DepartmentHandler), DepartmentScope.Assigned),
        new(TicketAction.SlaWarn, "sla-warn", typeof(SlaWarned), AnyOpen, null,
            Who(Roles.Admin)),
        new(TicketAction.SlaBreach, "sla-breach", typeof(SlaBreached), AnyOpen, null,
            Who(Roles.Admin)),
        new(TicketAction.Rate, "rate", typeof(Rated), Answered, null,
            Who(Roles.Requester, Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin)),
        new(TicketAction.AppealRating, "appeal-rating", typeof(RatingAppealed), AfterRating, null,
            Who(Roles.DepartmentHandler), DepartmentScope.Assigned),
        new(TicketAction.DecideAppeal, "decide-appeal", typeof(AppealDecided), AfterRating, null,
            Who(Roles.Supervisor, Roles.Admin)),
        new(TicketAction.RequesterMessage, "requester-message", typeof(RequesterMessageAdded), AnyStatus, null,
            Who(Roles.Requester)),
        new(TicketAction.RecordRevisit, "record-revisit", typeof(RevisitRecorded), Answered, null,
            Who(Roles.Agent, Roles.Supervisor, Roles.Admin)),
        // 撤件: the requester withdraws the matter (recorded by the centre on their call); it leaves every rate.
        new(TicketAction.Withdraw, "withdraw", typeof(Withdrawn), Set(TicketStatus.Registered, TicketStatus.Dispatched, TicketStatus.SignedFor, TicketStatus.Returned, TicketStatus.Reopened), TicketStatus.Closed,
            Who(Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin)),
        new(TicketAction.AttachFile, "attach-file", typeof(AttachmentAdded), AnyOpen, null,
            Who(Roles.Agent, Roles.Dispatcher, Roles.DepartmentHandler, Roles.Supervisor, Roles.Admin)),
    ];

    /// <summary>Actions taken by the system itself, never through the actions route.</summary>
    public static bool IsSystemOnly(TicketAction action) =>
        action is TicketAction.Register or TicketAction.AnswerWithMaster or TicketAction.SlaWarn or TicketAction.SlaBreach;

    /// <summary>Actions with their own endpoint rather than the actions route.</summary>
    public static bool HasOwnEndpoint(TicketAction action) => action is TicketAction.Register or TicketAction.AttachFile;

    public static TicketTransition For(TicketAction action) => Transitions.First(t => t.Action == action);

    public static TicketTransition? ForRoute(string routeName) =>
        Transitions.FirstOrDefault(t => string.Equals(t.RouteName, routeName, StringComparison.OrdinalIgnoreCase));

    public static TicketTransition ForChange(TicketChange change) => Transitions.First(t => t.ChangeType == change.GetType());

    public static TransitionVerdict Check(TicketAction action, TicketStatus status, string? assignedDepartment, Actor actor,
        IReadOnlyCollection<string>? coHandlingDepartments = null)
    {
        var transition = For(action);
        if (!transition.Roles.Contains(actor.Role))
            return TransitionVerdict.RoleNotAllowed;
        // A handler acts only on tickets their department is on, and only in the part the action allows.
        if (actor.IsDepartmentHandler)
        {
            var isMain = assignedDepartment is not null && assignedDepartment == actor.DepartmentCode;
            var isCoHandler = actor.DepartmentCode is not null && coHandlingDepartments?.Contains(actor.DepartmentCode) == true;
            var inScope = transition.Scope switch
            {
                DepartmentScope.Assigned => isMain,
                DepartmentScope.CoHandling => isCoHandler,
                _ => isMain || isCoHandler,
            };
            if (!inScope)
                return TransitionVerdict.RoleNotAllowed;
        }
        return transition.From.Contains(status) ? TransitionVerdict.Allowed : TransitionVerdict.NotAllowedInStatus;
    }

    /// <summary>The actions this actor may take on a ticket now: for 409 answers and the console's buttons.</summary>
    public static IReadOnlyList<string> AllowedActions(TicketStatus status, string? assignedDepartment, Actor actor,
        IReadOnlyCollection<string>? coHandlingDepartments = null) =>
        Transitions
            .Where(t => !IsSystemOnly(t.Action) && Check(t.Action, status, assignedDepartment, actor, coHandlingDepartments) == TransitionVerdict.Allowed)
            .Select(t => t.RouteName)
            .ToList();

    private static HashSet<TicketStatus> Set(params TicketStatus[] states) => [.. states];

    private static HashSet<string> Who(params string[] roles) => new(roles, StringComparer.Ordinal);
}
