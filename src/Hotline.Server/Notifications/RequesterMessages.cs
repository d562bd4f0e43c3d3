using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Notifications;

/// <summary>Where a requester's own message (an email reply) goes. The IMAP reader only talks to this.</summary>
public interface IRequesterMessageSink
{
    Task AddAsync(string ticketNumber, string fromEmail, string text, string channel, CancellationToken ct);
}

/// <summary>
/// Records an emailed message in the ticket's history as a <c>requester-message</c> event (through
/// <see cref="Ratings.RequesterMessages"/>, the same action as the self-service page: when the department is waiting for
/// the requester, 补充材料, it ends the wait and the handling clock runs again), and keeps the received mail in
/// <c>requester_messages</c> with the event's version (shown at <c>GET /api/tickets/{number}/messages</c>).
/// </summary>
public sealed class RequesterMessageStore(
    IServiceScopeFactory scopes, IDbContextFactory<HotlineDbContext> contexts, CityClock clock, ILogger<RequesterMessageStore> logger)
    : IRequesterMessageSink
{
    public async Task AddAsync(string ticketNumber, string fromEmail, string text, string channel, CancellationToken ct)
    {
        text = text.Length > TicketChange.MaxText ? text[..TicketChange.MaxText] : text;
        int? version;
        await using (var scope = scopes.CreateAsyncScope())
            version = await scope.ServiceProvider.GetRequiredService<Ratings.RequesterMessages>()
                .AddAsync(ticketNumber, text, RequesterMessageChannel.Email, ct, fromEmail);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Number == ticketNumber).Select(t => new { t.Id, t.Number }).FirstAsync(ct);
        db.RequesterMessages.Add(new RequesterMessage
        {
            TicketId = ticket.Id, TicketNumber = ticket.Number, FromAddress = fromEmail, Channel = channel, Text = text,
            ReceivedAt = clock.Now, RecordedAsEventVersion = version,
        });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Requester message for ticket {TicketNumber} by {Channel}; recorded as event: {Recorded}",
            ticket.Number, channel, version is not null);
    }
}
