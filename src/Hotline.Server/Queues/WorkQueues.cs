using System.Linq.Expressions;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Tickets;

namespace Hotline.Server.Queues;

/// <summary>
/// One work queue (工作队列): which tickets are in it, who works it, and which actions move tickets in or out of it.
/// The API (<c>/api/queues/*</c>), the desks and the live queue updates all read it from here, so a count on a desk is
/// always the length of the list the API gives.
/// </summary>
/// <param name="Name">The queue's name in <c>/api/queues/{name}</c> and in live <c>QueueChanged</c> messages.</param>
/// <param name="Roles">The roles that work it: the endpoint's policy and the live groups told of changes.</param>
/// <param name="Filter">The tickets in it (before department isolation, which every read adds).</param>
/// <param name="ChangedBy">Route names of the actions that change it without a change of status.</param>
public sealed record QueueDefinition(string Name, string[] Roles, Expression<Func<Ticket, bool>> Filter, IReadOnlySet<string> ChangedBy)
{
    /// <summary>The queue's tickets as <paramref name="actor"/> may see them.</summary>
    public IQueryable<Ticket> Of(IQueryable<Ticket> tickets, Actor actor) => TicketService.VisibleTo(tickets, actor, Filter);
}

/// <summary>
/// The queues, derived from the transition table through <see cref="TicketStates"/>: a ticket waits for dispatch in the
/// states dispatch starts from, and is with a department in the states a department works in. Their sets are the named
/// lists of <see cref="TicketLists"/>, which the ticket search filters by too.
/// </summary>
public static class WorkQueues
{
    public static readonly QueueDefinition Dispatch = new(TicketLists.Dispatch, [Roles.Dispatcher, Roles.Supervisor, Roles.Admin],
        TicketLists.WaitingForDispatch, Actions());

    /// <summary>督办: open supervision orders, extensions to decide and tickets under rectification.</summary>
    public static readonly QueueDefinition Supervision = new(TicketLists.Supervision, [Roles.Dispatcher, Roles.Supervisor, Roles.Leader, Roles.Admin],
        TicketLists.UnderSupervision,
        Actions(TicketAction.Supervise, TicketAction.AnswerSupervision, TicketAction.LeaderInstruct, TicketAction.RequestExtension,
            TicketAction.DecideExtension, TicketAction.Reopen, TicketAction.Dispatch, TicketAction.Return, TicketAction.Reply,
            TicketAction.MarkDuplicate, TicketAction.AnswerWithMaster, TicketAction.SlaBreach, TicketAction.Withdraw));

    /// <summary>领导督办: tickets escalated to the leaders.</summary>
    public static readonly QueueDefinition Leader = new(TicketLists.Leader, [Roles.Leader, Roles.Supervisor, Roles.Admin],
        TicketLists.WithLeaders,
        Actions(TicketAction.EscalateToLeader, TicketAction.LeaderInstruct, TicketAction.Reply, TicketAction.AnswerWithMaster, TicketAction.MarkDuplicate));

    /// <summary>回访: answered tickets whose return visit is still to be made (their revisit clock runs; read with the clocks).</summary>
    public static readonly QueueDefinition Revisit = new("revisit", [Roles.Agent, Roles.Supervisor, Roles.Admin],
        TicketLists.Answered,
        Actions(TicketAction.Reply, TicketAction.AnswerWithMaster, TicketAction.Close, TicketAction.Reopen));

    /// <summary>承办收件箱: a department's dispatched and signed-for tickets, main or co-handling (isolation picks the department).</summary>
    public static readonly QueueDefinition Department = new(TicketLists.Department, [Roles.DepartmentHandler],
        TicketLists.WithDepartment, Actions());

    /// <summary>The queues whose roles hear live changes (a department hears its own tickets' events instead).</summary>
    public static IReadOnlyList<QueueDefinition> Centre { get; } = [Dispatch, Supervision, Leader, Revisit];

    /// <summary>Supervision orders a department still has to answer (督办单, 领导批示): only while the ticket is with it.</summary>
    public static readonly Expression<Func<Ticket, bool>> OpenOrders = t => t.OpenSupervisionOrders.Count > 0 && TicketStates.WithDepartment.Contains(t.Status);

    private static HashSet<string> Actions(params TicketAction[] actions) =>
        new(actions.Select(a => TicketWorkflow.For(a).RouteName), StringComparer.Ordinal);
}

/// <summary>The orders the queues are read in, shared by the API and the desks.</summary>
public static class WorkQueueOrder
{
    /// <summary>By the running handling clock's deadline, tickets without one last: a department's inbox.</summary>
    public static IQueryable<Ticket> ByHandlingDeadline(this IQueryable<Ticket> tickets, HotlineDbContext db)
    {
        var handling = db.SlaClocks.Where(c => c.Kind == Domain.Sla.SlaClockKind.Handling && c.StoppedAt == null);
        return tickets.GroupJoin(handling, t => t.Id, c => c.TicketId, (t, cs) => new { t, cs })
            .SelectMany(x => x.cs.DefaultIfEmpty(), (x, c) => new { x.t, Due = c == null ? (DateTimeOffset?)null : c.DueAt })
            .OrderBy(x => x.Due == null).ThenBy(x => x.Due).ThenBy(x => x.t.Id).Select(x => x.t);
    }

    /// <summary>Only tickets whose return visit is still to be made (回访 clock running), the earliest deadline first.</summary>
    public static IQueryable<Ticket> ByRevisitDeadline(this IQueryable<Ticket> tickets, HotlineDbContext db)
    {
        var due = db.SlaClocks.Where(c => c.Kind == Domain.Sla.SlaClockKind.Revisit && c.StoppedAt == null);
        return tickets.Join(due, t => t.Id, c => c.TicketId, (t, c) => new { t, c.DueAt }).OrderBy(x => x.DueAt).Select(x => x.t);
    }
}
