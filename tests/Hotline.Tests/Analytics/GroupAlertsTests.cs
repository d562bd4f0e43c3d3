using Hotline.Domain.Analytics;
using Hotline.Server.Analytics;
using Hotline.Server.Data;
using Hotline.Server.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Analytics;

/// <summary>
/// 可能的群体性诉求 read less (the supervision and leader desks at 1M tickets): the mentions from one covering index, and the
/// tickets of the alerts a panel shows only. The alerts are those computed from every mention of the window, as before.
/// </summary>
public class GroupAlertsTests
{
    private static JsonObject Call(string title, string description, string district, int i) =>
        Api.Citizen(title: title, phone: $"1390000{i:D4}").Also(b =>
        {
            b["description"] = description;
            b["districtCode"] = district;
        });

    /// <summary>The alerts as they were computed: every mention of the window read, then <see cref="HotTopicRules.Alerts"/>.</summary>
    private static async Task<IReadOnlyList<GroupAlert>> OldAlertsAsync(HotlineDbContext db, ChineseText text, DateTimeOffset now)
    {
        var since = now.AddHours(-HotTopicQueries.Rules.AlertHours * 2);
        var mentions = await db.Set<TicketWord>().AsNoTracking().Where(w => w.RegisteredAt >= since && w.DistrictCode != "")
            .Select(w => new WordMention(w.TicketId, w.Word, w.DistrictCode, w.RegisteredAt)).ToListAsync();
        return HotTopicRules.Alerts(mentions.Where(m => !text.IsTopicStopWord(m.Word)), HotTopicQueries.Rules);
    }

