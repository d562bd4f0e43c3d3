using Hotline.Domain.Access;
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
/// Keeps every requester message in <c>requester_messages</c> (shown at <c>GET /api/tickets/{number}/messages</c>).
/// When the department is waiting for the requester (补充材料), the message is also the requester's answer: a
/// <see cref="RequesterResponded"/> event in the same transaction, which starts the handling clock again.
/// </summary>
public sealed class RequesterMessageStore(
    IDbContextFactory<HotlineDbContext> contexts, Sla.SlaClocks clocks, Outbox outbox, CityClock clock, ILogger<RequesterMessageStore> logger)
    : IRequesterMessageSink
{
    /// <summary>Who records an emailed answer: the email channel, acting as the intake agent would on the phone.</summary>
    public static readonly Actor EmailChannel = new("channel:email", "诉求人邮件", Roles.Agent, null);

    public async Task AddAsync(string ticketNumber, string fromEmail, string text, string channel, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Number == ticketNumber, ct) ?? throw new Problems.TicketNotFoundException(ticketNumber);
        var now = clock.Now;
        var message = new RequesterMessage
        {
            TicketId = ticket.Id, TicketNumber = ticket.Number, FromAddress = fromEmail, Channel = channel,
            Text = text.Length > TicketChange.MaxText ? text[..TicketChange.MaxText] : text, ReceivedAt = now,
        };
        db.RequesterMessages.Add(message);
        if (ticket.AwaitingRequesterSince is not null
            && TicketWorkflow.Check(TicketAction.RequesterResponded, ticket.Status, ticket.AssignedDepartmentCode, EmailChannel) == TransitionVerdict.Allowed)
        {
            var e = ticket.Act(new RequesterResponded(message.Text), EmailChannel, now);
            db.TicketEvents.Add(e);
            await clocks.ApplyAsync(db, ticket, [e], ct);
            outbox.Apply(db, ticket, [e]);
            message.RecordedAsEventVersion = e.Version;
        }
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Requester message for ticket {TicketNumber} by {Channel}; recorded as event: {Recorded}",
            ticket.Number, channel, message.RecordedAsEventVersion is not null);
    }
}
