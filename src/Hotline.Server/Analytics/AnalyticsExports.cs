using Hotline.Server.Exports;
using Microsoft.Extensions.Localization;

namespace Hotline.Server.Analytics;

/// <summary>The columns of the analytics exports, headed in the reader's language.</summary>
public static class AnalyticsExports
{
    public static IReadOnlyList<ExportColumn<FactTicket>> TicketColumns(IStringLocalizer text) =>
    [
        new(text["Console.Number"], t => t.Number),
        new(text["Console.TicketTitle"], t => t.Title),
        new(text["Console.Status"], t => text[$"Status.{t.Status}"].Value),
        new(text["Analytics.Column.Department"], t => t.DepartmentName),
        new(text["Analytics.Column.Part"], t => text[$"Analytics.Part.{t.Part}"].Value),
        new(text["Analytics.Column.Category"], t => t.CategoryName),
        new(text["Analytics.Column.District"], t => t.DistrictName),
        new(text["Analytics.Column.Type"], t => text[$"TicketType.{t.Type}"].Value),
        new(text["Analytics.Column.Channel"], t => text[$"Channel.{t.Channel}"].Value),
        new(text["Analytics.Column.Requester"], t => t.RequesterName),
        new(text["Analytics.Column.RegisteredAt"], t => t.RegisteredAt),
        new(text["Analytics.Column.Level"], t => t.Level is { } l ? text[$"Level.{l}"].Value : null),
        new(text["Analytics.Column.Resolved"], t => t.Level is null ? null : t.Resolved ? text["Analytics.Yes"].Value : text["Analytics.No"].Value),
        new(text["Analytics.Column.Exclusion"], t => t.Exclusion is { } e ? text[$"Analytics.Exclusion.{e}"].Value : null),
        new(text["Analytics.Column.ReturnReason"], t => t.ReturnReason is { } r ? text[$"ReturnReason.{r}"].Value : null),
    ];
}