    [Fact]
    public Task The_alerts_are_those_of_every_mention_of_the_window_and_a_panel_reads_the_tickets_it_shows_only() =>
        HotlineFactory.RunAsync(async f =>
        {
            var agent = await f.AgentAsync();
            var i = 0;
            async Task CallsAsync(int count, TimeSpan apart, string title, string description, string district)
            {
                for (var n = 0; n < count; n++)
                {
                    await Api.RegisterAsync(agent, Call(title, description, district, i++));
                    f.Clock.Advance(apart);
                }
            }

            // Yesterday's burst is outside the window; a matter spread over a day in one district is no alert, though it
            // has enough tickets for the count in SQL; a few calls are below the threshold; the same words in another
            // district are read with the candidates' words but are not theirs.
            await CallsAsync(6, TimeSpan.FromMinutes(20), "燃气管道漏气", "楼道里有很大的燃气味，怀疑燃气管道漏气。", "jintan");
            f.Clock.Advance(TimeSpan.FromHours(14));
            await CallsAsync(6, TimeSpan.FromHours(2), "路灯不亮", "小区门前的路灯已经一周不亮，晚上出行不便。", "zhonglou");
            await CallsAsync(3, TimeSpan.FromMinutes(10), "小区突然停水", "家里从早上开始停水，自来水公司电话打不通。", "xinbei");
            // Two bursts: a water cut (停水 and 自来水 on the same calls: one alert) and building noise, with a late call.
            await CallsAsync(7, TimeSpan.FromMinutes(25), "小区突然停水", "家里从早上开始停水，自来水公司电话打不通，要求尽快恢复供水。", "tianning");
            await CallsAsync(6, TimeSpan.FromMinutes(40), "工地夜间施工噪音", "工地每天夜里施工到凌晨，噪音严重影响休息。", "wujin");
            await CallsAsync(2, TimeSpan.FromMinutes(15), "工地夜间施工噪音", "工地夜里施工，噪音扰民。", "wujin");
            await f.Services.GetRequiredService<AnalyticsProjector>().CatchUpAsync(CancellationToken.None);

            await using var scope = f.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            var queries = scope.ServiceProvider.GetRequiredService<HotTopicQueries>();
            var old = await OldAlertsAsync(db, scope.ServiceProvider.GetRequiredService<ChineseText>(), f.Clock.GetUtcNow());
            var numbers = await db.Tickets.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Number);

            var all = await queries.AlertsAsync(CancellationToken.None);
            Assert.Equal(old.Select(a => (a.Word, a.DistrictCode, a.From, a.To, a.TicketIds.Count, string.Join(",", a.TicketIds.Select(id => numbers[id])))),
                all.Select(a => (a.Word, a.DistrictCode, a.From, a.To, a.TicketCount, string.Join(",", a.Tickets.Select(t => t.Number)))));
            Assert.Contains(all, a => a.DistrictCode == "tianning" && a.TicketCount == 7);
            Assert.Contains(all, a => a.DistrictCode == "wujin");
            Assert.DoesNotContain(all, a => a.DistrictCode is "jintan" or "zhonglou" or "xinbei");

            // A panel's view: every alert and its count, the tickets of the first alerts only, their first ones.
            var shown = await queries.AlertsAsync(CancellationToken.None, (1, 3));
            Assert.Equal(all.Select(a => (a.Word, a.DistrictCode, a.TicketCount)), shown.Select(a => (a.Word, a.DistrictCode, a.TicketCount)));
            Assert.Equal(all[0].Tickets.Take(3), shown[0].Tickets);
            Assert.All(shown.Skip(1), a => Assert.Empty(a.Tickets));
        });

    [Fact]
    public Task One_computation_serves_every_viewer_until_a_new_call_is_recorded_or_it_is_a_minute_old() =>
        HotlineFactory.RunAsync(async f =>
        {
            var agent = await f.AgentAsync();
            var projector = f.Services.GetRequiredService<AnalyticsProjector>();
            var cache = f.Services.GetRequiredService<GroupAlertCache>();
            for (var i = 0; i < 6; i++)
            {
                await Api.RegisterAsync(agent, Call("小区突然停水", "家里从早上开始停水，自来水公司电话打不通。", "tianning", i));
                f.Clock.Advance(TimeSpan.FromMinutes(10));
            }
            await projector.CatchUpAsync(CancellationToken.None);

            async Task<IReadOnlyList<GroupAlert>> ViewAsync()
            {
                await using var scope = f.Services.CreateAsyncScope();
                return await cache.AlertsAsync(scope.ServiceProvider.GetRequiredService<HotlineDbContext>(), CancellationToken.None);
            }
            async Task AsComputedFromEveryMentionAsync(IReadOnlyList<GroupAlert> alerts)
            {
                await using var scope = f.Services.CreateAsyncScope();
                var old = await OldAlertsAsync(scope.ServiceProvider.GetRequiredService<HotlineDbContext>(), scope.ServiceProvider.GetRequiredService<ChineseText>(), f.Clock.GetUtcNow());
                Assert.Equal(old.Select(a => (a.Word, a.DistrictCode, a.From, a.To, string.Join(",", a.TicketIds))),
                    alerts.Select(a => (a.Word, a.DistrictCode, a.From, a.To, string.Join(",", a.TicketIds))));
            }

            // Two viewers (two desks, or a desk and the API) get the one computation.
            var first = await ViewAsync();
            Assert.Equal(6, Assert.Single(first).TicketIds.Count);
            Assert.Same(first, await ViewAsync());
            await AsComputedFromEveryMentionAsync(first);

            // A new call counts as soon as its words are recorded (the projector reads its registration).
            await Api.RegisterAsync(agent, Call("小区突然停水", "家里从早上开始停水，自来水公司电话打不通。", "tianning", 6));
            await projector.CatchUpAsync(CancellationToken.None);
            var second = await ViewAsync();
            Assert.Equal(7, Assert.Single(second).TicketIds.Count);
            await AsComputedFromEveryMentionAsync(second);

            // The window moves on: at most a minute old, then computed again; hours later the burst is gone.
            f.Clock.Advance(GroupAlertCache.Freshness - TimeSpan.FromSeconds(1));
            Assert.Same(second, await ViewAsync());
            f.Clock.Advance(TimeSpan.FromSeconds(1));
            var third = await ViewAsync();
            Assert.NotSame(second, third);
            await AsComputedFromEveryMentionAsync(third);
            f.Clock.Advance(TimeSpan.FromHours(HotTopicQueries.Rules.AlertHours * 2 + 1));
            Assert.Empty(await ViewAsync());
        });
}
