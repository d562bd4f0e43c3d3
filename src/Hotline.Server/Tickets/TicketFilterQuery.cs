using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Hotline.Server.Tickets;

/// <summary>
/// A <see cref="TicketFilter"/> as a query string, in the names <c>GET /api/tickets</c> takes: the search page's address,
/// a saved search, the export link and a desk's link to a list are all this one string.
/// </summary>
public static class TicketFilterQuery
{
    /// <summary>The filters in the order the page shows them; cursor and limit are paging, not part of a search.</summary>
    private static readonly (string Name, Func<TicketFilter, string?> Read)[] Fields =
    [
        ("list", f => f.List),
        ("analytics", f => f.Analytics),
        ("number", f => f.Number),
        ("phone", f => f.Phone),
        ("name", f => f.Name),
        ("creditCode", f => f.CreditCode),
        ("q", f => f.Q),
        ("status", f => f.Status),
        ("type", f => f.Type),
        ("category", f => f.Category),
        ("department", f => f.Department),
        ("district", f => f.District),
        ("channel", f => f.Channel),
        ("from", f => f.From),
        ("to", f => f.To),
        ("overdue", f => f.Overdue is { } o ? (o ? "true" : "false") : null),
        ("rating", f => f.Rating),
        ("sort", f => f.Sort),
    ];

    public static string ToQuery(TicketFilter f) =>
        string.Join('&', Fields.Select(x => (x.Name, Value: x.Read(f)?.Trim())).Where(x => !string.IsNullOrEmpty(x.Value))
            .Select(x => $"{x.Name}={Uri.EscapeDataString(x.Value!)}"));

    public static TicketFilter Parse(string? query)
    {
        var values = QueryHelpers.ParseQuery(query is null ? null : query.StartsWith('?') ? query : "?" + query);
        string? Get(string name) => values.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString() : null;
        return TicketFilter.Empty with
        {
            List = Get("list"), Analytics = Get("analytics"), Number = Get("number"), Phone = Get("phone"), Name = Get("name"), CreditCode = Get("creditCode"),
            Q = Get("q"), Status = Get("status"), Type = Get("type"), Category = Get("category"), Department = Get("department"),
            District = Get("district"), Channel = Get("channel"), From = Get("from"), To = Get("to"),
            Overdue = bool.TryParse(Get("overdue"), out var overdue) ? overdue : null, Rating = Get("rating"), Sort = Get("sort"),
            Cursor = Get("cursor"), Limit = int.TryParse(Get("limit"), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null,
        };
    }

    /// <summary>A query string as it is kept: known filters only, in a fixed order, without paging.</summary>
    public static string Normalize(string? query) => ToQuery(Parse(query));

    /// <summary>Whether any filter is set (an empty search lists every ticket the person may see).</summary>
    public static bool IsEmpty(TicketFilter f) => ToQuery(f with { Sort = null }).Length == 0;
}
