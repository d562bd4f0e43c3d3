using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Hotline.Server.Analytics;

/// <summary>
/// 钻取到工单查询: "the tickets counted in figure F" as one filter of the ticket search (<c>analytics=</c>). Its value is
/// the analytics query string of the figure (period, dimensions, topic word) with the <c>counter</c> whose rows are the
/// figure's tickets and the <c>figure</c> it was read from (for the chip's words). The tickets are resolved against the
/// same fact rows the figure is summed from (<see cref="FactSet"/>), so the list's length is the figure.
/// </summary>
public sealed record FigureFilter(AnalyticsQuery Query, string Counter, string? Figure)
{
    /// <summary>The ticket search's address for a figure's tickets.</summary>
    public static string Link(AnalyticsQuery query, string counter, string? figure = null) =>
        "/tickets?" + TicketFilterQuery.ToQuery(TicketFilter.Empty with { Analytics = new FigureFilter(query, counter, figure).ToValue() });

    /// <summary>The value of the <c>analytics</c> filter.</summary>
    public string ToValue() => Query.ToQueryString(("counter", Counter), ("figure", Figure));

    /// <summary>Reads a value; null when it names no listable counter.</summary>
    public static FigureFilter? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var v = QueryHelpers.ParseQuery("?" + value.Trim().TrimStart('?'));
        string? Get(string name) => v.TryGetValue(name, out var s) && !StringValues.IsNullOrEmpty(s) ? s.ToString() : null;
        var counter = Get("counter");
        if (counter is null || !FactSet.IsListable(counter))
            return null;
        var figure = Get("figure");
        return new(new AnalyticsQuery(Get("period"), Get("date"), Get("from"), Get("to"), Get("department"), Get("district"), Get("category"),
            Get("type"), Get("channel"), Get("requesterKind"), Get("word")), counter, figure is { Length: <= 40 } ? figure : null);
    }

    /// <summary>
    /// Keeps the tickets behind the figure. Department isolation as on the figures: a department handler's figure is
    /// their department's; asking for another department's figure finds nothing. A bad value is a 400 naming <c>analytics</c>.
    /// </summary>
    public static IQueryable<Ticket> Apply(IQueryable<Ticket> tickets, string value, HotlineDbContext db, Actor actor, ReferenceData reference,
        CityClock clock, List<FieldError> errors)
    {
        AnalyticsFilter? filter = null;
        var figure = Parse(value);
        try
        {
            if (figure is not null)
                filter = AnalyticsFilter.Parse(figure.Query, actor, reference, clock);
        }
        catch (RequestValidationException)
        {
            figure = null;
        }
        if (figure is null)
        {
            errors.Add(new("analytics", "InvalidValue"));
            return tickets;
        }
        if (filter is null)
            return tickets.Where(t => false);
        var ids = FactSet.Behind(FactSet.Facts(db, filter), figure.Counter).Select(r => r.TicketId);
        return tickets.Where(t => ids.Contains(t.Id));
    }
}
