using Hotline.Domain.Access;
using Hotline.Server.Analytics;
using Hotline.Tests.Console;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MiniExcelLibs;

namespace Hotline.Tests.Analytics;

/// <summary>November's work, seen in December: three rated answers of 市场监管局, one of 住建局, an open ticket.</summary>
public sealed class LastMonthFixture() : HotlineFixture(kestrel: true), IAsyncLifetime
{
    public Uri BaseAddress => Factory.ClientOptions.BaseAddress;

    /// <summary>The tickets whose answers by 市场监管局 were rated: what its 满意率 is made of.</summary>
    public List<string> RatedByMarket { get; } = [];

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var f = Factory;
        var agent = await f.AgentAsync();
        foreach (var (department, level) in new[] { ("scjg", "Satisfied"), ("scjg", "BasicallySatisfied"), ("scjg", "Dissatisfied"), ("zjj", "Satisfied") })
        {
            var number = (await Api.RegisterAsync(agent, Api.Citizen(title: $"{department} {level} 测试诉求"))).Number();
            await Api.ActAsync(await f.DispatcherAsync(), number, "dispatch", Api.Dispatch(department));
            await Api.ActAsync(await f.HandlerAsync(department), number, "sign-for");
            await Api.ActAsync(await f.HandlerAsync(department), number, "reply", Api.Reply());
            await Api.ExpectAsync(await Api.PostAsync(agent, $"/api/tickets/{number}/rating", new JsonObject { ["level"] = level, ["resolved"] = level != "Dissatisfied" }), HttpStatusCode.Created);
            if (department == "scjg")
                RatedByMarket.Add(number);
        }
        await Api.RegisterAsync(agent, Api.Citizen(title: "仍在办理的诉求", phone: "13900000007"));
        f.Clock.Advance(TimeSpan.FromDays(14)); // Monday 7 December: November is last month
        await f.Services.GetRequiredService<AnalyticsProjector>().CatchUpAsync(CancellationToken.None);
    }
}

