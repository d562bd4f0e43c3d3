using Hotline.Domain.Access;
using Hotline.Domain.Tickets;

namespace Hotline.Server.Live;

/// <summary>
/// One ticket event as consoles and integrations receive it: small, versioned, with its global sequence number.
/// <see cref="Action"/> is the action's route name from the transition table (register, dispatch, sign-for, return,
/// add-progress, request-extension, decide-extension, reply, reopen, supervise, sla-warn, sla-breach, …), so every kind
/// of event is told apart by it and a new action appears under its own name without a change here.
/// <see cref="V"/> changes only when a field is removed or changes meaning; fields and actions may be added within a version.
/// </summary>
public sealed record TicketEventMessage(
    int V, long Sequence, string Number, string Action, TicketStatus? From, TicketStatus To, string? DepartmentCode, DateTimeOffset OccurredAt)
{
    public const int Version = 1;

    /// <summary>The ticket's version after this event: the <c>expectedVersion</c> for the next action on it.</summary>
    public int TicketVersion { get; init; }

    /// <summary>
    /// One word that tells events of the same action apart, where that matters: the clock of sla-warn/sla-breach
    /// (Dispatch, SignFor, Handling, Revisit), approved/rejected for decide-extension, the result of reply, the reason of
    /// return, leader/supervisor for supervise. Null otherwise.
    /// </summary>
    public string? Detail { get; init; }

    public static TicketEventMessage Create(long sequence, string number, TicketAction action, TicketStatus? from, TicketStatus to,
        string? departmentCode, DateTimeOffset occurredAt, int ticketVersion, TicketChange? change) =>
        new(Version, sequence, number, TicketWorkflow.For(action).RouteName, from, to, departmentCode, occurredAt)
        {
            TicketVersion = ticketVersion,
            Detail = DetailOf(change),
        };

    private static string? DetailOf(TicketChange? change) => change switch
    {
        SlaWarned w => w.Clock.ToString(),
        SlaBreached b => b.Clock.ToString(),
        ExtensionDecided d => d.Approved == true ? "approved" : "rejected",
        Replied r => r.Result?.ToString(),
        Returned r => r.Reason?.ToString(),
        SupervisionRaised s => s.ByLeader ? "leader" : "supervisor",
        _ => null,
    };
}

/// <summary>Someone on a ticket, as hub clients see them (the session id stays on the server).</summary>
public sealed record LiveViewer(string UserId, string UserName, bool Editing);

/// <summary>A ticket entered, left or changed its place in a work queue (工作队列).</summary>
public sealed record QueueChangeMessage(int V, string Queue, long Sequence, string Number, string Action)
{
    public const int Version = 1;
}

/// <summary>What the server calls on a connected client.</summary>
public interface ITicketsClient
{
    /// <summary>A committed ticket event, to the centre and to the departments on the ticket, in sequence order.</summary>
    Task TicketEvent(TicketEventMessage message);

    /// <summary>Who has the ticket open now, to the connections watching it (after every change).</summary>
    Task PresenceChanged(string number, IReadOnlyList<LiveViewer> viewers);

    /// <summary>A change to a work queue, to the role groups whose roles work that queue.</summary>
    Task QueueChanged(QueueChangeMessage message);

    /// <summary>来电弹屏: a call is ringing at this user's seat (sent to the user's own connections only).</summary>
    Task IncomingCall(Telephony.IncomingCallMessage message);
}

/// <summary>Group names chosen by the server, never by clients.</summary>
public static class LiveGroups
{
    /// <summary>Everyone at the centre who may see every ticket (agents, dispatchers, supervisors, leaders, admins).</summary>
    public const string Centre = "centre";

    public static string Department(string code) => $"dept:{code}";

    public static string User(string id) => $"user:{id}";

    /// <summary>A centre role's work queues (role:Dispatcher, role:Supervisor, …). Department handlers have none: their queue is their department.</summary>
    public static string Role(string role) => $"role:{role}";

    /// <summary>The connections watching one ticket (WatchTicket), for presence.</summary>
    public static string Ticket(string number) => $"ticket:{number}";

    /// <summary>The groups the server puts a connection in on connect.</summary>
    public static IReadOnlyList<string> OnConnect(Actor actor) => actor.IsDepartmentHandler
        ? [User(actor.Id), Department(actor.DepartmentCode!)]
        : [User(actor.Id), Centre, Role(actor.Role)];
}

/// <summary>
/// Which event changes which work queue, and which roles hear it: the queues and roles of <see cref="Queues.WorkQueues"/>,
/// as /api/queues/* reads them. Derived from the event's states and action alone, so it needs no extra read.
/// </summary>
public static class LiveQueues
{
    public static readonly string Dispatch = Queues.WorkQueues.Dispatch.Name;
    public static readonly string Supervision = Queues.WorkQueues.Supervision.Name;
    public static readonly string Leader = Queues.WorkQueues.Leader.Name;
    public static readonly string Revisit = Queues.WorkQueues.Revisit.Name;

    /// <summary>The roles that work each queue (the roles of its /api/queues endpoint).</summary>
    public static IReadOnlyDictionary<string, string[]> RolesOf { get; } =
        Queues.WorkQueues.Centre.ToDictionary(q => q.Name, q => q.Roles, StringComparer.Ordinal);

    private static readonly HashSet<TicketStatus> WaitingForDispatch = [.. TicketStates.WaitingForDispatch];

    /// <summary>New work for the dispatch queue: a ticket that was not waiting for dispatch and now is (new, returned, reopened).</summary>
    public static bool EntersDispatch(TicketEventMessage e) =>
        WaitingForDispatch.Contains(e.To) && (e.From is not { } from || !WaitingForDispatch.Contains(from));

    /// <summary>New work for a department's inbox: a dispatch (a handler's feed carries only their department's tickets).</summary>
    public static bool EntersInbox(TicketEventMessage e) => e.Action == DispatchRoute;

    private static readonly string DispatchRoute = TicketWorkflow.For(TicketAction.Dispatch).RouteName;

    /// <summary>The queues this event changes.</summary>
    public static IReadOnlyList<string> Affected(TicketEventMessage e)
    {
        var queues = new List<string>(2);
        var enters = WaitingForDispatch.Contains(e.To);
        var leaves = e.From is { } from && WaitingForDispatch.Contains(from);
        if ((enters != leaves) || (enters && e.Action is "sla-warn" or "sla-breach" && e.Detail == "Dispatch"))
            queues.Add(Dispatch);
        if (Queues.WorkQueues.Supervision.ChangedBy.Contains(e.Action))
            queues.Add(Supervision);
        if (Queues.WorkQueues.Leader.ChangedBy.Contains(e.Action))
            queues.Add(Leader);
        if (Queues.WorkQueues.Revisit.ChangedBy.Contains(e.Action) || (e.Action is "sla-warn" or "sla-breach" && e.Detail == "Revisit"))
            queues.Add(Revisit);
        return queues;
    }
}
