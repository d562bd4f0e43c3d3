using Hotline.Server.Exports;
using Hotline.Server.Reference;
using Microsoft.Extensions.Localization;

namespace Hotline.Server.Tickets;

/// <summary>工单查询导出: the columns of a search's export (.xlsx or CSV), headed and worded in the reader's language.</summary>
public static class TicketExport
{
    public static IReadOnlyList<ExportColumn<TicketExportRow>> Columns(IStringLocalizer text, ReferenceData reference) =>
    [
        new(text["Console.Number"], t => t.Number),
        new(text["Console.RegisteredAt"], t => t.RegisteredAt),
        new(text["Agent.Type"], t => text[$"TicketType.{t.Type}"].Value),
        new(text["Agent.Channel"], t => text[$"Channel.{t.Channel}"].Value),
        new(text["Agent.Priority"], t => text[$"Priority.{t.Priority}"].Value),
        new(text["Console.Status"], t => text[$"Status.{t.Status}"].Value),
        new(text["Console.TicketTitle"], t => t.Title),
        new(text["Agent.Category"], t => reference.CategoryPath(t.CategoryCode)),
        new(text["Agent.District"], t => t.DistrictCode is null ? null : reference.DistrictName(t.DistrictCode)),
        new(text["Ticket.Department"], t => t.DepartmentCode is null ? null : reference.DepartmentName(t.DepartmentCode)),
        new(text["Agent.RequesterKind"], t => text[$"RequesterKind.{t.RequesterKind}"].Value),
        new(text["Agent.Name"], t => t.RequesterName),
        new(text["Agent.Phone"], t => t.RequesterPhone),
        new(text["Agent.CreditCode"], t => t.CreditCode),
        new(text["Search.DispatchedAt"], t => t.DispatchedAt),
        new(text["Search.RepliedAt"], t => t.RepliedAt),
        new(text["Search.ClosedAt"], t => t.ClosedAt),
        new(text["Ticket.Overdue"], t => t.Overdue ? text["Search.Yes"].Value : text["Search.No"].Value),
        new(text["Search.Rating"], t => t.Rating is { } level ? text[$"Level.{level}"].Value : null),
        new(text["Ticket.Owner"], t => t.OwnerName),
    ];

    /// <summary>The download's name: 工单查询-20261206 (.xlsx or .csv added by the export).</summary>
    public static string FileName(IStringLocalizer text, DateOnly today) => $"{text["Search.FileName"]}-{today:yyyyMMdd}";
}
