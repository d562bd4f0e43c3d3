using System.Globalization;
using System.Text;

namespace Hotline.Domain.Analytics;

/// <summary>What the summary of a report is written from: figures already computed.</summary>
public sealed record SummaryInput(
    Period Period,
    long Volume, double? VolumeChangePrevious, double? VolumeChangeLastYear,
    double? ResponseRate, double? ResolutionRate, double? SatisfactionRate, double? CompositeScore, double? CompositeChangePrevious,
    IReadOnlyList<(string Department, double? Score)> Ranking,
    IReadOnlyList<(string Word, long Tickets, bool Burst)> Topics,
    long OverdueOpen, IReadOnlyList<(string Department, long Count)> OverdueByDepartment,
    long EnterpriseTickets, IReadOnlyList<(string Category, long Tickets, double? Satisfaction, long Unresolved)> BlockingPoints,
    long OnlineResolved = 0, double? OnlineResolvedChangePrevious = null);

/// <summary>
/// 研判摘要: a few Chinese sentences written from the figures by fixed rules (no language model), so every sentence can
/// be traced to a number in the report.
/// </summary>
public static class ReportSummary
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IReadOnlyList<string> Sentences(SummaryInput s)
    {
        var sentences = new List<string>
        {
            $"本期（{Day(s.Period.From)}至{Day(s.Period.To)}）共受理群众和企业诉求{s.Volume.ToString("N0", Invariant)}件，"
            + $"{Trend("环比", s.VolumeChangePrevious)}，{Trend("同比", s.VolumeChangeLastYear)}。",
            $"响应率{Pct(s.ResponseRate)}，解决率{Pct(s.ResolutionRate)}，满意率{Pct(s.SatisfactionRate)}，综合得分{Score(s.CompositeScore)}"
            + (s.CompositeChangePrevious is { } c && c != 0 ? $"，较上期{(c > 0 ? "提高" : "下降")}{Math.Abs(c).ToString("0.0", Invariant)}分。" : "，与上期持平。"),
        };
        if (s.OnlineResolved > 0)
            sentences.Insert(1, $"另有{s.OnlineResolved.ToString("N0", Invariant)}个问题在线上由知识库直接解答（在线办结），{Trend("环比", s.OnlineResolvedChangePrevious)}。");
        var ranked = s.Ranking.Where(r => r.Score is not null).ToList();
        if (ranked.Count >= 2)
        {
            sentences.Add($"综合得分排名前列的单位是{string.Join("、", ranked.Take(3).Select(r => $"{r.Department}（{Score(r.Score)}）"))}；"
                + $"排名末位的是{ranked[^1].Department}（{Score(ranked[^1].Score)}），需重点督促。");
        }
        if (s.Topics.Count > 0)
        {
            var topics = s.Topics.Take(3).Select(t => $"“{t.Word}”（{t.Tickets}件{(t.Burst ? "，近期突增" : "")}）");
            sentences.Add($"热点诉求主要集中在{string.Join("、", topics)}。");
        }
        sentences.Add(s.OverdueOpen == 0
            ? "目前没有超期未办结的工单。"
            : $"目前超期未办结工单{s.OverdueOpen}件{(s.OverdueByDepartment.Count > 0 ? "，主要在" + string.Join("、", s.OverdueByDepartment.Take(3).Select(d => $"{d.Department}（{d.Count}件）")) : "")}。");
        if (s.EnterpriseTickets > 0)
        {
            var points = s.BlockingPoints.Take(3).Select(b => $"“{b.Category}”（{b.Tickets}件，满意率{Pct(b.Satisfaction)}，未解决{b.Unresolved}件）").ToList();
            sentences.Add($"企业诉求{s.EnterpriseTickets}件" + (points.Count > 0 ? $"，堵点集中在{string.Join("、", points)}。" : "。"));
        }
        return sentences;
    }

    public static string Text(SummaryInput s)
    {
        var text = new StringBuilder();
        foreach (var sentence in Sentences(s))
            text.Append(sentence);
        return text.ToString();
    }

    private static string Day(DateOnly d) => d.ToString("yyyy年M月d日", Invariant);

    private static string Pct(double? rate) => rate is { } r ? (r * 100).ToString("0.0", Invariant) + "%" : "暂无数据";

    private static string Score(double? score) => score is { } v ? v.ToString("0.0", Invariant) + "分" : "暂无";

    private static string Trend(string label, double? change) => change switch
    {
        null => $"{label}无可比数据",
        > 0 => $"{label}增长{(change.Value * 100).ToString("0.0", Invariant)}%",
        < 0 => $"{label}下降{(-change.Value * 100).ToString("0.0", Invariant)}%",
        _ => $"{label}持平",
    };
}
