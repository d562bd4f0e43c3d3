using Hotline.Domain.Access;
using Hotline.Server.Analytics;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Analytics;

/// <summary>Hot topics and group alerts from real registrations, and the enterprise portrait with its 重点关注 flag.</summary>
public class TopicsAndEnterprisesTests
{
    private const string Month = "period=month&date=2026-11-23";

    private static Task<int> CatchUpAsync(HotlineFactory f) => f.Services.GetRequiredService<AnalyticsProjector>().CatchUpAsync(CancellationToken.None);

    [Fact]
    public Task Five_calls_about_a_water_cut_in_one_district_within_hours_raise_an_alert_and_a_hot_topic_in_that_district_with_exactly_those_tickets() =>
        HotlineFactory.RunAsync(async f =>
        {
            var agent = await f.AgentAsync();
            var numbers = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                numbers.Add((await Api.RegisterAsync(agent, Api.Citizen(title: "小区突然停水", phone: $"1390000100{i}").Also(b => b["description"] = "家里从早上开始停水，要求尽快恢复供水。"))).Number());
                f.Clock.Advance(TimeSpan.FromMinutes(30));
            }
            await Api.RegisterAsync(agent, Api.Citizen(title: "道路积水", phone: "13900002000").Also(b => b["description"] = "下雨后路面积水严重，行人无法通过。"));
            await CatchUpAsync(f);

            var alerts = await Api.GetAsync(await f.SupervisorAsync(), "/api/analytics/alerts");
            var alert = Assert.Single(alerts.EnumerateArray());
            Assert.Equal("tianning", alert.Str("districtCode"));
            Assert.Equal(numbers.Order(), alert.GetProperty("tickets").EnumerateArray().Select(t => t.Str("number")).Order());
            await Api.ExpectAsync(await (await f.HandlerAsync("scjg")).GetAsync("/api/analytics/alerts"), HttpStatusCode.Forbidden);

            var leader = await f.ClientAsync(Roles.Leader);
            var topics = (await Api.GetAsync(leader, $"/api/analytics/topics?{Month}")).EnumerateArray().ToList();
            var water = topics.Single(t => t.Str("word") == "停水");
            Assert.Equal(5, water.GetProperty("tickets").GetInt64());
            Assert.True(water.GetProperty("burst").GetBoolean());
            Assert.Equal("天宁区", water.Str("district")); // 热点 = word + district + category
            Assert.NotNull(water.Str("category"));
            var list = await Api.GetAsync(leader, $"/api/analytics/tickets?{Month}&word=停水&counter={water.Str("listCounter")}");
            Assert.Equal(5, list.GetProperty("total").GetInt64());
            Assert.Equal(numbers.Order(), list.GetProperty("items").EnumerateArray().Select(t => t.Str("number")).Order());
        });

    [Fact]
    public Task An_enterprise_with_a_repeated_unresolved_matter_is_watched_and_its_portrait_lists_its_tickets() =>
        HotlineFactory.RunAsync(async f =>
        {
            var agent = await f.AgentAsync();
            var first = (await Api.RegisterAsync(agent, Api.Enterprise(title: "企业开办超过承诺时限"))).Number();
            await Api.ActAsync(await f.DispatcherAsync(), first, "dispatch", Api.Dispatch("scjg"));
            await Api.ActAsync(await f.HandlerAsync("scjg"), first, "sign-for");
            await Api.ActAsync(await f.HandlerAsync("scjg"), first, "reply", Api.Reply("Explained") .Also(r => r["legalBasis"] = "《公司登记管理条例》"));
            await Api.ExpectAsync(await Api.PostAsync(agent, $"/api/tickets/{first}/rating", new JsonObject { ["level"] = "Dissatisfied", ["resolved"] = false }), HttpStatusCode.Created);
            var second = (await Api.RegisterAsync(agent, Api.Enterprise(title: "营业执照仍未办下来"))).Number();
            await CatchUpAsync(f);

            var watch = (await Api.GetAsync(await f.DispatcherAsync(), $"/api/analytics/enterprises/{Api.ValidCreditCode}/watch")).EnumerateArray().ToList();
            Assert.Equal(["RepeatedMatter", "Unresolved"], watch.Select(w => w.Str("code")));
            Assert.Equal(new[] { first, second }.Order(), watch[0].GetProperty("numbers").Strings().Order());

            var portrait = await Api.GetAsync(await f.ClientAsync(Roles.Leader), $"/api/analytics/enterprises/{Api.ValidCreditCode}");
            Assert.Equal("常州市恒远精密机械有限公司", portrait.Str("name"));
            Assert.Equal(2, portrait.GetProperty("tickets").GetInt64());
            Assert.Equal(0.0, portrait.GetProperty("satisfactionRate").GetDouble());
            Assert.Equal(new[] { second, first }, portrait.GetProperty("timeline").EnumerateArray().Select(t => t.Str("number")));

            // Each of the portrait's tables exports: all as one workbook, or one as .xlsx or CSV.
            var leader = await f.ClientAsync(Roles.Leader, acceptLanguage: "zh-CN");
            var xlsx = await leader.GetAsync($"/api/analytics/enterprises/{Api.ValidCreditCode}/export?format=xlsx");
            Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
            using (var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()))
            {
                Assert.Equal(["按分类", "按承办单位", "诉求时间线", "政策推送记录"], MiniExcelLibs.MiniExcel.GetSheetNames(book));
                book.Position = 0;
                var timeline = MiniExcelLibs.MiniExcel.Query(book, useHeaderRow: true, sheetName: "诉求时间线").Cast<IDictionary<string, object?>>().ToList();
                Assert.Equal(new[] { second, first }, timeline.Select(r => (string)r["工单编号"]!));
                Assert.Equal("营业执照仍未办下来", timeline[0]["标题"]);
                Assert.Equal("常州市市场监督管理局", timeline[1]["单位"]);
                Assert.Equal("不满意", timeline[1]["评价"]);
            }
            var departments = await (await leader.GetAsync($"/api/analytics/enterprises/{Api.ValidCreditCode}/export?format=csv&table=departments")).Content.ReadAsStringAsync();
            Assert.Contains("常州市市场监督管理局,1", departments, StringComparison.Ordinal);
            var one = await leader.GetAsync($"/api/analytics/enterprises/{Api.ValidCreditCode}/export?format=xlsx&table=timeline");
            using (var book = new MemoryStream(await one.Content.ReadAsByteArrayAsync()))
                Assert.Equal(["诉求时间线"], MiniExcelLibs.MiniExcel.GetSheetNames(book));
            await Api.ExpectAsync(await leader.GetAsync($"/api/analytics/enterprises/{Api.ValidCreditCode}/export?format=csv&table=timelines"), HttpStatusCode.BadRequest);
            await Api.ExpectAsync(await (await f.HandlerAsync("zjj")).GetAsync($"/api/analytics/enterprises/{Api.ValidCreditCode}/export?format=xlsx"), HttpStatusCode.NotFound);

            // 住建局 handled none of its tickets: for its handler the enterprise has no portrait; 市场监管局's sees its one.
            await Api.ExpectAsync(await (await f.HandlerAsync("zjj")).GetAsync($"/api/analytics/enterprises/{Api.ValidCreditCode}"), HttpStatusCode.NotFound);
            var mine = await Api.GetAsync(await f.HandlerAsync("scjg"), $"/api/analytics/enterprises/{Api.ValidCreditCode}");
            Assert.Equal([first], mine.GetProperty("timeline").EnumerateArray().Select(t => t.Str("number")));

            // The consoles find it by the caller's phone or by the ticket.
            var portraits = f.Services.GetRequiredService<EnterprisePortraits>();
            Assert.Equal([Api.ValidCreditCode], await portraits.CreditCodesAsync("0519-86001234", null, CancellationToken.None));
            Assert.Equal([Api.ValidCreditCode], await portraits.CreditCodesAsync(null, second, CancellationToken.None));
        });
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}
