using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Notifications;

/// <summary>
/// Replies by email (optional, <c>Notifications:Imap:*</c>): polls the INBOX for unseen mail, matches each to a
/// ticket, checks the sender is that ticket's requester, hands the text to <see cref="IRequesterMessageSink"/>, then
/// marks the mail seen (and moves it, when a folder is configured). Mail that matches no ticket, or comes from
/// someone else, is marked seen and left for a person to read; nothing from it reaches the ticket.
/// </summary>
public sealed class ImapReplyReader(
    IDbContextFactory<HotlineDbContext> contexts, IRequesterMessageSink sink, IOptions<ImapOptions> options, IOptions<SmtpOptions> smtp,
    ILogger<ImapReplyReader> logger) : BackgroundService
{
    /// <summary>What one poll did.</summary>
    public sealed record Poll(int Read, int Accepted, int Ignored);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || options.Value.PollSeconds == 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PollSeconds));
        do
        {
            try
            {
                await PollAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Reading replies over IMAP failed; trying again at the next poll");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<Poll> PollAsync(CancellationToken ct)
    {
        var o = options.Value;
        using var imap = new ImapClient();
        await imap.ConnectAsync(o.Host!, o.Port, o.Security switch
        {
            SmtpSecurity.Ssl => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        }, ct);
        await imap.AuthenticateAsync(o.UserName!, o.Password!, ct);
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite, ct);
        IMailFolder? processed = string.IsNullOrWhiteSpace(o.ProcessedFolder) ? null : await imap.GetFolderAsync(o.ProcessedFolder, ct);
        int read = 0, accepted = 0;
        foreach (var uid in await inbox.SearchAsync(SearchQuery.NotSeen, ct))
        {
            var message = await inbox.GetMessageAsync(uid, ct);
            read++;
            if (await AcceptAsync(message, ct))
                accepted++;
            await inbox.AddFlagsAsync(uid, MessageFlags.Seen, true, ct);
            if (processed is not null)
                await inbox.MoveToAsync(uid, processed, ct);
        }
        await imap.DisconnectAsync(true, ct);
        if (read > 0)
            logger.LogInformation("IMAP: {Read} read, {Accepted} added to tickets", read, accepted);
        return new(read, accepted, read - accepted);
    }

    internal async Task<bool> AcceptAsync(MimeKit.MimeMessage message, CancellationToken ct)
    {
        var reply = EmailReplies.Read(message, smtp.Value.MessageIdDomain);
        if (reply is null)
            return false;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var requester = await db.Tickets.AsNoTracking().Where(t => t.Number == reply.TicketNumber).Select(t => t.RequesterEmail).FirstOrDefaultAsync(ct);
            // Only the ticket's own requester may add to it: anyone can type a ticket number into a subject.
            if (requester is null || !string.Equals(requester.Trim(), reply.FromAddress, StringComparison.OrdinalIgnoreCase))
            {
                logger.LogInformation("IMAP: a reply for ticket {TicketNumber} is not from its requester; ignored", reply.TicketNumber);
                return false;
            }
        }
        await sink.AddAsync(reply.TicketNumber, reply.FromAddress, reply.Text, "email", ct);
        return true;
    }
}
