using Hotline.Server.Exports;

namespace Hotline.Server.Analytics;

/// <summary>The sheets of a report's workbook (one per table), headed in Chinese like the report.</summary>
public static class ReportSheets
{
    public static IReadOnlyList<ExportSheet> All(ReportContent c) =>
    [
        ExportSheet.Of<(string Label, string Value)>("概要", [new("项目", r => r.Label), new("内容", r => r.Value)], Overview(c)),
        ExportSheet.Of<FigureView>("指标", [
            new("指标", f => Names.GetValueOrDefault(f.Key, f.Key)), new("本期", f => f.Value), new("分子", f => f.Numerator), new("工单数", f => f.Denominator),
            new("上期", f => f.Previous), new("去年同期", f => f.LastYear), new("环比", f => f.ChangeFromPrevious), new("同比", f => f.ChangeFromLastYear)], c.Figures),
        ExportSheet.Of<RankingRow>("部门排名", [
            new("排名", r => r.Rank), new("单位", r => r.DepartmentName), new("综合得分", r => r.Score), new("承办量", r => r.Volume),
            new("响应率", r => r.ResponseRate), new("解决率", r => r.ResolutionRate), new("满意率", r => r.SatisfactionRate), new("评价数", r => r.Rated),
            new("按时办结率", r => r.OnTimeHandlingRate), new("退单率", r => r.ReturnRate), new("超期", r => r.Overdue)], c.Ranking),
        ExportSheet.Of<(ReportTopic Topic, ReportTicket? Example)>("热点诉求", [
            new("热点", r => r.Topic.Word), new("工单数", r => r.Topic.Tickets), new("突增", r => r.Topic.Burst ? "是" : "否"),
            new("示例工单", r => r.Example?.Number), new("标题", r => r.Example?.Title)],
            c.Topics.SelectMany(t => t.Examples.Count == 0 ? [(t, (ReportTicket?)null)] : t.Examples.Select(e => (t, (ReportTicket?)e)))),
        ExportSheet.Of("超期工单", TicketColumns, c.Overdue),
        ExportSheet.Of("不满意工单", TicketColumns, c.Unsatisfied),
        ExportSheet.Of<BreakdownRow>("企业热点", [
            new("分类", r => r.Name), new("工单数", r => r.Volume), new("解决率", r => r.ResolutionRate), new("满意率", r => r.SatisfactionRate)], c.EnterpriseHotSpots),
        ExportSheet.Of<BlockingPoint>("企业堵点", [
            new("分类", b => b.Category), new("工单数", b => b.Tickets), new("满意率", b => b.SatisfactionRate), new("未解决", b => b.Unresolved),
            new("不满意", b => b.Unsatisfied), new("重复诉求", b => b.Repeat)], c.BlockingPoints),
        ExportSheet.Of<OnlineResolutionArticle>("在线办结", [
            new("知识编号", a => a.ArticleId), new("知识标题", a => a.Title), new("在线办结", a => a.Count)], c.Online?.Articles ?? []),
    ];

    private static readonly IReadOnlyList<ExportColumn<ReportTicket>> TicketColumns =
    [
        new("工单编号", t => t.Number), new("标题", t => t.Title), new("承办单位", t => t.Department), new("分类", t => t.Category),
        new("受理时间", t => t.RegisteredAt), new("评价", t => t.Level),
    ];

    /// <summary>The Chinese names of the figures, as docs/analytics.md and the console use them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>
    {
        ["Volume"] = "受理量", ["ResponseRate"] = "响应率", ["ResolutionRate"] = "解决率", ["SatisfactionRate"] = "满意率", ["CompositeScore"] = "综合得分",
        ["OnTimeSignForRate"] = "按时签收率", ["OnTimeHandlingRate"] = "按时办结率", ["AverageHandlingHours"] = "平均办理时长（工作小时）", ["Rated"] = "评价数",
        ["Unsatisfied"] = "不满意", ["AppealUpheld"] = "申诉成立", ["Replied"] = "已答复", ["Rectified"] = "整改", ["ResolvedAtIntake"] = "一次办结",
        ["ReturnRate"] = "退单率", ["ExtensionRate"] = "延期率", ["ReopenRate"] = "重办率", ["RepeatRate"] = "重复投诉率", ["Open"] = "在办",
        ["Overdue"] = "超期", ["Excluded"] = "不纳入考核", ["CoHandled"] = "协办件", ["Contributed"] = "协办意见",
    };

    private static IEnumerable<(string, string)> Overview(ReportContent c) =>
    [
        ("报告", c.Title),
        ("统计周期", $"{c.Period.From:yyyy-MM-dd} 至 {c.Period.To:yyyy-MM-dd}"),
        ("环比周期", $"{c.Previous.From:yyyy-MM-dd} 至 {c.Previous.To:yyyy-MM-dd}"),
        ("同比周期", $"{c.LastYear.From:yyyy-MM-dd} 至 {c.LastYear.To:yyyy-MM-dd}"),
        .. c.Online is { } o ? [("在线办结", $"{o.Count}（上期 {o.Previous}，去年同期 {o.LastYear}）")] : Array.Empty<(string, string)>(),
        .. c.Summary.Select((s, i) => ($"摘要 {i + 1}", s)),
    ];
}
