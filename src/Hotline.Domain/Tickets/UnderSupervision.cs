namespace Hotline.Domain.Tickets;

/// <summary>
/// 督办队列: the tickets a supervisor has to look at. Defined here once; the ticket keeps the answer in
/// <see cref="Ticket.InSupervisionQueue"/> after every event, so <c>/api/queues/supervision</c>, the search's
/// <c>list=supervision</c> and the desks read the queue as a range of a small partial index instead of testing every
/// ticket (no index serves "the JSON list of open orders is not empty").
/// </summary>
public static class UnderSupervision
{
    /// <summary>
    /// An open supervision order (督办单; a leader's instructions are one too), an extension request to decide (延期申请),
    /// or reopened for rectification (重办整改).
    /// </summary>
    public static bool Holds(Ticket ticket) =>
        ticket.OpenSupervisionOrders.Count > 0
        || ticket.PendingExtensionDeadline is not null
        || ticket.Status == TicketStates.UnderRectification;
}
