using Hotline.Domain.Tickets;
using Hotline.Server.Problems;
using Hotline.Server.Tickets;

namespace Hotline.Server.Ratings;

/// <summary>
/// 诉求人补充: what a requester adds to their ticket from the self-service page or by replying to an email. It is a
/// <c>requester-message</c> event by the requester; when the department waits for the requester (补充材料) it also ends
/// the wait and the handling clock runs again.
/// </summary>
public sealed class RequesterMessages(TicketService tickets, TicketActions actions, ILogger<RequesterMessages> logger)
{
    /// <summary>
    /// Adds the requester's message. With <paramref name="fromEmail"/> (an email reply), the sender must be the
    /// requester's address on the ticket; otherwise nothing is recorded and null is returned. Returns the version of the
    /// <c>requester-message</c> event.
    /// </summary>
    public async Task<int?> AddAsync(string number, string text, RequesterMessageChannel channel, CancellationToken ct, string? fromEmail = null)
    {
        var requester = RatingRules.Requester();
        if (fromEmail is not null)
        {
            var ticket = await tickets.FindAsync(number, requester, ct);
            if (!string.Equals(ticket.RequesterEmail?.Trim(), fromEmail.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                logger.LogWarning("Requester message for {TicketNumber} refused: the sender is not the requester", number);
                return null;
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var ticket = await actions.ActOnLatestAsync(number, new RequesterMessageAdded(text.Trim(), channel, fromEmail), requester, ct);
                return ticket.Version;
            }
            catch (ConcurrencyConflictException) when (attempt < 3)
            {
                // Someone acted on the ticket meanwhile; the message applies to the newer version just as well.
                actions.Reset();
            }
        }
    }
}
