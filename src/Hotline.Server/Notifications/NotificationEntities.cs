using Hotline.Domain.Tickets;

namespace Hotline.Server.Notifications;

/// <summary>Where an email is in its life: written with the ticket change, then sent once, or given up on.</summary>
public enum OutboxStatus
{
    /// <summary>Waiting to be sent (also while SMTP is not configured, and between retries).</summary>
    Pending,
    /// <summary>The SMTP server accepted it (DATA answered 250).</summary>
    Sent,
    /// <summary>Given up: a permanent refusal (5xx, bad address) or the last attempt failed. An admin may retry it.</summary>
    Failed,
}

/// <summary>What an email is about: the requester's milestones and the department head's breach notice.</summary>
public static class EmailKinds
{
    public const string Registered = "registered";
    public const string Dispatched = "dispatched";
    public const string ExtensionApproved = "extension-approved";
    public const string Replied = "replied";
    public const string Reopened = "reopened";
    public const string Closed = "closed";
    /// <summary>超时通报: to the head of the department whose deadline passed.</summary>
    public const string SlaBreach = "sla-breach";
    /// <summary>研判报告: a weekly, monthly or on-demand analysis report with its workbook, to leaders and department heads.</summary>
    public const string AnalysisReport = "analysis-report";
    /// <summary>政策精准推送: a policy's reading to an enterprise it concerns (about no ticket).</summary>
    public const string PolicyPush = "policy-push";
    /// <summary>日历到期提醒: to admins, weekly, while the working-day calendar is running out (about no ticket).</summary>
    public const string CalendarEnding = "calendar-ending";

    public static readonly IReadOnlyList<string> All = [Registered, Dispatched, ExtensionApproved, Replied, Reopened, Closed, SlaBreach, AnalysisReport, PolicyPush, CalendarEnding];
}

/// <summary>
/// 邮件发件箱 (transactional outbox): one email, rendered and written in the same transaction as the ticket event that
/// caused it, sent later by <see cref="OutboxSender"/>. <see cref="MessageId"/> is fixed at writing, so a resend after a
/// crash carries the same Message-ID and receivers can drop the copy. Emails about no ticket (reports, policy pushes,
/// notices to admins) have no ticket and are made unique by their Message-ID, built from their kind and natural key
/// (<see cref="Outbox.Compose"/>).
/// </summary>
public sealed class OutboxEmail
{
    public long Id { get; set; }
    public required string MessageId { get; set; }
    public required string Kind { get; set; }
    /// <summary>The ticket it is about; null for an email about no ticket (a report, a policy push, a notice).</summary>
    public long? TicketId { get; set; }
    public Ticket? Ticket { get; set; }
    public string? TicketNumber { get; set; }
    /// <summary>The ticket version of the event that caused it (with the kind and address: never two for one event).</summary>
    public int? EventVersion { get; set; }
    public required string ToAddress { get; set; }
    public string? ToName { get; set; }
    public required string Language { get; set; }
    public required string Subject { get; set; }
    public required string TextBody { get; set; }
    public required string HtmlBody { get; set; }
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    /// <summary>Not before this instant (retry back-off).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>The claim of one sender run; with <see cref="LeaseUntil"/> it keeps other instances off the row.</summary>
    public string? LeaseToken { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    /// <summary>Where the recipient unsubscribes (sent as <c>List-Unsubscribe</c>, RFC 2369/8058); for subscriptions such as policy pushes.</summary>
    public string? UnsubscribeUrl { get; set; }
    public List<OutboxAttachment> Attachments { get; set; } = [];
}

/// <summary>A file sent with an outbox email (a report's workbook), stored with it so a resend sends the same bytes.</summary>
public sealed class OutboxAttachment
{
    public long Id { get; set; }
    public long OutboxEmailId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Content { get; set; }
}

/// <summary>
/// 邮件模板: one email kind in one language, as admins edited it (seeded from seed/email-templates). Liquid (Fluid)
/// syntax; the HTML part's values are HTML-escaped when rendered.
/// </summary>
public sealed class EmailTemplate
{
    public required string Kind { get; set; }
    public required string Language { get; set; }
    public required string Subject { get; set; }
    public required string Text { get; set; }
    public required string Html { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}

/// <summary>
/// 诉求人留言: a message the requester sent (an email reply), kept with the ticket. When the department was waiting for
/// the requester (补充材料) it is also recorded in the ticket's history as <see cref="RequesterResponded"/>.
/// </summary>
public sealed class RequesterMessage
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public required string TicketNumber { get; set; }
    public required string FromAddress { get; set; }
    public required string Channel { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>The ticket version of the requester-responded event it became, when it became one.</summary>
    public int? RecordedAsEventVersion { get; set; }
}
