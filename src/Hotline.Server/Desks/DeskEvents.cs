using Hotline.Domain.Tickets;
using Hotline.Server.Live;

namespace Hotline.Server.Desks;

/// <summary>Which live events make a desk list stale, so a busy centre does not reload every list on every progress note.</summary>
public static class DeskEvents
{
    /// <summary>Open supervision orders change when one is raised or answered, or when the ticket leaves handling.</summary>
    public static bool ChangesOrders(TicketEventMessage m) =>
        m.Action is "supervise" or "leader-instruct" or "answer-supervision" || m.From != m.To;

    /// <summary>A pending extension appears, is decided, or goes with the ticket leaving 已签收.</summary>
    public static bool ChangesExtensions(TicketEventMessage m) =>
        m.Action is "request-extension" or "decide-extension" || m.From == TicketStatus.SignedFor && m.To != TicketStatus.SignedFor;
}
