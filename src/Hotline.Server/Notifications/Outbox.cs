using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
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

    /// <summary>Whether rows were added since the sender last looked, without taking the hint.</summary>
    public bool HasWrittenHint => Volatile.Read(ref written) == 1;

    /// <summary>Another node wrote rows: this node's sender wakes on the commit signal too (any node may send them).</summary>
    public void MarkWritten() => Volatile.Write(ref written, 1);

    /// <param name="accessCode">The code issued with a registration: it goes into that event's email only.</param>
    public void Apply(HotlineDbContext db, Ticket ticket, IEnumerable<TicketEvent> events, string? accessCode = null)
    {
        foreach (var row in Emails(ticket, events, accessCode))
            db.OutboxEmails.Add(row);
    }

    /// <summary>
    /// The email rows these events cause, for a caller that writes them itself in its transaction (the SLA sweeper
    /// inserts them with <see cref="Data.DirectWriter"/>).
    /// </summary>
    public List<OutboxEmail> Emails(Ticket ticket, IEnumerable<TicketEvent> events, string? accessCode = null)
    {
        var rows = new List<OutboxEmail>();
        foreach (var e in events)
        {
            var kind = RequesterKindOf(e.Change);
            if (kind is not null && !string.IsNullOrWhiteSpace(ticket.RequesterEmail))
            {
                var language = LanguageOf(ticket);
                rows.Add(Row(ticket, e, kind, ticket.RequesterEmail, ticket.RequesterName, language, () => models.ForRequester(ticket, e, language, e.Change is Registered ? accessCode : null)));
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
        Closed or Withdrawn => EmailKinds.Closed,
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
        var row = NewRow(MessageIdFor(ticket.Number, e.Version, kind), kind, to, name, language);
        // A stored ticket is referenced by id, so an untracked one (the SLA sweeper's) is not inserted again; a new
        // ticket has no id before it is saved, so it is referenced by navigation.
        row.TicketId = ticket.Id == 0 ? null : ticket.Id;
        row.Ticket = ticket.Id == 0 ? ticket : null;
        row.TicketNumber = ticket.Number;
        row.EventVersion = e.Version;
        Render(row, model);
        return row;
    }

    /// <summary>
    /// An email about no ticket (an analysis report, a policy push, a notice to admins), rendered from the kind's
    /// template, for the caller to add to its unit of work. <paramref name="key"/> names what it is about, such as
    /// <c>policy-17.91320400MA1XXXXXXX</c> or <c>weekly-2026-W49.leader</c>: the Message-ID is built from kind and
    /// key and is unique in the outbox, so the same email is never written twice (check <see cref="ExistsAsync"/>
    /// first, or let the unique index refuse the copy when two writers race).
    /// </summary>
    public OutboxEmail Compose(string kind, string key, string to, string? name, string language, IReadOnlyDictionary<string, object?> model,
        IEnumerable<OutboxAttachment>? attachments = null, string? unsubscribeUrl = null)
    {
        var row = NewRow(MessageIdFor(kind, key), kind, to, name, language);
        row.UnsubscribeUrl = unsubscribeUrl;
        if (attachments is not null)
            row.Attachments.AddRange(attachments);
        Render(row, () => model);
        if (row.Status == OutboxStatus.Pending)
            Volatile.Write(ref written, 1);
        return row;
    }

    /// <summary>Whether the email of this kind and key is in the outbox already (in any state).</summary>
    public Task<bool> ExistsAsync(HotlineDbContext db, string kind, string key, CancellationToken ct)
    {
        var id = MessageIdFor(kind, key);
        return db.OutboxEmails.AnyAsync(r => r.MessageId == id, ct);
    }

    /// <summary>Message-ID of an email about no ticket: its kind and natural key.</summary>
    public string MessageIdFor(string kind, string key)
    {
        if (key.Length is 0 or > 150 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            throw new ArgumentException("An outbox key is 1–150 ASCII letters, digits, '.', '-' or '_'.", nameof(key));
        return $"{kind}.{key}@{smtp.Value.MessageIdDomain}";
    }

    private OutboxEmail NewRow(string messageId, string kind, string to, string? name, string language)
    {
        var now = clock.Now;
        return new OutboxEmail
        {
            MessageId = messageId,
            Kind = kind,
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
    }

    private void Render(OutboxEmail row, Func<IReadOnlyDictionary<string, object?>> model)
    {
        try
        {
            if (!MailboxAddress.TryParse(row.ToAddress, out var address) || address.Address.IndexOf('@', StringComparison.Ordinal) <= 0)
                Fail(row, "Invalid recipient address.");
            var rendered = templates.Render(row.Kind, row.Language, model());
            (row.Subject, row.TextBody, row.HtmlBody) = (rendered.Subject, rendered.Text, rendered.Html);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An action never fails because of an email: the broken one is kept, failed, for an admin to see.
            logger.LogError(ex, "Email {Kind} for ticket {TicketNumber} could not be rendered", row.Kind, row.TicketNumber ?? row.Ticket?.Number ?? "-");
            Fail(row, $"Rendering failed: {ex.Message}");
        }
    }

    private static void Fail(OutboxEmail row, string error)
    {
        row.Status = OutboxStatus.Failed;
        row.LastError = error;
    }
}
