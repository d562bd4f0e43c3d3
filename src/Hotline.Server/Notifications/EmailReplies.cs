using System.Text.RegularExpressions;
using MimeKit;

namespace Hotline.Server.Notifications;

/// <summary>A reply by email, matched to a ticket: which ticket, who wrote, and what they wrote (quotes removed).</summary>
public sealed record EmailReply(string TicketNumber, string FromAddress, string Text);

/// <summary>
/// Reads a requester's email reply: the ticket number from the subject (our subjects carry it), or from In-Reply-To /
/// References pointing at one of our Message-IDs (<c>{number}.{version}.{kind}@domain</c>); the text from the plain
/// part (or the HTML part with tags removed), without the quoted history below it.
/// </summary>
public static partial class EmailReplies
{
    [GeneratedRegex(@"HL\d{14}")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();

    /// <summary>Lines where a client starts quoting the message answered (Outlook, Gmail, Apple Mail, Foxmail, QQ Mail, 163).</summary>
    [GeneratedRegex(@"^(\s*-{2,}\s*(Original Message|原始邮件|Forwarded message)\s*-{2,}|\s*On .{1,200} wrote:\s*$|\s*在.{1,200}写道[:：]\s*$|\s*(From|发件人)\s*[:：].*$|\s*_{10,}\s*$)",
        RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex QuoteStart();

    public static EmailReply? Read(MimeMessage message, string messageIdDomain)
    {
        var from = message.From.Mailboxes.FirstOrDefault()?.Address;
        if (string.IsNullOrWhiteSpace(from))
            return null;
        var number = TicketNumberOf(message, messageIdDomain);
        if (number is null)
            return null;
        var text = message.TextBody ?? (message.HtmlBody is { } html ? System.Net.WebUtility.HtmlDecode(Tags().Replace(html, "\n")) : null);
        var body = StripQuoted(text ?? "");
        return body.Length == 0 ? null : new EmailReply(number, from.Trim(), body);
    }

    /// <summary>Our Message-IDs first (they cannot be typed wrong), then the subject.</summary>
    public static string? TicketNumberOf(MimeMessage message, string messageIdDomain)
    {
        var referenced = message.References.Prepend(message.InReplyTo ?? "");
        foreach (var id in referenced)
        {
            if (id.EndsWith("@" + messageIdDomain, StringComparison.OrdinalIgnoreCase) && NumberPattern().Match(id) is { Success: true } m && id.StartsWith(m.Value, StringComparison.Ordinal))
                return m.Value;
        }
        return NumberPattern().Match(message.Subject ?? "") is { Success: true } s ? s.Value : null;
    }

    /// <summary>The new text only: stops at the first quote header, drops "&gt;" lines and trailing blank lines.</summary>
    public static string StripQuoted(string text)
    {
        var normalized = text.ReplaceLineEndings("\n");
        var cut = QuoteStart().Match(normalized);
        if (cut.Success)
            normalized = normalized[..cut.Index];
        var lines = normalized.Split('\n').Where(l => !l.TrimStart().StartsWith('>'));
        return string.Join('\n', lines.Select(l => l.TrimEnd())).Trim();
    }
}
