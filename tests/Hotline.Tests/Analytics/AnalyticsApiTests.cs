using System.Text.Json;
using Hotline.Domain.Access;
using Hotline.Tests.Infrastructure;
using MiniExcelLibs;

namespace Hotline.Tests.Analytics;

/// <summary>The figures through /api/analytics: known values, every number equal to its list, isolation, masking, export.</summary>
public class AnalyticsApiTests(AnalyticsWorld world) : IClassFixture<AnalyticsWorld>
{
    private const string November = "period=month&date=2026-11-23";
    private HotlineFactory Factory => world.Factory;

    private static async Task<JsonElement> Figures(HttpClient client, string query = November) => await Api.GetAsync(client, $"/api/analytics/figures?{query}");

    private static JsonElement Figure(JsonElement card, string key) => card.GetProperty("figures").EnumerateArray().Single(f => f.Str("key") == key);

    [Fact]
    public async Task The_centre_figures_of_the_month_have_the_known_values()
    {
        var card = await Figures(await Factory.ClientAsync(Roles.Leader));
        Assert.Equal(6, Figure(card, "Volume").GetProperty("value").GetDouble());
        Assert.Equal(1, Figure(card, "Excluded").GetProperty("value").GetDouble());
        Assert.Equal(1, Figure(card, "ResolvedAtIntake").GetProperty("value").GetDouble());
        // Four ratings count: 满意 ×3 and 基本满意 (0.8): (3 + 0.8) / 4.
        Assert.Equal(4, Figure(card, "SatisfactionRate").GetProperty("denominator").GetInt64());
        Assert.Equal(0.95, Figure(card, "SatisfactionRate").GetProperty("value").GetDouble());
        Assert.Equal(0.75, Figure(card, "ResolutionRate").GetProperty("value").GetDouble());
        Assert.Equal("2026-10", card.GetProperty("previous").Str("key"));
        Assert.Equal("2025-11", card.GetProperty("lastYear").Str("key"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("&department=scjg")]
    [InlineData("&department=zjj")]
    [InlineData("&district=tianning&type=Complaint")]
    public async Task Every_number_equals_the_length_of_the_list_it_links_to(string filter)
    {
        var leader = await Factory.ClientAsync(Roles.Leader);
        var card = await Figures(leader, November + filter);
        foreach (var figure in card.GetProperty("figures").EnumerateArray())
        {
            var page = await Api.GetAsync(leader, $"/api/analytics/tickets?{November}{filter}&counter={figure.Str("listCounter")}&limit=200");
            Assert.Equal(figure.GetProperty("denominator").GetInt64(), page.GetProperty("total").GetInt64());
            Assert.Equal(page.GetProperty("total").GetInt64(), page.GetProperty("items").GetArrayLength());
        }
    }

    /// <summary>The ticket search's filter for "the tickets counted in this figure", as a figure's link writes it.</summary>
    private static string Behind(string query, string counter) =>
        "analytics=" + Uri.EscapeDataString(query.TrimStart('&') + "&counter=" + counter);

    private static async Task<List<string>> SearchAsync(HttpClient client, string filter) =>
        (await Api.GetAsync(client, $"/api/tickets?{filter}&limit=200")).GetProperty("items").EnumerateArray().Select(t => t.Str("number")).ToList();

    [Theory]
    [InlineData("&department=scjg")]
    [InlineData("&department=zjj")]
    [InlineData("&department=scjg&type=Complaint")]
    public async Task The_ticket_search_for_a_departments_figure_finds_as_many_tickets_as_the_figure_counts(string filter)
    {
        var leader = await Factory.ClientAsync(Roles.Leader);
        var card = await Figures(leader, November + filter);
        var measures = 0;
        foreach (var figure in card.GetProperty("figures").EnumerateArray())
        {
            var found = await SearchAsync(leader, Behind(November + filter, figure.Str("listCounter")!));
            Assert.True(figure.GetProperty("denominator").GetInt64() == found.Count, $"{figure.Str("key")}: {figure.GetProperty("denominator")} ≠ {found.Count}");
            Assert.Equal(found.Count, found.Distinct().Count());
            measures++;
        }
        Assert.True(measures >= 10);
    }

    [Theory]
    [InlineData("")]
    [InlineData("&district=tianning&type=Complaint")]
    public async Task The_ticket_search_for_a_centre_figure_finds_exactly_the_tickets_behind_it(string filter)
    {
        // A centre figure of departments' work counts each department's handling: the ticket returned by 市场监管局 and
        // answered by 住建局 counts twice in the response rate's denominator, and is one ticket in the search.
        var leader = await Factory.ClientAsync(Roles.Leader);
        var card = await Figures(leader, November + filter);
        foreach (var figure in card.GetProperty("figures").EnumerateArray())
        {
            var counter = figure.Str("listCounter")!;
            var behind = (await Api.GetAsync(leader, $"/api/analytics/tickets?{November}{filter}&counter={counter}&limit=200")).GetProperty("items")
                .EnumerateArray().Select(t => t.Str("number")).ToList();
            Assert.Equal(figure.GetProperty("denominator").GetInt64(), behind.Count);
            Assert.Equal(behind.Distinct().Order(), (await SearchAsync(leader, Behind(November + filter, counter))).Order());
        }
        if (filter.Length > 0)
            return;
        var response = Figure(card, "ResponseRate");
        Assert.Equal(response.GetProperty("denominator").GetInt64() - 1, (await SearchAsync(leader, Behind(November + filter, response.Str("listCounter")!))).Count);
    }

    [Fact]
    public async Task A_figures_tickets_combine_with_the_other_search_filters_and_export_from_the_search()
    {
        var leader = await Factory.ClientAsync(Roles.Leader, acceptLanguage: "zh-CN");
        var rated = await SearchAsync(leader, Behind(November, "Rated"));
        Assert.Equal(4, rated.Count);
        var satisfied = await SearchAsync(leader, Behind(November, "Rated") + "&rating=satisfied");
        Assert.NotEmpty(satisfied);
        Assert.Subset(rated.ToHashSet(), satisfied.ToHashSet());
        Assert.Empty(await SearchAsync(leader, Behind(November, "Rated") + "&from=2026-12-01"));
        var csv = await (await leader.GetAsync($"/api/tickets/export?format=Csv&{Behind(November, "Rated")}")).Content.ReadAsStringAsync();
        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("工单编号,", lines[0], StringComparison.Ordinal);
        Assert.Equal(rated.Order(), lines.Skip(1).Select(l => l.Split(',')[0]).Order());

        var problem = await Api.ExpectAsync(await leader.GetAsync($"/api/tickets?{Behind(November, "HandlingMinutes")}"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("analytics", out _));
        problem = await Api.ExpectAsync(await leader.GetAsync($"/api/tickets?{Behind("period=fortnight", "Rated")}"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("analytics", out _));
    }

    [Fact]
    public async Task A_department_handler_searching_a_figure_finds_only_their_departments_tickets()
    {
        var handler = await Factory.HandlerAsync("scjg");
        var card = await Figures(handler);
        var mine = await SearchAsync(handler, Behind(November, "Tickets"));
        Assert.Equal(Figure(card, "Volume").GetProperty("denominator").GetInt64(), mine.Count);
        Assert.Empty(await SearchAsync(handler, Behind(November + "&department=zjj", "Tickets")));
        Assert.NotEmpty(await SearchAsync(await Factory.ClientAsync(Roles.Leader), Behind(November + "&department=zjj", "Tickets")));
    }

    [Fact]
    public async Task An_old_drill_down_link_lands_in_the_ticket_search()
    {
        var client = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.GetAsync($"/analytics/tickets?{November}&department=scjg&counter=Rated&figure=SatisfactionRate");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/tickets?analytics=", location, StringComparison.Ordinal);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location[location.IndexOf('?')..]);
        Assert.Equal($"{November}&department=scjg&counter=Rated&figure=SatisfactionRate", query["analytics"].ToString());
    }

    [Fact]
    public async Task The_ranking_puts_the_department_with_the_better_score_first()
    {
        var ranking = (await Api.GetAsync(await Factory.ClientAsync(Roles.Leader), $"/api/analytics/ranking?{November}")).EnumerateArray().ToList();
        Assert.Equal(["zjj", "scjg"], ranking.Select(r => r.Str("departmentCode")));
        // 市场监管局: response 2 of 3 settled (one returned), resolution 1/2, satisfaction 0.9 → 30×⅔ + 35×½ + 35×0.9 = 69.
        Assert.Equal(69.0, ranking[1].GetProperty("score").GetDouble(), 2);
        Assert.Equal(2, ranking[1].GetProperty("rank").GetInt32());
    }

    [Fact]
    public async Task A_department_handler_sees_only_their_department()
    {
        var handler = await Factory.HandlerAsync("scjg");
        var card = await Figures(handler);
        Assert.Equal("scjg", card.Str("department"));
        Assert.Equal(4, Figure(card, "Volume").GetProperty("value").GetDouble()); // satisfied, confidential, returned, open (withdrawn excluded)
        Assert.Equal(1, Figure(card, "CoHandled").GetProperty("value").GetDouble());
        await Api.ExpectAsync(await handler.GetAsync($"/api/analytics/figures?{November}&department=zjj"), HttpStatusCode.NotFound);
        await Api.ExpectAsync(await handler.GetAsync($"/api/analytics/tickets?{November}&department=zjj&counter=Tickets"), HttpStatusCode.NotFound);
        var list = await Api.GetAsync(handler, $"/api/analytics/tickets?{November}&counter=Rated");
        Assert.All(list.GetProperty("items").EnumerateArray(), t => Assert.Equal("scjg", t.Str("departmentCode")));
        var ranking = (await Api.GetAsync(handler, $"/api/analytics/ranking?{November}")).EnumerateArray().ToList();
        Assert.Equal("scjg", Assert.Single(ranking).Str("departmentCode"));
    }

    [Fact]
    public async Task A_confidential_reporter_is_masked_for_leaders_and_shown_to_supervisors()
    {
        var number = world.Numbers["confidential"];
        async Task<string> NameFor(HttpClient client) =>
            (await Api.GetAsync(client, $"/api/analytics/tickets?{November}&counter=Rated&limit=200")).GetProperty("items").EnumerateArray()
                .First(t => t.Str("number") == number).Str("requesterName");
        Assert.Equal("张**", await NameFor(await Factory.ClientAsync(Roles.Leader)));
        Assert.Equal("张三丰", await NameFor(await Factory.SupervisorAsync()));
    }

    [Fact]
    public async Task Exclusions_are_listed_with_their_reason()
    {
        var page = await Api.GetAsync(await Factory.ClientAsync(Roles.Leader), $"/api/analytics/tickets?{November}&department=scjg&counter=ExcludedHandled");
        var row = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(world.Numbers["withdrawn"], row.Str("number"));
        Assert.Equal("Withdrawn", row.Str("exclusion"));
    }

    [Fact]
    public async Task The_tickets_behind_a_figure_export_to_excel_and_csv()
    {
        var leader = await Factory.ClientAsync(Roles.Leader, acceptLanguage: "zh-CN");
        var xlsx = await leader.GetAsync($"/api/analytics/tickets/export?{November}&counter=Rated&format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var rows = book.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(4, rows.Count);
        Assert.Contains(rows, r => Equals(r["工单编号"], world.Numbers["intake"]) && Equals(r["评价"], "满意") && Equals(r["单位"], "12345"));

        var csv = await (await leader.GetAsync($"/api/analytics/tickets/export?{November}&counter=Rated&format=csv")).Content.ReadAsStringAsync();
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Concat([]).ToList();
        Assert.Equal(5, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("工单编号,", lines[0]);
    }

    [Fact]
    public async Task The_department_portrait_shows_its_rates_beside_the_centre_and_its_returns_by_reason()
    {
        var portrait = await Api.GetAsync(await Factory.HandlerAsync("scjg"), $"/api/analytics/portrait?{November}");
        Assert.Equal("scjg", portrait.Str("departmentCode"));
        var returns = Assert.Single(portrait.GetProperty("returns").EnumerateArray());
        Assert.Equal(("NotOurResponsibility", 1), (returns.Str("reason"), returns.GetProperty("count").GetInt64()));
        var satisfaction = portrait.GetProperty("rates").EnumerateArray().Single(r => r.Str("key") == "SatisfactionRate");
        Assert.Equal(0.9, satisfaction.GetProperty("department").GetDouble()); // 满意 + 基本满意
        Assert.Equal(0.9333, satisfaction.GetProperty("centre").GetDouble()); // with 住建局's 满意: (1 + 0.8 + 1) / 3
        await Api.ExpectAsync(await (await Factory.ClientAsync(Roles.Leader)).GetAsync($"/api/analytics/portrait?{November}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_department_portraits_tables_export_as_a_workbook_and_each_as_csv()
    {
        var leader = await Factory.ClientAsync(Roles.Leader, acceptLanguage: "zh-CN");
        var xlsx = await leader.GetAsync($"/api/analytics/portrait/export?{November}&department=scjg&format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        Assert.Equal(["与全市平均对比", "退单原因"], book.GetSheetNames());
        book.Position = 0;
        var rates = book.Query(useHeaderRow: true, sheetName: "与全市平均对比").Cast<IDictionary<string, object?>>().ToList();
        var satisfaction = rates.Single(r => Equals(r["指标"], "满意率"));
        Assert.Equal(0.9, Convert.ToDouble(satisfaction["常州市市场监督管理局"], System.Globalization.CultureInfo.InvariantCulture), 4);
        Assert.Equal(0.9333, Convert.ToDouble(satisfaction["全市平均"], System.Globalization.CultureInfo.InvariantCulture), 4);
        book.Position = 0;
        var returns = book.Query(useHeaderRow: true, sheetName: "退单原因").Cast<IDictionary<string, object?>>().ToList();
        var only = Assert.Single(returns);
        Assert.Equal(("非本单位职责", 1.0), ((string)only["退单原因"]!, Convert.ToDouble(only["工单"], System.Globalization.CultureInfo.InvariantCulture)));

        var csv = await (await leader.GetAsync($"/api/analytics/portrait/export?{November}&department=scjg&format=csv&table=returns")).Content.ReadAsStringAsync();
        Assert.Equal(["退单原因,工单", "非本单位职责,1"], csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        await Api.ExpectAsync(await leader.GetAsync($"/api/analytics/portrait/export?{November}&department=scjg&format=csv"), HttpStatusCode.BadRequest);
        await Api.ExpectAsync(await leader.GetAsync($"/api/analytics/portrait/export?{November}&format=xlsx"), HttpStatusCode.NotFound);
        await Api.ExpectAsync(await (await Factory.HandlerAsync("zjj")).GetAsync($"/api/analytics/portrait/export?{November}&department=scjg&format=xlsx"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_english_reader_gets_department_and_category_names_in_english()
    {
        var leader = await Factory.ClientAsync(Roles.Leader, acceptLanguage: "en");
        var ranking = (await Api.GetAsync(leader, $"/api/analytics/ranking?{November}")).EnumerateArray().ToList();
        Assert.Equal(["Changzhou Housing and Urban-Rural Development Bureau", "Changzhou Administration for Market Regulation"], ranking.Select(r => r.Str("departmentName")));
        var categories = (await Api.GetAsync(leader, $"/api/analytics/breakdown?{November}&by=category")).EnumerateArray().ToList();
        Assert.All(categories, c => Assert.DoesNotContain(c.Str("name"), ch => ch >= 0x4E00 && ch <= 0x9FFF));
    }

    [Fact]
    public async Task The_dashboard_tables_export_as_one_workbook_and_each_as_csv()
    {
        var leader = await Factory.ClientAsync(Roles.Leader, acceptLanguage: "zh-CN");
        var xlsx = await leader.GetAsync($"/api/analytics/export?{November}&format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        Assert.Equal(["指标", "部门排名", "受理量趋势", "按分类", "按区域", "热点诉求", "在线办结"], book.GetSheetNames());
        book.Position = 0;
        var ranking = book.Query(useHeaderRow: true, sheetName: "部门排名").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(["常州市住房和城乡建设局", "常州市市场监督管理局"], ranking.Select(r => (string)r["单位"]!));

        var csv = await (await leader.GetAsync($"/api/analytics/export?{November}&format=csv&table=ranking")).Content.ReadAsStringAsync();
        Assert.StartsWith("排名,单位,综合得分", csv.TrimStart('\uFEFF'), StringComparison.Ordinal);
        await Api.ExpectAsync(await leader.GetAsync($"/api/analytics/export?{November}&format=csv"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bad_filters_are_refused_naming_the_field()
    {
        var leader = await Factory.ClientAsync(Roles.Leader);
        var problem = await Api.ExpectAsync(await leader.GetAsync("/api/analytics/figures?period=fortnight"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("period", out _));
        problem = await Api.ExpectAsync(await leader.GetAsync("/api/analytics/figures?period=range&from=2026-11-10&to=2026-11-01"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("to", out _));
        problem = await Api.ExpectAsync(await leader.GetAsync($"/api/analytics/tickets?{November}&counter=HandlingMinutes"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("counter", out _));
        await Api.ExpectAsync(await (await Factory.AgentAsync()).GetAsync($"/api/analytics/figures?{November}"), HttpStatusCode.Forbidden);
    }
}
