using System.Linq.Expressions;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

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
    /// <summary>The states <see cref="Filter"/> is made of, when it is a set of states (null otherwise).</summary>
    public IReadOnlyList<TicketStatus>? States { get; init; }

    /// <summary>The queue's tickets as <paramref name="actor"/> may see them.</summary>
    public IQueryable<Ticket> Of(IQueryable<Ticket> tickets, Actor actor) => TicketService.VisibleTo(tickets, actor, Filter);

    /// <summary>
    /// <see cref="Of"/> in parts that are each one range of an index: each side of the actor's view
    /// (<see cref="TicketService.VisibleSides"/>) in each of the queue's <see cref="States"/>.
    /// </summary>
    public IEnumerable<IQueryable<Ticket>> Parts(IQueryable<Ticket> tickets, Actor actor)
    {
        var states = States ?? throw new InvalidOperationException($"The {Name} queue is not a set of states.");
        return TicketService.VisibleSides(tickets, actor).SelectMany(side => states.Select(status => side.Where(t => t.Status == status)));
    }
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
        TicketLists.WithDepartment, Actions()) { States = TicketStates.WithDepartment };

    /// <summary>The queues whose roles hear live changes (a department hears its own tickets' events instead).</summary>
    public static IReadOnlyList<QueueDefinition> Centre { get; } = [Dispatch, Supervision, Leader, Revisit];

    /// <summary>Supervision orders a department still has to answer (督办单, 领导批示): only while the ticket is with it.</summary>
    /// <remarks>
    /// The ticket keeps the answer (<see cref="Ticket.AwaitsOrderAnswer"/>); the states, which it implies, are written again
    /// so that SQLite reads each side of a handler's view as a range of the flag's partial indexes (by state), not a walk of
    /// the whole table (a bare flag is no index constraint).
    /// </remarks>
    public static readonly Expression<Func<Ticket, bool>> OpenOrders = t => t.AwaitsOrderAnswer && TicketStates.WithDepartment.Contains(t.Status);

    private static HashSet<string> Actions(params TicketAction[] actions) =>
        new(actions.Select(a => TicketWorkflow.For(a).RouteName), StringComparer.Ordinal);
}

/// <summary>The orders the queues are read in, shared by the API and the desks.</summary>
public static class WorkQueueOrder
{
    /// <summary>
    /// The first <paramref name="max"/> tickets of <see cref="WorkQueues.Department"/> as <paramref name="actor"/> sees it, by the
    /// running handling clock's deadline (<see cref="Ticket.HandlingDueAt"/>), tickets without one last, then by Id: their Ids
    /// in that order. Read as ranges of indexes already in that order, each stopping after <paramref name="max"/> rows, and
    /// merged here: for each side of a handler's view (its own tickets by <c>(AssignedDepartmentCode, Status,
    /// HandlingDueAt, Id)</c>, its co-handled ones by the partial <c>IX_tickets_CoHandled (Status, HandlingDueAt, Id)</c>),
    /// each state of the queue, with and without a deadline. A join with the clocks and a sort of every open ticket of the
    /// department (10,000 at the desks benchmark) took 70–110 ms for 200 rows.
    /// </summary>
    public static async Task<List<long>> DepartmentPageAsync(IQueryable<Ticket> tickets, Actor actor, int max, CancellationToken ct)
    {
        var rows = new List<InboxKey>();
        foreach (var range in DepartmentRanges(tickets, actor, max))
            rows.AddRange(await range.ToListAsync(ct));
        return rows.DistinctBy(r => r.Id).OrderBy(r => r.Due is null).ThenBy(r => r.Due).ThenBy(r => r.Id).Take(max).Select(r => r.Id).ToList();
    }

    /// <summary>
    /// The rows <paramref name="read"/> makes of the first <paramref name="max"/> tickets of <see cref="WorkQueues.Department"/>
    /// (<see cref="DepartmentPageAsync(IQueryable{Ticket}, Actor, int, CancellationToken)"/>), put back in the inbox's order.
    /// </summary>
    public static async Task<List<TRow>> DepartmentPageAsync<TRow>(IQueryable<Ticket> tickets, Actor actor, int max,
        Func<IQueryable<Ticket>, Task<List<TRow>>> read, Func<TRow, long> idOf, CancellationToken ct)
    {
        var ids = await DepartmentPageAsync(tickets, actor, max, ct);
        var place = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var rows = await read(tickets.Where(t => ids.Contains(t.Id)));
        return rows.OrderBy(r => place[idOf(r)]).ToList();
    }

    /// <summary>
    /// The ranges <see cref="DepartmentPageAsync(IQueryable{Ticket}, Actor, int, CancellationToken)"/> reads, each in the
    /// inbox's order and at most <paramref name="max"/> long: each part of the queue (<see cref="QueueDefinition.Parts"/>),
    /// with and without a deadline.
    /// </summary>
    public static IEnumerable<IQueryable<InboxKey>> DepartmentRanges(IQueryable<Ticket> tickets, Actor actor, int max)
    {
        foreach (var part in WorkQueues.Department.Parts(tickets, actor))
        {
            yield return part.Where(t => t.HandlingDueAt != null).OrderBy(t => t.HandlingDueAt).ThenBy(t => t.Id).Take(max)
                .Select(t => new InboxKey(t.Id, t.HandlingDueAt));
            yield return part.Where(t => t.HandlingDueAt == null).OrderBy(t => t.Id).Take(max).Select(t => new InboxKey(t.Id, null));
        }
    }

    /// <summary>A ticket of the inbox and its place in the order.</summary>
    public sealed record InboxKey(long Id, DateTimeOffset? Due);

    /// <summary>Only tickets whose return visit is still to be made (回访 clock running), the earliest deadline first.</summary>
    public static IQueryable<Ticket> ByRevisitDeadline(this IQueryable<Ticket> tickets, HotlineDbContext db)
    {
        var due = db.SlaClocks.Where(c => c.Kind == Domain.Sla.SlaClockKind.Revisit && c.StoppedAt == null);
        return tickets.Join(due, t => t.Id, c => c.TicketId, (t, c) => new { t, c.DueAt }).OrderBy(x => x.DueAt).Select(x => x.t);
    }
}
