using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hotline.Domain.Access;
using Hotline.Domain.Analytics;
using Hotline.Server.Analytics;
using Hotline.Server.Enterprises;
using Hotline.Server.Knowledge;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;

namespace Hotline.Tests.Analytics;

/// <summary>
/// 在线办结 counted in analytics (the dashboard, its API and export, the analysis report), and the policies pushed to an
/// enterprise shown in its portrait (企业画像).
/// </summary>
public class OnlineResolutionsAndPushesTests
{
    private const string November = "period=month&date=2026-11-23";
    private const string December = "period=month&date=2026-12-02";

    private static async Task<long> PublishedArticleAsync(HttpClient editor, string title, string question)
    {
        using var created = await Api.PostAsync(editor, "/api/knowledge/articles", new JsonObject
        {
            ["title"] = title, ["answer"] = "携带身份证和相关材料到政务服务中心窗口办理。", ["questions"] = new JsonArray(question),
            ["categoryCodes"] = new JsonArray("biz-startup"), ["departmentCodes"] = new JsonArray("scjg"),
        });
        var id = (await Api.ExpectAsync(created, HttpStatusCode.Created)).GetProperty("id").GetInt64();
        foreach (var (action, version) in new[] { ("submit", 1), ("publish", 2) })
        {
            using var acted = await Api.PostAsync(editor, $"/api/knowledge/articles/{id}/actions/{action}", new JsonObject { ["expectedVersion"] = version });
            await Api.ExpectAsync(acted, HttpStatusCode.OK);
        }
        return id;
    }

    /// <summary>What the public page does when the asker presses "这解决了我的问题".</summary>
    private static Task<bool> SolvedAsync(HotlineFactory f, long article, string question) =>
        f.Services.GetRequiredService<KnowledgePublic>().ResolvedAsync(article, question, CancellationToken.None);

    [Fact]
    public Task Questions_solved_online_are_counted_per_period_with_their_articles_beside_the_ticket_figures() =>
        HotlineFactory.RunAsync(async f =>
        {
            var editor = await f.ClientAsync(Roles.KnowledgeEditor);
            var licence = await PublishedArticleAsync(editor, "营业执照怎么办理", "开公司怎么办执照");
            var seal = await PublishedArticleAsync(editor, "企业印章刻制怎么办理", "公司刻章去哪里");

            // November: two questions solved by the licence article.
            Assert.True(await SolvedAsync(f, licence, "开公司要什么材料"));
            Assert.True(await SolvedAsync(f, licence, "执照多久能拿到"));
            // An article not (or no longer) public solves nothing and is not counted.
            using (var withdrawn = await Api.PostAsync(editor, $"/api/knowledge/articles/{seal}/actions/withdraw", new JsonObject { ["expectedVersion"] = 3 }))
                await Api.ExpectAsync(withdrawn, HttpStatusCode.OK);
            Assert.False(await SolvedAsync(f, seal, "刻章"));

            // December: one more for the licence.
            f.Clock.Advance(TimeSpan.FromDays(9));
            Assert.True(await SolvedAsync(f, licence, "个体户执照"));

            var leader = await f.ClientAsync(Roles.Leader);
            var november = await Api.GetAsync(leader, $"/api/analytics/online-resolutions?{November}");
            Assert.Equal((2, 0), (november.GetProperty("count").GetInt64(), november.GetProperty("previous").GetInt64()));
            // Nothing to compare with: no change (the API leaves out what is null).
            Assert.False(november.TryGetProperty("changeFromPrevious", out var change) && change.ValueKind != JsonValueKind.Null);
            var top = Assert.Single(november.GetProperty("articles").EnumerateArray());
            Assert.Equal((licence, "营业执照怎么办理", 2L), (top.GetProperty("articleId").GetInt64(), top.Str("title"), top.GetProperty("count").GetInt64()));

            var december = await Api.GetAsync(leader, $"/api/analytics/online-resolutions?{December}");
            Assert.Equal((1, 2), (december.GetProperty("count").GetInt64(), december.GetProperty("previous").GetInt64()));
            Assert.Equal(-0.5, december.GetProperty("changeFromPrevious").GetDouble());

            // They have no department or district: under such a filter there is no figure, and a department's dashboard has none.
            await Api.ExpectAsync(await leader.GetAsync($"/api/analytics/online-resolutions?{November}&department=scjg"), HttpStatusCode.NotFound);
            await Api.ExpectAsync(await leader.GetAsync($"/api/analytics/online-resolutions?{November}&district=tianning"), HttpStatusCode.NotFound);
            await Api.ExpectAsync(await (await f.HandlerAsync("scjg")).GetAsync($"/api/analytics/online-resolutions?{November}"), HttpStatusCode.NotFound);
            var console = f.Services.GetRequiredService<AnalyticsConsole>();
            var centre = await console.DashboardAsync(new(Period: "month", Date: "2026-11-23"), new Actor("leader", "领导", Roles.Leader, null), CancellationToken.None);
            Assert.Equal(2, centre!.Online!.Count);
            var handler = await console.DashboardAsync(new(Period: "month", Date: "2026-11-23"), new Actor("h", "承办", Roles.DepartmentHandler, "scjg"), CancellationToken.None);
            Assert.Null(handler!.Online);

            // The dashboard's workbook has them as a sheet: the total first, then the articles.
            var zh = await f.ClientAsync(Roles.Leader, acceptLanguage: "zh-CN");
            using var book = new MemoryStream(await (await zh.GetAsync($"/api/analytics/export?{November}&format=xlsx")).Content.ReadAsByteArrayAsync());
            Assert.Contains("在线办结", book.GetSheetNames());
            book.Position = 0;
            var rows = book.Query(useHeaderRow: true, sheetName: "在线办结").Cast<IDictionary<string, object?>>().ToList();
            Assert.Equal([("合计", 2d), ("营业执照怎么办理", 2d)], rows.Select(r => ((string)r["知识"]!, Convert.ToDouble(r["在线办结"], System.Globalization.CultureInfo.InvariantCulture))));

            // And the month's analysis report says so, in its summary and its own sheet.
            var (report, _) = await f.Services.GetRequiredService<ReportBuilder>().BuildAsync(Period.Of(PeriodKind.Month, new DateOnly(2026, 11, 1)), "leader", CancellationToken.None);
            using var content = JsonDocument.Parse(report.ContentJson);
            Assert.Equal(2, content.RootElement.GetProperty("online").GetProperty("count").GetInt64());
            Assert.Contains(content.RootElement.GetProperty("summary").EnumerateArray(), s => s.GetString()!.Contains("另有2个问题在线上由知识库直接解答（在线办结）", StringComparison.Ordinal));
            using var workbook = new MemoryStream(report.Workbook);
            Assert.Contains("在线办结", workbook.GetSheetNames());
        });

