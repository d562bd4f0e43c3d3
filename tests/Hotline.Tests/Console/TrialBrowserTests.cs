using Microsoft.Playwright;

namespace Hotline.Tests.Console;

/// <summary>
/// What a centre's staff and the public tripped on when trying the product (issue 12): words left in the wrong language
/// and a language switch broken over two lines on a phone.
/// </summary>
public sealed class TrialBrowserTests(KestrelHotlineFixture fixture)
    : DeskBrowserTestBase(fixture.Factory, fixture.BaseAddress), IClassFixture<KestrelHotlineFixture>
{
    [BrowserFact]
    public async Task A_chinese_desk_counts_its_rows_and_names_its_pager_buttons_in_chinese()
    {
        // Bug: the inbox's pager read "1-1 of 1" and its buttons were "First page" … "Last page" to a screen reader.
        await DispatchedToAsync("scjg");
        var page = await SignInAsync("trial.pager", Roles.DepartmentHandler, "scjg");

        var pager = page.GetByTestId("inbox").Locator(".mud-table-pagination");
        await Assertions.Expect(pager).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"第 1-\d+ 条，共 \d+ 条"));
        await Assertions.Expect(pager).Not.ToContainTextAsync(" of ");
        await Assertions.Expect(pager.GetByRole(AriaRole.Button, new() { Name = "下一页", Exact = true })).ToHaveCountAsync(1);
        await Assertions.Expect(pager.GetByRole(AriaRole.Button, new() { Name = "第一页", Exact = true })).ToHaveCountAsync(1);
    }

    [BrowserFact]
    public async Task A_required_field_left_empty_says_so_in_chinese()
    {
        // Bug: leaving the extension's reason empty showed MudBlazor's English "Required" under it, and the submit's
        // "必填项。" under the same field a moment later.
        var number = await DispatchedToAsync("scjg");
        await Api.ActAsync(await Factory.HandlerAsync("scjg"), number, "sign-for");
        var page = await SignInAsync("trial.required", Roles.DepartmentHandler, "scjg");

        await page.GetByTestId($"request-extension-{number}").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var reason = dialog.GetByLabel("原因");
        await reason.FocusAsync();
        await reason.BlurAsync();

        await Assertions.Expect(dialog).ToContainTextAsync("必填项。");
        await Assertions.Expect(dialog).Not.ToContainTextAsync("Required");
    }

    [BrowserFact]
    public async Task On_a_phone_the_public_pages_language_switch_stays_on_one_line_and_is_marked_as_chinese()
    {
        // Bug: beside the long English title, "中文" broke into "中" over "文".
        var page = await NewPhonePageAsync("en", fixture.BaseAddress);

        foreach (var route in new[] { "/track", "/ask" })
        {
            await page.GotoAsync(route);
            var link = page.Locator("header a");
            await Assertions.Expect(link).ToHaveTextAsync("中文");
            // The text's own boxes, one per line it takes (the link itself is one block, a flex item, however it wraps).
            Assert.Equal(1, await link.EvaluateAsync<int>("a => { const r = document.createRange(); r.selectNodeContents(a); return r.getClientRects().length; }"));
            await Assertions.Expect(link).ToHaveAttributeAsync("lang", "zh-CN");
        }
    }

    [BrowserFact]
    public async Task An_english_leader_reads_todays_rated_departments_in_english()
    {
        // Bug: "Satisfaction by department today" listed 常州市市场监督管理局 on the English desk.
        var number = await Hotline.Tests.Ratings.RatingStory.RepliedTicketAsync(Factory);
        using (var response = await Api.PostAsync(await Factory.AgentAsync(), $"/api/tickets/{number}/rating", new JsonObject { ["level"] = "Dissatisfied", ["resolved"] = false }))
            await Api.ExpectAsync(response, HttpStatusCode.Created);
        var page = await SignInAsync("trial.leader", Roles.Leader);

        await page.GotoAsync("/culture?culture=en&returnUrl=/leader");

        await Assertions.Expect(page.GetByTestId("satisfaction-scjg")).ToHaveTextAsync("Changzhou Administration for Market Regulation");
    }

    [BrowserFact]
    public async Task An_admin_who_chooses_a_file_that_is_not_a_calendar_is_told_so()
    {
        // Bug: "请求参数有误，请检查标出的字段。值的格式不正确。" with no field marked and the file not named.
        var page = await SignInAsync("trial.admin", Roles.Admin);
        await page.GotoAsync("/admin/calendar");
        await Assertions.Expect(page.GetByTestId("calendar-page")).ToHaveAttributeAsync("data-interactive", "true");

        foreach (var (name, text) in new[] { ("2027.ics", "not a calendar"), ("2027.json", "{\"year\": 2027, \"holidays\": \"x\"}") })
        {
            await page.Locator("#calendar-file").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "text/plain", Buffer = System.Text.Encoding.UTF8.GetBytes(text) });
            await page.GetByTestId("calendar-preview").ClickAsync();

            var problem = page.GetByTestId("calendar-problem");
            await Assertions.Expect(problem).ToContainTextAsync("所选文件无法作为日历读取");
            await Assertions.Expect(problem).Not.ToContainTextAsync("请检查标出的字段");
        }
    }

    [BrowserFact]
    public async Task The_analysis_reports_print_button_opens_the_print_dialog()
    {
        // Bug: its onclick="window.print()" was refused by the Content-Security-Policy: the button did nothing.
        var page = await SignInAsync("trial.reports", Roles.Admin);
        var refused = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) refused.Add(m.Text); };
        await page.AddInitScriptAsync("window.print = () => { window.__printed = (window.__printed || 0) + 1; };");
        using var built = await Api.PostAsync(await Factory.ClientAsync(Roles.Admin), "/api/analytics/reports", new JsonObject { ["period"] = "week" });
        await page.GotoAsync(built.Headers.Location!.ToString().Replace("/api", "", StringComparison.Ordinal));

        await page.GetByTestId("report").GetByRole(AriaRole.Button, new() { Name = "打印" }).ClickAsync();

        await page.WaitForFunctionAsync("() => window.__printed === 1", null, new() { Timeout = 5_000 });
        Assert.Empty(refused);
    }
}
