using Hotline.Domain.Tickets;
using Hotline.Server.Data;

namespace Hotline.Server.Tickets;

/// <summary>
/// Adds ticket events to the caller's unit of work together with what every event also writes there: its SLA clocks
/// and its emails (the outbox). The paths that append events through EF (actions, intake, duplicates following their
/// master, rectification after a rating) all go through here, so none of them forgets one.
/// </summary>
public sealed class TicketEventEffects(Sla.SlaClocks clocks, Notifications.Outbox outbox)
{
    public async Task AddAsync(HotlineDbContext db, Ticket ticket, IReadOnlyList<TicketEvent> events, CancellationToken ct)
    {
        db.TicketEvents.AddRange(events);
        await clocks.ApplyAsync(db, ticket, events, ct);
        outbox.Apply(db, ticket, events);
    }
}
