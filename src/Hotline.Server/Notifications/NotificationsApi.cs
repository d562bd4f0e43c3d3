using System.Globalization;
using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Hotline.Server.Notifications;

public static class NotificationsApi
{
    public sealed record OutboxItem(long Id, string Kind, string? TicketNumber, string To, string Language, string Subject, OutboxStatus Status,
        int Attempts, DateTimeOffset NextAttemptAt, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, string MessageId);
    public sealed record OutboxDetail(OutboxItem Email, string Text, string Html);
    public sealed record OutboxPage(IReadOnlyList<OutboxItem> Items, string? NextCursor);
    public sealed record TemplateSummary(string Kind, string Language, string Subject, DateTimeOffset UpdatedAt, string? UpdatedBy);
    public sealed record TemplateBody(string? Subject, string? Text, string? Html);
    public sealed record DepartmentHead(string Code, string Name, string? HeadName, string? HeadEmail);
    public sealed record DepartmentHeadBody(string? HeadName, string? HeadEmail);
    public sealed record MessageView(long Id, string From, string Channel, string Text, DateTimeOffset ReceivedAt, int? RecordedAsEventVersion);

    private const int PageSize = 100;

    public static void MapNotifications(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization(Policies.Admin);

        admin.MapGet("/outbox", async (OutboxStatus? status, string? ticket, string? cursor, HotlineDbContext db, CancellationToken ct) =>
        {
            var query = db.OutboxEmails.AsNoTracking();
            if (status is not null)
                query = query.Where(o => o.Status == status);
            if (!string.IsNullOrWhiteSpace(ticket))
                query = query.Where(o => o.TicketNumber == ticket);
            if (cursor is not null)
            {
                if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before))
                    throw new RequestValidationException([new("cursor", "InvalidCursor")]);
                query = query.Where(o => o.Id < before);
            }
            var rows = await query.OrderByDescending(o => o.Id).Take(PageSize + 1).ToListAsync(ct);
            var items = rows.Take(PageSize).Select(Item).ToList();
            return TypedResults.Ok(new OutboxPage(items, rows.Count > PageSize ? items[^1].Id.ToString(CultureInfo.InvariantCulture) : null));
        }).WithSummary("Emails in the outbox, newest first; ?status=Failed shows what an admin must look at");

        admin.MapGet("/outbox/{id:long}", async Task<Results<Ok<OutboxDetail>, NotFound>> (long id, HotlineDbContext db, CancellationToken ct) =>
            await db.OutboxEmails.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct) is { } row
                ? TypedResults.Ok(new OutboxDetail(Item(row), row.TextBody, row.HtmlBody))
                : TypedResults.NotFound());

        admin.MapPost("/outbox/{id:long}/retry", async Task<Results<Ok<OutboxItem>, NotFound>> (long id, HotlineDbContext db, TimeProvider time, CancellationToken ct) =>
        {
            var row = await db.OutboxEmails.FirstOrDefaultAsync(o => o.Id == id, ct);
            if (row is null)
                return TypedResults.NotFound();
            if (row.Status == OutboxStatus.Sent)
                throw new GuardConflictException("EmailAlreadySent");
            // A fresh set of attempts, due now; the error stays visible until the next attempt replaces it.
            (row.Status, row.Attempts, row.NextAttemptAt, row.LeaseToken, row.LeaseUntil) = (OutboxStatus.Pending, 0, time.GetUtcNow(), null, null);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(Item(row));
        }).WithSummary("Sends a failed (or waiting) email again, with a fresh set of attempts");

        admin.MapGet("/templates", async (HotlineDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.EmailTemplates.AsNoTracking().ToListAsync(ct))
                .OrderBy(t => EmailKinds.All.ToList().IndexOf(t.Kind)).ThenBy(t => t.Language, StringComparer.Ordinal)
                .Select(t => new TemplateSummary(t.Kind, t.Language, t.Subject, t.UpdatedAt, t.UpdatedBy))));

        admin.MapGet("/templates/{kind}/{language}", async Task<Results<Ok<EmailTemplate>, NotFound>> (string kind, string language, HotlineDbContext db, CancellationToken ct) =>
            await db.EmailTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Kind == kind && t.Language == language, ct) is { } row
                ? TypedResults.Ok(row) : TypedResults.NotFound());

        admin.MapPut("/templates/{kind}/{language}", async Task<Results<Ok<EmailTemplate>, NotFound>> (string kind, string language, TemplateBody body,
            HttpContext http, HotlineDbContext db, Nodes.SharedCaches caches, TimeProvider time, CancellationToken ct) =>
        {
            if (!EmailKinds.All.Contains(kind) || !Languages.IsKnown(language))
                return TypedResults.NotFound();
            var errors = EmailTemplates.Validate(body.Subject, body.Text, body.Html);
            if (errors.Count > 0)
                throw new RequestValidationException(errors);
            var row = await db.EmailTemplates.FirstOrDefaultAsync(t => t.Kind == kind && t.Language == language, ct);
            if (row is null)
            {
                row = new EmailTemplate { Kind = kind, Language = language, Subject = "", Text = "", Html = "" };
                db.EmailTemplates.Add(row);
            }
            (row.Subject, row.Text, row.Html) = (body.Subject!.Trim(), body.Text!, body.Html!);
            (row.UpdatedAt, row.UpdatedBy) = (time.GetUtcNow(), http.User.ToActor().Name);
            await db.SaveChangesAsync(ct);
            await caches.RefreshAsync(Nodes.SharedCache.EmailTemplates, ct);
            return TypedResults.Ok(row);
        }).WithSummary("Replaces a template (Liquid); each part must parse. Used for emails written from now on.");

        admin.MapGet("/department-heads", (ReferenceData reference) =>
            TypedResults.Ok(reference.Departments.Values.OrderBy(d => d.Code, StringComparer.Ordinal).Select(Head)));

        admin.MapPut("/department-heads/{code}", async Task<Results<Ok<DepartmentHead>, NotFound>> (string code, DepartmentHeadBody body,
            HotlineDbContext db, Nodes.SharedCaches caches, CancellationToken ct) =>
        {
            var department = await db.Departments.FirstOrDefaultAsync(d => d.Code == code, ct);
            if (department is null)
                return TypedResults.NotFound();
            var email = body.HeadEmail?.Trim() ?? "";
            var errors = new List<FieldError>();
            if (email.Length > 0 && (!MailboxAddress.TryParse(email, out var parsed) || parsed.Address != email || !email.Contains('@', StringComparison.Ordinal)))
                errors.Add(new("headEmail", ErrorCodes.InvalidEmail));
            if (body.HeadName?.Trim().Length > 100)
                errors.Add(new("headName", ErrorCodes.TooLong, 100));
            if (errors.Count > 0)
                throw new RequestValidationException(errors);
            // Empty means "no head email" and is kept as such: the seed fills only departments never set.
            (department.HeadName, department.HeadEmail) = (string.IsNullOrWhiteSpace(body.HeadName) ? null : body.HeadName.Trim(), email);
            await db.SaveChangesAsync(ct);
            await caches.RefreshAsync(Nodes.SharedCache.Reference, ct);
            return TypedResults.Ok(Head(department));
        }).WithSummary("Sets the department head who is emailed when the department misses a deadline (empty email: nobody)");

        routes.MapGet("/api/tickets/{number}/messages", async (string number, HttpContext http, TicketService tickets, HotlineDbContext db, CancellationToken ct) =>
        {
            var actor = http.User.ToActor();
            var ticket = await tickets.FindAsync(number, actor, ct);
            var masked = ticket.RequesterConfidential && !actor.SeesConfidentialRequesters;
            var rows = await db.RequesterMessages.AsNoTracking().Where(m => m.TicketId == ticket.Id).OrderBy(m => m.Id).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(m => new MessageView(m.Id, masked ? Masking.MaskEmail(m.FromAddress) : m.FromAddress, m.Channel, m.Text,
                m.ReceivedAt, m.RecordedAsEventVersion)));
        }).WithTags("Notifications").RequireAuthorization(Policies.Staff).WithSummary("The requester's own messages (email replies), oldest first");
    }

    private static OutboxItem Item(OutboxEmail o) => new(o.Id, o.Kind, o.TicketNumber, o.ToAddress, o.Language, o.Subject, o.Status, o.Attempts,
        o.NextAttemptAt, o.LastError, o.CreatedAt, o.SentAt, o.MessageId);

    private static DepartmentHead Head(Department d) => new(d.Code, d.Name, d.HeadName, string.IsNullOrEmpty(d.HeadEmail) ? null : d.HeadEmail);
}