public sealed class AnalyticsBrowserTests(LastMonthFixture fixture) : DeskBrowserTestBase(fixture.Factory, fixture.BaseAddress), IClassFixture<LastMonthFixture>
{
    [BrowserFact]
    public async Task The_leader_picks_last_month_clicks_a_department_satisfaction_lands_on_exactly_those_tickets_and_exports_them()
    {
        var page = await SignInAsync("leader-analytics", Roles.Leader);
        await page.GotoAsync("/analytics");
        await Assertions.Expect(page.GetByTestId("period-shown")).ToHaveTextAsync("2026-12-01 – 2026-12-31");
        await Assertions.Expect(page.Locator("[data-interactive=on]")).ToBeAttachedAsync();

        await page.GetByTestId("period-last-month").ClickAsync();
        await Assertions.Expect(page.GetByTestId("period-shown")).ToHaveTextAsync("2026-11-01 – 2026-11-30");
        await Assertions.Expect(page.GetByTestId("figure-Volume-value")).ToHaveTextAsync("5");
        // The charts, each with its table for screen readers.
        await Assertions.Expect(page.GetByTestId("chart-trend-volume").Locator("svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("chart-departments").Locator("svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("chart-departments-table").Locator("tbody tr")).ToHaveCountAsync(2);

        // 市场监管局: 满意 + 基本满意 (0.8) + 不满意 over 3 ratings.
        var satisfaction = page.GetByTestId("ranking-scjg-satisfaction");
        await Assertions.Expect(satisfaction).ToHaveTextAsync("60.0%");
        await satisfaction.ClickAsync();
        // The ticket search, filtered to the tickets counted in that figure: its usual list, paging and export.
        await page.WaitForURLAsync(url => url.Contains("/tickets?analytics=", StringComparison.Ordinal));
        Assert.Contains("department%3Dscjg", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("figure-chip-name")).ToHaveTextAsync("满意率");
        await Assertions.Expect(page.GetByTestId("figure-chip")).ToContainTextAsync("常州市市场监督管理局");
        await Assertions.Expect(page.GetByTestId("figure-chip")).ToContainTextAsync("2026-11-01 – 2026-11-30");
        await Assertions.Expect(page.GetByTestId("figure-chip-total")).ToContainTextAsync("共 3 件");
        await Assertions.Expect(page.GetByTestId("result-row")).ToHaveCountAsync(3);
        var listed = await page.GetByTestId("result-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.number)");
        Assert.Equal(fixture.RatedByMarket.Order(), listed.Order());

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-xlsx").ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename, StringComparison.Ordinal);
        var path = Path.Combine(Factory.DataPath, download.SuggestedFilename);
        await download.SaveAsAsync(path);
        var rows = MiniExcel.Query(path, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(fixture.RatedByMarket.Order(), rows.Select(r => (string)r["工单编号"]!).Order());
        Assert.All(rows, r => Assert.Equal("常州市市场监督管理局", r["承办单位"]));
        Assert.Equal(["不满意", "基本满意", "满意"], rows.Select(r => (string)r["评价"]!).Order());
    }

    [BrowserFact]
    public async Task A_department_handler_sees_their_own_department_and_cannot_open_another()
    {
        var page = await SignInAsync("handler-analytics", Roles.DepartmentHandler, "zjj");
        await page.GotoAsync("/analytics?period=month&date=2026-11-01");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("常州市住房和城乡建设局");
        await Assertions.Expect(page.GetByTestId("figure-Volume-value")).ToHaveTextAsync("1");
        await Assertions.Expect(page.GetByTestId("ranking").Locator("tbody tr")).ToHaveCountAsync(1);
        // An old drill-down link to another department's figure: the ticket search, with nothing in it.
        await page.GotoAsync("/analytics/tickets?period=month&date=2026-11-01&department=scjg&counter=Rated");
        await page.WaitForURLAsync(url => url.Contains("/tickets?analytics=", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("figure-chip-total")).ToContainTextAsync("共 0 件");
        await Assertions.Expect(page.GetByTestId("no-results")).ToBeVisibleAsync();

        // Removing the figure's chip leaves the handler's own search.
        await Assertions.Expect(page.GetByTestId("search-page")).ToHaveAttributeAsync("data-interactive", "true");
        await page.GetByTestId("figure-chip").GetByRole(AriaRole.Button).ClickAsync();
        // The chip's removal navigates inside the circuit (history.pushState, no load event): poll the address, so a
        // failure says what it was (a navigation wait under load timed out once in CI without saying).
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^(?!.*analytics=).*/tickets"));
        await Assertions.Expect(page.GetByTestId("figure-chip")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("result-row")).ToHaveCountAsync(1);
    }

    [BrowserFact]
    public async Task An_admin_saves_a_scheme_version_from_next_month_and_a_weight_out_of_range_is_refused()
    {
        var page = await SignInAsync("admin-scheme", Roles.Admin);
        await page.GotoAsync("/analytics/scheme");
        await Assertions.Expect(page.Locator("[data-interactive=on]")).ToBeAttachedAsync();
        await Assertions.Expect(page.GetByTestId("scheme-version")).ToHaveCountAsync(1); // the built-in default
        await Assertions.Expect(page.GetByTestId("scheme-version")).ToContainTextAsync("系统默认");

        // The form starts from the version in force, from the first day of next month (today is 7 December 2026).
        await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "生效日期" })).ToHaveValueAsync("2027-01-01");
        var basically = page.Locator("#scheme-level-BasicallySatisfied");
        await Assertions.Expect(basically).ToHaveValueAsync("0.8");
        await basically.FillAsync("2");
        await basically.PressAsync("Tab");
        await page.GetByTestId("scheme-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("scheme-problem")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("scheme-version")).ToHaveCountAsync(1);

        await basically.FillAsync("0.6");
        await basically.PressAsync("Tab");
        await page.Locator("#scheme-name").FillAsync("2027年考核方案");
        await page.Locator("#scheme-name").PressAsync("Tab");
        await page.GetByTestId("scheme-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("scheme-saved")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("scheme-version").First).ToContainTextAsync("2027-01-01");
        await Assertions.Expect(page.GetByTestId("scheme-version").First).ToContainTextAsync("2027年考核方案");

        var scheme = await (await Factory.ClientAsync(Roles.Leader)).GetFromJsonAsync<JsonObject>("/api/analytics/scheme");
        var saved = scheme!["versions"]!.AsArray().Single(v => (string?)v!["validFrom"] == "2027-01-01")!;
        Assert.Equal(0.6, (double)saved["levelWeights"]!["BasicallySatisfied"]!);
        Assert.Equal("默认考核方案", (string?)scheme["current"]!["name"]); // November and December keep the default
    }
}
