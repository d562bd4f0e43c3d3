using Hotline.Domain.Access;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Sla;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Tickets;

/// <summary>Everything the ticket page shows about one ticket, as this viewer may see it (the API's views, not the rows).</summary>
public sealed record TicketPageData(
    TicketView Ticket, IReadOnlyList<TicketEventView> History, IReadOnlyList<AttachmentView> Attachments, IReadOnlyList<SlaClockRow> Clocks)
{
    /// <summary>The routing proposals (派单建议) while the ticket waits for dispatch (new, returned or reopened); none otherwise.</summary>
    public IReadOnlyList<Routing.ProposalView> Proposals { get; init; } = [];

    /// <summary>The requester's ratings (好差评), one per round, oldest first: what a rectification answers.</summary>
    public IReadOnlyList<Ratings.RatingView> Ratings { get; init; } = [];
}

/// <summary>
/// The ticket page's reads through the same services the API uses (<see cref="TicketService"/>,
/// <see cref="AttachmentStore"/>), each in a scope of its own: a Blazor circuit lives for hours, a DbContext should not.
/// </summary>
public sealed class TicketConsole(IServiceScopeFactory scopes)
{
    /// <summary>Null when the ticket does not exist or this viewer may not see it (as the API's 404).</summary>
    public async Task<TicketPageData?> LoadAsync(string number, Actor viewer, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var tickets = sp.GetRequiredService<TicketService>();
        try
        {
            var ticket = await tickets.FindAsync(number, viewer, ct);
            var clocks = await sp.GetRequiredService<HotlineDbContext>().SlaClocks.AsNoTracking()
                .Where(c => c.TicketId == ticket.Id).ToListAsync(ct);
            return new TicketPageData(
                tickets.View(ticket, viewer),
                await tickets.HistoryAsync(number, viewer, ct),
                await sp.GetRequiredService<AttachmentStore>().ListAsync(number, viewer, ct),
                clocks.OrderBy(c => (int)c.Kind).ToList()) // in the order they run: dispatch, sign for, handling, revisit
            {
                Ratings = (await sp.GetRequiredService<HotlineDbContext>().Ratings.AsNoTracking().Where(r => r.TicketId == ticket.Id).OrderBy(r => r.Round).ToListAsync(ct))
                    .Select(r => Ratings.RatingsApi.View(r, sp.GetRequiredService<Reference.ReferenceData>())).ToList(),
                Proposals = Domain.Tickets.TicketStates.WaitingForDispatch.Contains(ticket.Status)
                    ? sp.GetRequiredService<Routing.TicketRouting>().ProposalsFor(ticket) : [],
            };
        }
        catch (TicketNotFoundException)
        {
            return null;
        }
    }
}
