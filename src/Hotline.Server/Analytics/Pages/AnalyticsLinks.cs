namespace Hotline.Server.Analytics.Pages;

/// <summary>Links from a number to the tickets behind it, with the same query the number was computed from.</summary>
public static class AnalyticsLinks
{
    public static string Tickets(AnalyticsQuery query, string counter, string? figure = null) =>
        FigureFilter.Link(query, counter, figure);

    public static string Rate(double? rate) => rate is { } r ? r.ToString("0.0%", System.Globalization.CultureInfo.InvariantCulture) : "—";

    public static string Value(FigureView f) => f.Value is not { } v ? "—" : f.Kind switch
    {
        Domain.Analytics.FigureKind.Rate or Domain.Analytics.FigureKind.WeightedRate => Rate(v),
        Domain.Analytics.FigureKind.Count => v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>环比/同比 as text: percentage points for rates, per cent for counts.</summary>
    public static string Change(double? change, Domain.Analytics.FigureKind kind) => change is not { } c ? "—"
        : kind is Domain.Analytics.FigureKind.Count ? c.ToString("+0.0%;-0.0%;0%", System.Globalization.CultureInfo.InvariantCulture)
        : kind is Domain.Analytics.FigureKind.Rate or Domain.Analytics.FigureKind.WeightedRate ? (c * 100).ToString("+0.0;-0.0;0", System.Globalization.CultureInfo.InvariantCulture) + " pp"
        : c.ToString("+0.0;-0.0;0", System.Globalization.CultureInfo.InvariantCulture);
}
