using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Hotline.Server.Notifications;

/// <summary>
/// The write side of the transactional outbox. Whoever appends ticket events calls <see cref="Apply"/> before saving
/// (as with <c>SlaClocks.ApplyAsync</c>), so each email row commits in the same transaction as the event that caused
/// it, or not at all. It renders from templates in memory and never touches the network or the database, so writing
/// an email cannot slow or fail a ticket action; a rendering problem becomes a failed row an admin can see.
/// </summary>
public sealed class Outbox(
    EmailTemplates templates, EmailModels models, ReferenceData reference, IOptions<NotificationOptions> options, IOptions<SmtpOptions> smtp,
    CityClock clock, ILogger<Outbox> logger)
{
    /// <summary>A ticket tag that picks the requester's email language, e.g. <c>lang:en</c>.</summary>
    public const string LanguageTagPrefix = "lang:";

    private int written;

    /// <summary>Set when rows were added since the sender last looked; the sender wakes on the next commit only then.</summary>
    public bool TakeWrittenHint() => Interlocked.Exchange(ref written, 0) == 1;

    public void Apply(HotlineDbContext db, Ticket ticket, IEnumerable<TicketEvent> events)
    {
        foreach (var row in Emails(ticket, events))
            db.OutboxEmails.Add(row);
    }

    /// <summary>
    /// The email rows these events cause, for a caller that writes them itself in its transaction (the SLA sweeper
    /// inserts them with <see cref="Data.DirectWriter"/>).
    /// </summary>
    public List<OutboxEmail> Emails(Ticket ticket, IEnumerable<TicketEvent> events)
    {
        var rows = new List<OutboxEmail>();
        foreach (var e in events)
        {
            var kind = RequesterKindOf(e.Change);
            if (kind is not null && !string.IsNullOrWhiteSpace(ticket.RequesterEmail))
            {
                var language = LanguageOf(ticket);
                rows.Add(Row(ticket, e, kind, ticket.RequesterEmail, ticket.RequesterName, language, () => models.ForRequester(ticket, e, language)));
            }
            if (e.Change is SlaBreached breach && HeadOf(ticket, breach) is { } department)
            {
                var language = options.Value.DefaultLanguage;
                rows.Add(Row(ticket, e, EmailKinds.SlaBreach, department.HeadEmail!, department.HeadName, language,
                    () => models.ForDepartmentHead(ticket, breach, department, language)));
            }
        }
        if (rows.Count > 0)
            Volatile.Write(ref written, 1);
        return rows;
    }

    /// <summary>The milestones a requester hears about (an intake answer and a duplicate's answer count as replies).</summary>
    public static string? RequesterKindOf(TicketChange change) => change switch
    {
        Registered => EmailKinds.Registered,
        Dispatched => EmailKinds.Dispatched,
        ExtensionDecided { Approved: true } => EmailKinds.ExtensionApproved,
        Replied or ResolvedAtIntake or AnsweredWithMaster => EmailKinds.Replied,
        Reopened => EmailKinds.Reopened,
        Closed => EmailKinds.Closed,
        _ => null,
    };

    /// <summary>
    /// The requester's language: a <c>lang:en</c> or <c>lang:zh-CN</c> tag on the ticket (agents add it when the
    /// requester asks), otherwise <c>Notifications:DefaultLanguage</c>. Tickets have no language field of their own.
    /// </summary>
    public string LanguageOf(Ticket ticket)
    {
        foreach (var tag in ticket.Tags)
        {
            if (tag.StartsWith(LanguageTagPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var wanted = tag[LanguageTagPrefix.Length..].Trim();
                if (Languages.All.FirstOrDefault(l => l.Equals(wanted, StringComparison.OrdinalIgnoreCase)) is { } language)
                    return language;
            }
        }
        return options.Value.DefaultLanguage;
    }

    private Department? HeadOf(Ticket ticket, SlaBreached breach)
    {
        var o = options.Value;
        if (!o.BreachEmailToDepartmentHead || !o.BreachEmailClocks.Contains(breach.Clock.ToString(), StringComparer.OrdinalIgnoreCase))
            return null;
        return reference.Departments.GetValueOrDefault(ticket.AssignedDepartmentCode ?? "") is { HeadEmail: { Length: > 0 } } d ? d : null;
    }

    /// <summary>Message-ID from the row's natural key (ticket, event, kind): the same on every attempt, unique per email.</summary>
    public string MessageIdFor(string number, int version, string kind) => $"{number}.{version}.{kind}@{smtp.Value.MessageIdDomain}";

    private OutboxEmail Row(Ticket ticket, TicketEvent e, string kind, string to, string? name, string language,
        Func<IReadOnlyDictionary<string, object?>> model)
    {
        var now = clock.Now;
        var row = new OutboxEmail
        {
            MessageId = MessageIdFor(ticket.Number, e.Version, kind),
            Kind = kind,
            // A stored ticket is referenced by id, so an untracked one (the SLA sweeper's) is not inserted again; a new
            // ticket has no id before it is saved, so it is referenced by navigation.
            TicketId = ticket.Id,
            Ticket = ticket.Id == 0 ? ticket : null,
            TicketNumber = ticket.Number,
            EventVersion = e.Version,
            ToAddress = to.Trim(),
            ToName = name,
            Language = language,
            Subject = "",
            TextBody = "",
            HtmlBody = "",
            Status = OutboxStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        };
        try
        {
            if (!MailboxAddress.TryParse(row.ToAddress, out var address) || address.Address.IndexOf('@', StringComparison.Ordinal) <= 0)
                Fail(row, "Invalid recipient address.");
            var rendered = templates.Render(kind, language, model());
            (row.Subject, row.TextBody, row.HtmlBody) = (rendered.Subject, rendered.Text, rendered.Html);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A ticket action never fails because of an email: the broken one is kept, failed, for an admin to see.
            logger.LogError(ex, "Email {Kind} for ticket {TicketNumber} could not be rendered", kind, ticket.Number);
            Fail(row, $"Rendering failed: {ex.Message}");
        }
        return row;
    }

    private static void Fail(OutboxEmail row, string error)
    {
        row.Status = OutboxStatus.Failed;
        row.LastError = error;
    }
}
