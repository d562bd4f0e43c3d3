using Hotline.Domain.Access;
using Hotline.Domain.Analytics;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Analytics;

/// <summary>One ticket behind a figure, as the viewer may see it (a confidential requester's name masked).</summary>
public sealed record FactTicket(
    string Number, string Title, TicketStatus Status, FactPart Part, string DepartmentCode, string DepartmentName, string CategoryName,
    string? DistrictName, TicketType Type, Channel Channel, RequesterKind RequesterKind, string RequesterName, DateTimeOffset RegisteredAt,
    RatingLevel? Level, bool Resolved, string? Exclusion, ReturnReason? ReturnReason, bool Overdue);

/// <summary>A page of the tickets behind a figure; <see cref="Total"/> is the figure itself.</summary>
public sealed record FactTicketPage(long Total, int Offset, IReadOnlyList<FactTicket> Items);

/// <summary>The drill-down (钻取): the tickets behind a counter, from the same <see cref="FactSet"/> as the figure.</summary>
public sealed class AnalyticsTickets(HotlineDbContext db, ReferenceData reference)
{
    public const int MaxPage = 200;

    public async Task<FactTicketPage> PageAsync(AnalyticsFilter f, string counter, Actor actor, int offset, int limit, CancellationToken ct)
    {
        var rows = Rows(f, counter, limit, offset);
        var total = await FactSet.Behind(FactSet.Facts(db, f), counter).LongCountAsync(ct);
        var items = new List<FactTicket>();
        await foreach (var row in Read(rows.Skip(offset).Take(limit), actor).WithCancellation(ct))
            items.Add(row);
        return new(total, offset, items);
    }

    /// <summary>Every ticket behind the counter, newest first, read as a stream (exports).</summary>
    public IAsyncEnumerable<FactTicket> StreamAsync(AnalyticsFilter f, string counter, Actor actor) => Read(Rows(f, counter, 1, 0), actor);

    private IQueryable<TicketFact> Rows(AnalyticsFilter f, string counter, int limit, int offset)
    {
        var errors = new List<FieldError>();
        if (!FactSet.IsListable(counter))
            errors.Add(new("counter", "InvalidValue"));
        if (limit is < 1 or > MaxPage)
            errors.Add(new("limit", "OutOfRange", 1, MaxPage));
        if (offset < 0)
            errors.Add(new("offset", "OutOfRange", 0, int.MaxValue));
        if (errors.Count > 0)
            throw new RequestValidationException(errors);
        // Newest first by day, then ticket: the order of the (day, ticket) and (department, day, ticket) indexes read
        // backwards, so a list streams from the period's last day without sorting the period's rows first.
        return FactSet.Behind(FactSet.Facts(db, f), counter)
            .OrderByDescending(r => r.Day).ThenByDescending(r => r.TicketId).ThenBy(r => r.DepartmentCode);
    }

    private async IAsyncEnumerable<FactTicket> Read(IQueryable<TicketFact> rows, Actor actor)
    {
        var query = rows.Join(db.Tickets, r => r.TicketId, t => t.Id, (r, t) => new
        {
            t.Number, t.Title, t.Status, r.Part, r.DepartmentCode, r.CategoryCode, r.DistrictCode, r.Type, r.Channel, r.RequesterKind,
            t.RequesterName, t.RequesterConfidential, t.RegisteredAt, r.Level, r.Measures.Resolved, r.Exclusion, r.ReturnReason,
            Overdue = r.Measures.Overdue + r.Measures.UnfinishedOverdue,
        }).AsAsyncEnumerable();
        await foreach (var r in query)
        {
            yield return new FactTicket(r.Number, r.Title, r.Status, r.Part, r.DepartmentCode,
                r.DepartmentCode.Length == 0 ? "12345" : reference.DepartmentName(r.DepartmentCode),
                reference.CategoryName(r.CategoryCode),
                r.DistrictCode.Length == 0 ? null : reference.DistrictName(r.DistrictCode),
                r.Type, r.Channel, r.RequesterKind,
                r.RequesterConfidential && !actor.SeesConfidentialRequesters ? Masking.MaskName(r.RequesterName) : r.RequesterName,
                r.RegisteredAt, r.Level, r.Resolved > 0, r.Exclusion, r.ReturnReason, r.Overdue > 0);
        }
    }
}
