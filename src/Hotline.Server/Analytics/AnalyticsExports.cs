using Hotline.Server.Exports;
using Hotline.Server.Problems;
using Microsoft.Extensions.Localization;

namespace Hotline.Server.Analytics;

/// <summary>The columns of the analytics exports, headed in the reader's language.</summary>
public static class AnalyticsExports
{
    /// <summary>The dashboard's tables, in the order of <see cref="DashboardTables"/>.</summary>
    public static readonly IReadOnlyList<string> DashboardTables = ["figures", "ranking", "trend", "categories", "districts", "topics", "online"];

    public static IReadOnlyList<ExportSheet> DashboardSheets(IStringLocalizer text, Scorecard card, IReadOnlyList<RankingRow> ranking, IReadOnlyList<TrendPoint> trend,
        IReadOnlyList<BreakdownRow> categories, IReadOnlyList<BreakdownRow> districts, IReadOnlyList<TopicView> topics, OnlineResolutionFigures? online) =>
    [
        ExportSheet.Of(text["Analytics.Sheet.Figures"], [
            new ExportColumn<FigureView>(text["Analytics.Sheet.Figure"], f => text[$"Analytics.Figure.{f.Key}"].Value), new(text["Analytics.Sheet.Value"], f => f.Value),
            new(text["Analytics.Sheet.Tickets"], f => f.Denominator), new(text["Analytics.ChangePrevious"], f => f.ChangeFromPrevious),
            new(text["Analytics.ChangeLastYear"], f => f.ChangeFromLastYear)], card.Figures),
        ExportSheet.Of(text["Analytics.Ranking"], [
            new ExportColumn<RankingRow>(text["Analytics.Rank"], r => r.Rank), new(text["Analytics.Column.Department"], r => r.DepartmentName),
            new(text["Analytics.Figure.CompositeScore"], r => r.Score), new(text["Analytics.Figure.Volume"], r => r.Volume),
            new(text["Analytics.Figure.ResponseRate"], r => r.ResponseRate), new(text["Analytics.Figure.ResolutionRate"], r => r.ResolutionRate),
            new(text["Analytics.Figure.SatisfactionRate"], r => r.SatisfactionRate), new(text["Analytics.Figure.Rated"], r => r.Rated),
            new(text["Analytics.Figure.OnTimeHandlingRate"], r => r.OnTimeHandlingRate), new(text["Analytics.Figure.ReturnRate"], r => r.ReturnRate),
            new(text["Analytics.Figure.Overdue"], r => r.Overdue)], ranking),
        ExportSheet.Of(text["Analytics.VolumeTrend"], [
            new ExportColumn<TrendPoint>(text["Analytics.Label"], p => p.Label), new(text["Analytics.Figure.Volume"], p => p.Volume),
            new(text["Analytics.Figure.ResponseRate"], p => p.ResponseRate), new(text["Analytics.Figure.ResolutionRate"], p => p.ResolutionRate),
            new(text["Analytics.Figure.SatisfactionRate"], p => p.SatisfactionRate)], trend),
        Breakdown(text, text["Analytics.ByCategory"], categories),
        Breakdown(text, text["Analytics.ByDistrict"], districts),
        ExportSheet.Of(text["Analytics.HotTopics"], [
            new ExportColumn<TopicView>(text["Analytics.Topic"], t => t.Word), new(text["Analytics.Column.District"], t => t.District),
            new(text["Analytics.Column.Category"], t => t.Category), new(text["Analytics.Sheet.Tickets"], t => t.Tickets),
            new("TF-IDF", t => t.Score), new(text["Analytics.Sheet.Burst"], t => t.Burst ? text["Analytics.Yes"].Value : text["Analytics.No"].Value)], topics),
        // 在线办结: the period's total first, then the articles that solved most (empty under a filter: they have no department or district).
        ExportSheet.Of(text["Analytics.OnlineResolutions"], [
            new ExportColumn<OnlineResolutionArticle>(text["Analytics.OnlineResolutionsArticle"], a => a.Title), new(text["Analytics.OnlineResolutions"], a => a.Count)],
            online is null ? [] : [new OnlineResolutionArticle(0, text["Analytics.OnlineResolutionsTotal"], online.Count), .. online.Articles]),
    ];