    [Fact]
    public Task The_policies_pushed_to_an_enterprise_appear_in_its_portrait_without_its_address() =>
        HotlineFactory.RunAsync(async f =>
        {
            f.Settings["Enterprises:PushPollSeconds"] = "0"; // the test runs the batches
            var agent = await f.AgentAsync();
            var number = (await Api.RegisterAsync(agent, Api.Enterprise())).Number();
            await f.Services.GetRequiredService<AnalyticsProjector>().CatchUpAsync(CancellationToken.None);
            var leader = await f.ClientAsync(Roles.Leader, acceptLanguage: "zh-CN");
            var before = await Api.GetAsync(leader, $"/api/analytics/enterprises/{Api.ValidCreditCode}");
            Assert.Empty(before.GetProperty("pushes").EnumerateArray());

            // The enterprise in the library as a small manufacturer that takes policy emails, and a policy for such firms.
            var editor = await f.ClientAsync(Roles.KnowledgeEditor);
            using (var form = new MultipartFormDataContent())
            {
                var file = new ByteArrayContent(Encoding.UTF8.GetBytes($"""
                    统一社会信用代码,企业名称,行业门类,所在区,企业规模,登记注册类型,标签,联系人,电话,邮箱,订阅
                    {Api.ValidCreditCode},常州市恒远精密机械有限公司,C,新北区,小型,有限责任公司,,李经理,0519-86001234,service@hengyuan.example.com,是
                    """));
                file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                form.Add(file, "file", "enterprises.csv");
                using var imported = await editor.PostAsync("/api/enterprises/import", form);
                await Api.ExpectAsync(imported, HttpStatusCode.OK);
            }
            using var created = await Api.PostAsync(editor, "/api/policies", new JsonObject
            {
                ["title"] = "制造业中小企业技术改造补贴", ["summary"] = "对制造业中小企业的技术改造项目给予补贴。", ["fullTextUrl"] = "https://www.changzhou.gov.cn/policy/1",
                ["departmentCode"] = "gxj", ["industries"] = new JsonArray("C"), ["sizes"] = new JsonArray("Small", "Medium"),
            });
            var policy = (await Api.ExpectAsync(created, HttpStatusCode.Created)).GetProperty("id").GetInt64();
            using (var started = await Api.PostAsync(editor, $"/api/policies/{policy}/pushes", new JsonObject()))
                await Api.ExpectAsync(started, HttpStatusCode.Accepted);
            var pushes = f.Services.GetRequiredService<PolicyPushes>();
            while (await pushes.RunBatchAsync(CancellationToken.None) >= 0)
            {
            }

            var portrait = await Api.GetAsync(leader, $"/api/analytics/enterprises/{Api.ValidCreditCode}");
            var pushed = Assert.Single(portrait.GetProperty("pushes").EnumerateArray());
            Assert.Equal((policy, "制造业中小企业技术改造补贴", "Pending", 0), (pushed.GetProperty("policyId").GetInt64(), pushed.Str("policyTitle"), pushed.Str("status"), pushed.GetProperty("clicks").GetInt32()));
            Assert.DoesNotContain("hengyuan.example.com", portrait.GetRawText(), StringComparison.Ordinal);
            Assert.Equal([number], portrait.GetProperty("timeline").EnumerateArray().Select(t => t.Str("number")));

            using var book = new MemoryStream(await (await leader.GetAsync($"/api/analytics/enterprises/{Api.ValidCreditCode}/export?format=xlsx&table=pushes")).Content.ReadAsByteArrayAsync());
            Assert.Equal(["政策推送记录"], book.GetSheetNames());
            book.Position = 0;
            var row = Assert.Single(book.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>());
            Assert.Equal("制造业中小企业技术改造补贴", row["政策"]);
        });
}
