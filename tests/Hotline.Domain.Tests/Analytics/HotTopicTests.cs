using Hotline.Domain.Analytics;

namespace Hotline.Domain.Tests.Analytics;

public class HotTopicTests
{
    private static readonly TopicRules Rules = TopicRules.Default;
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData(5, 0.0, true)]    // a silent word reaching the minimum
    [InlineData(4, 0.0, false)]   // below the minimum
    [InlineData(9, 3.0, true)]    // three times its mean
    [InlineData(8, 3.0, false)]   // not quite
    public void A_topic_bursts_at_three_times_its_trailing_mean_and_five_tickets(long latest, double mean, bool burst) =>
        Assert.Equal(burst, HotTopicRules.IsBurst(latest, mean, Rules));

    [Theory]
    [InlineData(6, 10, "tianning")] // 6 of 10 tickets from one district: 停水 · 天宁区
    [InlineData(5, 10, "tianning")] // exactly half
    [InlineData(4, 10, null)]       // spread over the city: no place named
    public void A_topic_is_named_with_the_district_holding_at_least_half_of_its_tickets(long inTianning, long topicTickets, string? expected) =>
        Assert.Equal(expected, HotTopicRules.Dominant([("tianning", inTianning), ("wujin", 3), ("", topicTickets)], topicTickets, Rules));

    [Fact]
    public void Topics_rank_bursts_first_then_by_tf_idf()
    {
        var ranked = HotTopicRules.Rank(
            [("停水", 12), ("小区", 40), ("噪音", 20)],
            w => w == "小区" ? 0.5 : 3.0,
            new Dictionary<string, long> { ["停水"] = 10, ["小区"] = 12, ["噪音"] = 5 },
            new Dictionary<string, long> { ["停水"] = 4, ["小区"] = 40, ["噪音"] = 20 },
            Rules);
        Assert.Equal(["停水", "噪音", "小区"], ranked.Select(t => t.Word));
        Assert.True(ranked[0].Burst);
        Assert.Equal(1.0, ranked[0].TrailingMean);
        Assert.Equal(20.0, ranked[2].Score); // 40 × 0.5
    }

    [Fact]
    public void Five_tickets_about_the_same_matter_in_one_district_within_hours_raise_one_alert()
    {
        var mentions = Enumerable.Range(1, 5).SelectMany(i => new[]
        {
            new WordMention(i, "停水", "tianning", Noon.AddMinutes(40 * i)),
            new WordMention(i, "小区", "tianning", Noon.AddMinutes(40 * i)),
        }).Append(new WordMention(9, "停水", "wujin", Noon)).ToList();
        var alert = Assert.Single(HotTopicRules.Alerts(mentions, Rules));
        Assert.Equal(("停水", "tianning"), (alert.Word, alert.DistrictCode)); // same tickets: one alert, named by the first word in order
        Assert.Equal([1L, 2, 3, 4, 5], alert.TicketIds);
    }

    [Fact]
    public void Tickets_spread_over_more_than_the_window_raise_no_alert()
    {
        var mentions = Enumerable.Range(1, 5).Select(i => new WordMention(i, "燃气", "tianning", Noon.AddHours(2 * i))).ToList();
        Assert.Empty(HotTopicRules.Alerts(mentions, Rules));
        Assert.Single(HotTopicRules.Alerts(mentions, Rules with { AlertHours = 8 }));
    }
}
