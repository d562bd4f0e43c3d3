using System.Buffers.Text;
using System.Globalization;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Tickets;

/// <summary>Query string of GET /api/tickets. Dates are local (China Standard Time) days, inclusive.</summary>
public sealed record TicketFilter(
    string? Status, string? Type, string? Department, string? Category, string? District,
    string? From, string? To, string? Q, string? Phone, string? CreditCode, string? Cursor, int? Limit);

/// <summary>
/// Ticket list with filters and keyset pagination: pages walk the primary key downwards (newest first), so page
/// 5,000 costs the same as page 1 at a million rows. The cursor is the last id of the previous page.
/// </summary>
public sealed class TicketSearch(HotlineDbContext db, ReferenceData reference, CityClock clock)
{
    public async Task<TicketPage> SearchAsync(TicketFilter f, Actor actor, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var query = TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor);

        if (Parse<TicketStatus>(f.Status, "status", errors) is { } status)
            query = query.Where(t => t.Status == status);
        if (Parse<TicketType>(f.Type, "type", errors) is { } type)
            query = query.Where(t => t.Type == type);
        if (!string.IsNullOrWhiteSpace(f.Department))
            query = query.Where(t => t.AssignedDepartmentCode == f.Department);
        if (!string.IsNullOrWhiteSpace(f.Category))
        {
            // A parent category finds its children's tickets too.
            var codes = reference.Categories.Values.Where(c => c.Code == f.Category || c.ParentCode == f.Category).Select(c => c.Code).ToList();
            if (codes.Count == 0)
                errors.Add(new("category", ErrorCodes.UnknownCategory, f.Category));
            query = query.Where(t => codes.Contains(t.CategoryCode));
        }
        if (!string.IsNullOrWhiteSpace(f.District))
            query = query.Where(t => t.DistrictCode == f.District);
        var from = QueryDays.Parse(f.From, "from", errors);
        var to = QueryDays.Parse(f.To, "to", errors);
        if (from is not null || to is not null)
        {
            var start = from is { } d1 ? clock.StartOf(d1) : DateTimeOffset.MinValue;
            var end = to is { } d2 ? clock.StartOf(d2.AddDays(1)) : DateTimeOffset.MaxValue;
            query = query.Where(t => t.RegisteredAt >= start && t.RegisteredAt < end);
            // The same range as ids (min and max over the registration-time index), so the page walks the primary key
            // instead of sorting a month of rows by id (measured at 1M rows: ~100 ms → ~10 ms). Exact for any data.
            var inRange = db.Tickets.Where(t => t.RegisteredAt >= start && t.RegisteredAt < end);
            var lowest = await inRange.MinAsync(t => (long?)t.Id, ct) ?? long.MaxValue;
            var highest = await inRange.MaxAsync(t => (long?)t.Id, ct) ?? 0;
            query = query.Where(t => t.Id >= lowest && t.Id <= highest);
        }
        if (!string.IsNullOrWhiteSpace(f.Q))
        {
            var q = f.Q.Trim();
            query = query.Where(t => t.Title.Contains(q) || t.Description.Contains(q));
        }
        // Requester fields: a confidential requester never matches for a viewer who sees them masked (RequesterLookup).
        if (!string.IsNullOrWhiteSpace(f.Phone))
            query = RequesterLookup.ByPhone(query, [f.Phone.Trim()], actor);
        if (!string.IsNullOrWhiteSpace(f.CreditCode) && f.CreditCode.Trim().ToUpperInvariant() is var creditCode)
            query = RequesterLookup.ByCreditCode(query, creditCode, actor);
        if (!string.IsNullOrEmpty(f.Cursor))
        {
            if (DecodeCursor(f.Cursor) is { } after)
                query = query.Where(t => t.Id < after);
            else
                errors.Add(new("cursor", "InvalidCursor"));
        }
        var limit = f.Limit ?? 50;
        if (limit is < 1 or > TicketService.MaxPageSize)
            errors.Add(new("limit", "OutOfRange", 1, TicketService.MaxPageSize));
        if (errors.Count > 0)
            throw new RequestValidationException(errors);

        var rows = await SummariesAsync(query.OrderByDescending(t => t.Id).Take(limit + 1), actor, ct);
        var next = rows.Count > limit ? EncodeCursor(rows[limit - 1].Id) : null;
        return new TicketPage(rows.Take(limit).Select(r => r.Summary).ToList(), next);
    }

    /// <summary>List rows as a viewer may see them: only the columns a list needs, confidential requesters masked.</summary>
    public static async Task<List<(long Id, TicketSummary Summary)>> SummariesAsync(IQueryable<Ticket> ordered, Actor actor, CancellationToken ct)
    {
        var rows = await ordered
            .Select(t => new
            {
                t.Id, t.Number, t.Type, t.Priority, t.Status, t.Title, t.CategoryCode, t.DistrictCode, t.AssignedDepartmentCode,
                t.RequesterKind, t.RequesterName, t.RequesterPhone, t.RequesterEmail, t.RequesterCreditCode, t.RequesterContactPerson,
                t.RequesterConfidential, t.RegisteredAt, t.UpdatedAt, t.Version,
            })
            .ToListAsync(ct);
        return rows.Select(r =>
        {
            var redaction = RequesterRedaction.For(new Requester
            {
                Kind = r.RequesterKind, Name = r.RequesterName, Phone = r.RequesterPhone, Email = r.RequesterEmail,
                CreditCode = r.RequesterCreditCode, ContactPerson = r.RequesterContactPerson, Confidential = r.RequesterConfidential,
            }, actor.SeesConfidentialRequesters);
            return (r.Id, new TicketSummary(
                r.Number, r.Type, r.Priority, r.Status, redaction?.Text(r.Title) ?? r.Title, r.CategoryCode, r.DistrictCode, r.AssignedDepartmentCode,
                redaction is null ? r.RequesterName : Masking.MaskName(r.RequesterName), r.RegisteredAt, r.UpdatedAt, r.Version));
        }).ToList();
    }

    private static string EncodeCursor(long id) => Base64Url.EncodeToString(BitConverter.GetBytes(id));

    private static long? DecodeCursor(string cursor)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            return bytes.Length == sizeof(long) ? BitConverter.ToInt64(bytes) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static T? Parse<T>(string? value, string field, List<FieldError> errors) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
            return parsed;
        errors.Add(new(field, "InvalidValue"));
        return null;
    }
}
