using Hotline.Server.Data;
using Hotline.Server.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Hotline.Tests.Notifications;

/// <summary>Servers with mail switched on, and ways to look into their outbox.</summary>
public static class Mail
{
    public const string PublicBaseUrl = "https://12345.example.cn";

    /// <summary>A server whose mail goes to loopback <paramref name="smtpPort"/>; the sender runs only when a test calls it.</summary>
    public static HotlineFactory Server(int smtpPort, string? dataPath = null, string? postgresDatabase = null)
    {
        var factory = new HotlineFactory(dataPath, postgresDatabase);
        factory.Settings["Notifications:Smtp:Host"] = "127.0.0.1";
        factory.Settings["Notifications:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        factory.Settings["Notifications:Smtp:Security"] = "None";
        factory.Settings["Notifications:Smtp:TimeoutSeconds"] = "5";
        factory.Settings["Notifications:PollMilliseconds"] = "0";
        factory.Settings["Hotline:RequesterLinks:PublicBaseUrl"] = PublicBaseUrl;
        return factory;
    }

    public static Task<OutboxSender.Round> SendAsync(HotlineFactory factory, CancellationToken ct = default) =>
        factory.Services.GetRequiredService<OutboxSender>().SendDueAsync(ct);

    public static async Task<List<OutboxEmail>> OutboxAsync(HotlineFactory factory, string? number = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        return await db.OutboxEmails.AsNoTracking().Where(o => number == null || o.TicketNumber == number).OrderBy(o => o.Id).ToListAsync();
    }

    public static string Text(this MimeMessage message) => message.TextBody ?? "";

    public static string Html(this MimeMessage message) => message.HtmlBody ?? "";

    public static string? Ticket(this MimeMessage message) => message.Headers["X-Hotline-Ticket"];

    /// <summary>The email of a kind for a ticket, found by its Message-ID.</summary>
    public static MimeMessage Of(this IEnumerable<MimeMessage> messages, string kind) =>
        messages.Single(m => m.MessageId!.Contains($".{kind}@", StringComparison.Ordinal));
}
