namespace Hotline.Domain.Tickets;

/// <summary>
/// One append-only entry of a ticket's history (工单流转记录): who, when, which action, from which state to which,
/// and the change itself. <see cref="Id"/> is a global, increasing sequence number that live consoles resume from.
/// </summary>
public sealed class TicketEvent
{
    public long Id { get; private set; }
    public long TicketId { get; private set; }
    /// <summary>The ticket's version after this event: 1 for registration, then 2, 3, ...</summary>
    public int Version { get; private set; }
    public TicketAction Action { get; private set; }
    public TicketStatus? FromStatus { get; private set; }
    public TicketStatus ToStatus { get; private set; }
    public string ActorId { get; private set; } = "";
    public string ActorName { get; private set; } = "";
    public string ActorRole { get; private set; } = "";
    public DateTimeOffset OccurredAt { get; private set; }
    public TicketChange Change { get; private set; } = null!;

    private TicketEvent()
    {
    }

    internal static TicketEvent Create(Ticket ticket, int version, TicketAction action, TicketStatus? from, TicketStatus to,
        Access.Actor actor, DateTimeOffset at, TicketChange change) => new()
    {
        TicketId = ticket.Id,
        Ticket = ticket,
        Version = version,
        Action = action,
        FromStatus = from,
        ToStatus = to,
        ActorId = actor.Id,
        ActorName = actor.Name,
        ActorRole = actor.Role,
        OccurredAt = at,
        Change = change,
    };

    /// <summary>Navigation for the persistence layer, so a new ticket and its first event save together.</summary>
    public Ticket? Ticket { get; private set; }

    /// <summary>Rebuilds an event read from storage or a test, with the ticket's id given explicitly.</summary>
    public static TicketEvent Restore(long id, long ticketId, int version, TicketAction action, TicketStatus? from, TicketStatus to,
        string actorId, string actorName, string actorRole, DateTimeOffset at, TicketChange change) => new()
    {
        Id = id, TicketId = ticketId, Version = version, Action = action, FromStatus = from, ToStatus = to,
        ActorId = actorId, ActorName = actorName, ActorRole = actorRole, OccurredAt = at, Change = change,
    };
}
