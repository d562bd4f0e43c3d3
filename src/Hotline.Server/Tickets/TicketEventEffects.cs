using Hotline.Domain.Tickets;
using Hotline.Server.Data;

namespace Hotline.Server.Tickets;

/// <summary>
/// Adds ticket events to the caller's unit of work together with what every event also writes there: its SLA clocks
/// and its emails (the outbox). The paths that append events through EF (actions, intake, duplicates following their
/// master, rectification after a rating) all go through here, so none of them forgets one. A registration also gets
/// its access code (查询码) here: the hash joins the unit of work, the code goes into the registration email and back
/// to the caller, and nowhere else.
/// </summary>
public sealed class TicketEventEffects(Sla.SlaClocks clocks, Notifications.Outbox outbox, Ratings.AccessCodes codes)
{
    /// <returns>The access code issued when <paramref name="events"/> register the ticket, otherwise null.</returns>
    public async Task<string?> AddAsync(HotlineDbContext db, Ticket ticket, IReadOnlyList<TicketEvent> events, CancellationToken ct)
    {
        db.TicketEvents.AddRange(events);
        await clocks.ApplyAsync(db, ticket, events, ct);
        var code = events.Any(e => e.Change is Registered) ? codes.Issue(db, ticket) : null;
        outbox.Apply(db, ticket, events, code);
        return code;
    }
}