    /// <summary>The department portrait's tables (部门画像), in the order of <see cref="DepartmentPortraitTables"/>.</summary>
    public static readonly IReadOnlyList<string> DepartmentPortraitTables = ["rates", "returns"];

    public static IReadOnlyList<ExportSheet> DepartmentPortraitSheets(IStringLocalizer text, DepartmentPortrait p) =>
    [
        ExportSheet.Of(text["Analytics.VsCentre"], [
            new ExportColumn<PortraitRow>(text["Analytics.Sheet.Figure"], r => text[$"Analytics.Figure.{r.Key}"].Value),
            new(p.DepartmentName, r => r.Department), new(text["Analytics.CentreAverage"], r => r.Centre)], p.Rates),
        ExportSheet.Of(text["Analytics.ReturnReasons"], [
            new ExportColumn<ReturnReasonRow>(text["Analytics.Column.ReturnReason"], r => r.Reason is { } reason ? text[$"ReturnReason.{reason}"].Value : "—"),
            new(text["Analytics.Sheet.Tickets"], r => r.Count)], p.Returns),
    ];

    /// <summary>The enterprise portrait's tables (企业画像), in the order of <see cref="EnterprisePortraitTables"/>.</summary>
    public static readonly IReadOnlyList<string> EnterprisePortraitTables = ["categories", "departments", "timeline", "pushes"];

    public static IReadOnlyList<ExportSheet> EnterprisePortraitSheets(IStringLocalizer text, EnterprisePortrait p) =>
    [
        Counts(text, text["Analytics.ByCategory"], p.Categories),
        Counts(text, text["Analytics.ByDepartment"], p.Departments),
        ExportSheet.Of(text["Analytics.Timeline"], [
            new ExportColumn<EnterpriseTicket>(text["Analytics.Column.RegisteredAt"], t => t.RegisteredAt), new(text["Console.Number"], t => t.Number),
            new(text["Console.TicketTitle"], t => t.Title), new(text["Analytics.Column.Category"], t => t.CategoryName),
            new(text["Analytics.Column.Department"], t => t.DepartmentName), new(text["Console.Status"], t => text[$"Status.{t.Status}"].Value),
            new(text["Analytics.Figure.Overdue"], t => t.Overdue ? text["Analytics.Yes"].Value : text["Analytics.No"].Value),
            new(text["Analytics.Column.Level"], t => t.Level)], p.Timeline),
        ExportSheet.Of(text["Enterprises.Pushes"], [
            new ExportColumn<EnterprisePush>(text["Analytics.Column.PushedAt"], d => d.QueuedAt), new(text["Analytics.Column.Policy"], d => d.PolicyTitle),
            new(text["Analytics.Column.Delivery"], d => d.Status), new(text["Analytics.Column.Clicks"], d => d.Clicks)], p.Pushes),
    ];

    /// <summary>
    /// The tables a download holds: the one named by <c>table=</c>, or (a workbook only) all of them, a sheet each. CSV
    /// holds one table, so it needs the name; an unknown name is a 400.
    /// </summary>
    public static ExportSheet[] Pick(IReadOnlyList<string> names, IReadOnlyList<ExportSheet> sheets, string? table, ExportFormat format)
    {
        if (string.IsNullOrEmpty(table) && format == ExportFormat.Xlsx)
            return [.. sheets];
        var index = names.ToList().IndexOf(table ?? "");
        if (index < 0)
            throw new RequestValidationException([new("table", "InvalidValue")]);
        return [sheets[index]];
    }

    private static ExportSheet Counts(IStringLocalizer text, string title, IReadOnlyList<CountRow> rows) =>
        ExportSheet.Of(title, [new ExportColumn<CountRow>(title, r => r.Name), new(text["Analytics.Sheet.Tickets"], r => r.Tickets)], rows);

    private static ExportSheet Breakdown(IStringLocalizer text, string title, IReadOnlyList<BreakdownRow> rows) =>
        ExportSheet.Of(title, [
            new ExportColumn<BreakdownRow>(title, r => r.Name), new(text["Analytics.Figure.Volume"], r => r.Volume),
            new(text["Analytics.Figure.ResponseRate"], r => r.ResponseRate), new(text["Analytics.Figure.ResolutionRate"], r => r.ResolutionRate),
            new(text["Analytics.Figure.SatisfactionRate"], r => r.SatisfactionRate)], rows);

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
