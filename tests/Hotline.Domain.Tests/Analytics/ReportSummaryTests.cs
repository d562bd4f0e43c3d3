using Hotline.Domain.Analytics;

namespace Hotline.Domain.Tests.Analytics;

public class ReportSummaryTests
{
    private static SummaryInput Input() => new(
        Period.Of(PeriodKind.Month, new DateOnly(2026, 11, 1)),
        1235, 0.123, -0.045, 0.982, 0.851, 0.937, 92.4, 1.2,
        [("住建局", 96.5), ("市场监管局", 93.1), ("城管局", 90.2), ("交通局", 71.0)],
        [("停水", 56, true), ("噪音", 40, false)],
        7, [("住建局", 4), ("城管局", 3)],
        210, [("企业开办", 35, 0.8, 6)]);

    [Fact]
    public void The_summary_says_the_figures_in_chinese_sentences()
    {
        var sentences = ReportSummary.Sentences(Input());
        Assert.Equal("本期（2026年11月1日至2026年11月30日）共受理群众和企业诉求1,235件，环比增长12.3%，同比下降4.5%。", sentences[0]);
        Assert.Equal("响应率98.2%，解决率85.1%，满意率93.7%，综合得分92.4分，较上期提高1.2分。", sentences[1]);
        Assert.Equal("综合得分排名前列的单位是住建局（96.5分）、市场监管局（93.1分）、城管局（90.2分）；排名末位的是交通局（71.0分），需重点督促。", sentences[2]);
        Assert.Equal("热点诉求主要集中在“停水”（56件，近期突增）、“噪音”（40件）。", sentences[3]);
        Assert.Equal("目前超期未办结工单7件，主要在住建局（4件）、城管局（3件）。", sentences[4]);
        Assert.Equal("企业诉求210件，堵点集中在“企业开办”（35件，满意率80.0%，未解决6件）。", sentences[5]);
    }

    [Fact]
    public void Missing_figures_are_said_plainly()
    {
        var sentences = ReportSummary.Sentences(Input() with
        {
            VolumeChangeLastYear = null, SatisfactionRate = null, CompositeChangePrevious = 0, Ranking = [], Topics = [], OverdueOpen = 0, EnterpriseTickets = 0,
        });
        Assert.Contains("同比无可比数据", sentences[0]);
        Assert.Contains("满意率暂无数据", sentences[1]);
        Assert.EndsWith("与上期持平。", sentences[1]);
        Assert.Equal("目前没有超期未办结的工单。", sentences[^1]);
    }
}
