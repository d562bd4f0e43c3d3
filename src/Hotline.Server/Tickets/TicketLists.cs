using System.Linq.Expressions;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;

namespace Hotline.Server.Tickets;

/// <summary>
/// The named sets of tickets (清单) the centre speaks of, each defined once: the work queues (<c>Queues/WorkQueues</c>
/// builds its definitions from these), the done lists (已办, 退回整改, 我登记的) and the ticket search's <c>list</c>
/// filter all read them, so a desk's count and the search it links to are the same set. Department isolation is not
/// part of a set: every read adds <see cref="TicketService.VisibleTo"/>.
/// </summary>
public static class TicketLists
{
    /// <summary>待派单: new, returned and reopened tickets (the states <c>dispatch</c> starts from).</summary>
    public const string Dispatch = "dispatch";

    /// <summary>督办: open supervision orders, extensions to decide, tickets under rectification.</summary>
    public const string Supervision = "supervision";

    /// <summary>领导督办: tickets escalated to the leaders.</summary>
    public const string Leader = "leader";

    /// <summary>办理中: dispatched and signed-for tickets (a department's inbox, through isolation).</summary>
    public const string Department = "department";

    /// <summary>已办: answered by a department (for a handler, their own department as main handler) and not reopened since.</summary>
    public const string Replied = "replied";

    /// <summary>退回整改: tickets that came back after an answer (reopened, for rectification or another round).</summary>
    public const string CameBack = "came-back";

    /// <summary>我登记的: the tickets this person registered (首问负责).</summary>
    public const string Registered = "registered";

    public static readonly IReadOnlyList<string> Names = [Dispatch, Supervision, Leader, Department, Replied, CameBack, Registered];

    public static readonly Expression<Func<Ticket, bool>> WaitingForDispatch = t => TicketStates.WaitingForDispatch.Contains(t.Status);

    /// <summary>督办: as <see cref="Hotline.Domain.Tickets.UnderSupervision"/> defines it, read from the flag the ticket keeps (a partial index on it).</summary>
    public static readonly Expression<Func<Ticket, bool>> UnderSupervision = t => t.InSupervisionQueue;

    public static readonly Expression<Func<Ticket, bool>> WithLeaders = t => t.InLeaderQueue;

    public static readonly Expression<Func<Ticket, bool>> WithDepartment = t => TicketStates.WithDepartment.Contains(t.Status);

    public static readonly Expression<Func<Ticket, bool>> Answered = t => TicketStates.Answered.Contains(t.Status);

    /// <summary>
    /// 已办: replied by a department and not reopened since (a reopen clears the reply). A handler's are those their
    /// department answered as main department; anyone else's, those any department answered (not answers at intake).
    /// </summary>
    public static Expression<Func<Ticket, bool>> RepliedBy(Actor actor)
    {
        if (actor.IsDepartmentHandler)
        {
            var department = actor.DepartmentCode;
            return t => t.RepliedAt != null && t.AssignedDepartmentCode == department;
        }
        return t => t.RepliedAt != null && t.AssignedDepartmentCode != null;
    }

    /// <summary>退回整改: reopened at least once (重办, or rectification after an unsatisfied rating), and for a handler still theirs.</summary>
    public static Expression<Func<Ticket, bool>> CameBackTo(Actor actor)
    {
        if (actor.IsDepartmentHandler)
        {
            var department = actor.DepartmentCode;
            return t => t.ReopenCount > 0 && t.AssignedDepartmentCode == department;
        }
        return t => t.ReopenCount > 0;
    }

    public static Expression<Func<Ticket, bool>> RegisteredBy(Actor actor)
    {
        var owner = actor.Id;
        return t => t.OwnerId == owner;
    }

    /// <summary>The set named <paramref name="name"/> as <paramref name="actor"/> means it; null for an unknown name.</summary>
    public static Expression<Func<Ticket, bool>>? For(string name, Actor actor) => name switch
    {
        Dispatch => WaitingForDispatch,
        Supervision => UnderSupervision,
        Leader => WithLeaders,
        Department => WithDepartment,
        Replied => RepliedBy(actor),
        CameBack => CameBackTo(actor),
        Registered => RegisteredBy(actor),
        _ => null,
    };

    /// <summary>The lists a role works from, in the order the search page offers them.</summary>
    public static IReadOnlyList<string> OfferedTo(Actor actor) => actor.Role switch
    {
        Roles.DepartmentHandler => [Department, Replied, CameBack],
        Roles.Agent => [Registered, Replied, CameBack],
        Roles.Dispatcher => [Dispatch, Registered, Supervision, CameBack],
        Roles.Supervisor => [Supervision, Dispatch, Leader, CameBack, Replied],
        Roles.Leader => [Leader, Supervision, CameBack, Replied],
        _ => Names,
    };
}
