using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Hotline.Tests.Console;

/// <summary>
/// What a centre expects of the console on day one, in Debian's Chromium as each user: ticket search with saved searches
/// and export, attachments, done lists, a repeat caller's details, new-work alerts, the printed sheet, and two people in
/// two languages on one ticket.
/// </summary>
public sealed class ConsoleFeatureBrowserTests(KestrelHotlineFixture fixture)
    : DeskBrowserTestBase(fixture.Factory, fixture.BaseAddress), IClassFixture<KestrelHotlineFixture>
{
    private const string Password = "Correct-horse-9";

    /// <summary>Signs a new user in on a fresh page (any role, any language) and opens <paramref name="path"/>.</summary>
    private async Task<IPage> OpenAsync(string userName, string role, string path, string? department = null, string locale = "zh-CN",
        string? initScript = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = locale,
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(30_000);
        if (initScript is not null)
            await context.AddInitScriptAsync(initScript);
        var page = await context.NewPageAsync();
        using (var created = await Api.PostAsync(await Factory.ClientAsync(Roles.Admin), "/api/admin/users", new JsonObject
        {
            ["userName"] = userName, ["displayName"] = userName, ["role"] = role, ["departmentCode"] = department, ["password"] = Password,
        }))
            await Api.ExpectAsync(created, HttpStatusCode.Created);
        if (locale == "en")
            await page.GotoAsync("/culture?culture=en&returnUrl=%2Flogin");
        else
            await page.GotoAsync("/login");
        await page.Locator("#userName, input[name=userName]").First.FillAsync(userName);
        await page.Locator("input[type=password]").FillAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        await page.GotoAsync(path);
        return page;
    }

    private static Task ReadyAsync(IPage page, string testId) =>
        Assertions.Expect(page.Locator($"[data-testid={testId}][data-interactive=true]")).ToBeAttachedAsync();

    /// <summary>
    /// The search form's department picker keeps the keys typed after coming back from another field (no write-back of
    /// the chosen name), searches for the department chosen from the list, and leaves out one whose text was typed over.
    /// </summary>
    [BrowserFact]
    public async Task The_search_forms_department_picker_keeps_what_was_typed_and_filters_only_by_a_chosen_department()
    {
        var page = await OpenAsync("search.picker", Roles.Supervisor, "/tickets");
        await ReadyAsync(page, "search-page");
        var picker = page.Locator("#search-department");

        await picker.FocusAsync();
        await page.Keyboard.TypeAsync("scjg");
        await Assertions.Expect(page.GetByRole(AriaRole.Option).First).ToContainTextAsync("常州市市场监督管理局");
        await page.GetByRole(AriaRole.Option).First.ClickAsync(); // not Enter: in a form it would also submit the search
        await Assertions.Expect(picker).ToHaveValueAsync("常州市市场监督管理局");
        await page.GetByLabel("来电号码").FocusAsync();
        await page.Keyboard.TypeAsync("1375555");
        await picker.FocusAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("zjj");
        await page.GetByLabel("来电号码").FocusAsync();
        await page.Keyboard.TypeAsync("6666");
        await Assertions.Expect(picker).ToHaveValueAsync("zjj"); // typed over, not written back
        await page.GetByTestId("search-submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("phone=13755556666"));
        Assert.DoesNotContain("department=", page.Url, StringComparison.Ordinal); // the typed-over choice is not searched for

        await picker.FocusAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("zfhcx");
        await Assertions.Expect(page.GetByRole(AriaRole.Option).First).ToContainTextAsync("常州市住房和城乡建设局");
        await page.GetByRole(AriaRole.Option).First.ClickAsync();
        await Assertions.Expect(picker).ToHaveValueAsync("常州市住房和城乡建设局");
        await page.GetByTestId("search-submit").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("department=zjj"));
    }

    [BrowserFact]
    public async Task Search_finds_a_callers_tickets_sorts_them_saves_the_search_exports_it_and_opens_a_ticket()
    {
        var agent = await Factory.AgentAsync();
        var numbers = new List<string>();
        foreach (var title in new[] { "查询页：路面塌陷", "查询页：井盖松动", "查询页：路灯不亮" })
            numbers.Add((await Api.RegisterAsync(agent, Api.Citizen(title, phone: "13755556666"))).Number());
        var page = await OpenAsync("search.supervisor", Roles.Supervisor, "/tickets");
        await ReadyAsync(page, "search-page");

        await page.GetByLabel("来电号码").FillAsync("13755556666");
        await page.GetByLabel("来电号码").PressAsync("Enter");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("phone=13755556666"));
        var rows = page.GetByTestId("search-results").GetByTestId("result-row");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-number", numbers[2]); // newest first
        await page.GetByTestId("sort-registered").ClickAsync();
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-number", numbers[0]);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("sort=oldest"));

        await page.GetByLabel("保存为（名称）").FillAsync("塌陷回访");
        await page.GetByTestId("save-search").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=saved-search][data-name=塌陷回访] a")).ToHaveAttributeAsync("href", new Regex("phone=13755556666"));

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.All(numbers, n => Assert.Contains(n, csv, StringComparison.Ordinal));
        Assert.Equal(4, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        await rows.First.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/tickets/{numbers[0]}$"));
        await Assertions.Expect(page.GetByTestId("ticket-page")).ToContainTextAsync("查询页：路面塌陷");
    }

    [BrowserFact]
    public async Task A_handler_attaches_several_files_at_once_sees_the_photo_and_a_refused_file_says_why()
    {
        var number = await DispatchedToAsync("cgj");
        var page = await OpenAsync("files.cgj", Roles.DepartmentHandler, $"/tickets/{number}", "cgj");
        await Assertions.Expect(page.Locator("[data-testid=ticket-page][data-interactive=true]")).ToBeAttachedAsync();
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

        await page.Locator("#attachment-files").SetInputFilesAsync(
        [
            new FilePayload { Name = "现场照片.png", MimeType = "image/png", Buffer = png },
            new FilePayload { Name = "整改通知书.pdf", MimeType = "application/pdf", Buffer = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"u8.ToArray() },
        ]);

        await Assertions.Expect(page.GetByTestId("attachment")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-name='现场照片.png'] img")).ToBeVisibleAsync();
        // Visible is not loaded: the photo is the real 1×1 PNG once the browser has it (a busy machine takes a while).
        await UntilInPageAsync(page, "(() => { const img = document.querySelector(\"[data-name='现场照片.png'] img\"); return !!img && img.complete && img.naturalWidth === 1; })()");
        await Assertions.Expect(page.Locator("[data-name='整改通知书.pdf'] [data-testid=attachment-open]")).ToHaveAttributeAsync("href", new Regex("inline=true"));
        await page.Locator("[data-name='现场照片.png'] [data-testid=attachment-preview]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("attachment-large")).ToBeVisibleAsync();
        await page.GetByTestId("attachment-large").ClickAsync();

        await page.Locator("#attachment-files").SetInputFilesAsync(new FilePayload { Name = "补充.png", MimeType = "image/png", Buffer = "MZ\u0090\0\u0003"u8.ToArray() });
        await Assertions.Expect(page.GetByTestId("attachment-refused")).ToContainTextAsync("补充.png");
        await Assertions.Expect(page.GetByTestId("attachment")).ToHaveCountAsync(2);
        var history = await Api.GetAsync(await Factory.HandlerAsync("cgj"), $"/api/tickets/{number}/events");
        Assert.Equal(2, history.EnumerateArray().Count(e => e.Str("action") == "attach-file"));
    }

    [BrowserFact]
    public async Task A_department_finds_what_it_replied_and_what_came_back_in_its_done_lists()
    {
        var handler = await Factory.HandlerAsync("sthj");
        var replied = await DispatchedToAsync("sthj");
        var cameBack = await DispatchedToAsync("sthj");
        foreach (var n in new[] { replied, cameBack })
        {
            await Api.ActAsync(handler, n, "sign-for");
            await Api.ActAsync(handler, n, "reply", Api.Reply());
        }
        await Api.ActAsync(await Factory.SupervisorAsync(), cameBack, "reopen", Api.Reopen());
        var page = await SignInAsync("done.sthj", Roles.DepartmentHandler, "sthj");

        await page.GetByRole(AriaRole.Tab, new() { Name = "已办（已答复）" }).ClickAsync();
        await Assertions.Expect(page.Locator($"[data-testid=list-replied] [data-number={replied}]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-testid=list-replied] [data-number={cameBack}]")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Tab, new() { Name = "退回整改件" }).ClickAsync();
        await Assertions.Expect(page.Locator($"[data-testid=list-came-back] [data-number={cameBack}]")).ToBeVisibleAsync();
        await page.GetByTestId("open-in-search-came-back").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/tickets\\?list=came-back"));
        await Assertions.Expect(page.Locator($"[data-testid=search-results] [data-number={cameBack}]")).ToBeVisibleAsync();
    }

    [BrowserFact]
    public async Task An_agent_takes_a_repeat_callers_details_from_their_last_ticket_with_one_key()
    {
        var body = Api.Enterprise(title: "老来电人：开办超时");
        body["requester"]!["phone"] = "0519-86007777";
        var earlier = (await Api.RegisterAsync(await Factory.AgentAsync(), body)).Number();
        var page = await OpenAsync("repeat.agent", Roles.Agent, "/agent");
        await ReadyAsync(page, "agent-console");

        // Typed key by key, the number is already complete one key early (0519-8600777, a landline of its own): both
        // lookups run, and the panel must show the last one's answer whichever finishes first.
        await page.GetByLabel("来电号码").PressSequentiallyAsync("0519-86007777");
        try
        {
            await Assertions.Expect(page.GetByTestId("repeat-caller")).ToContainTextAsync("常州市恒远精密机械有限公司");
        }
        catch (PlaywrightException e)
        {
            // What the page showed instead: which number's history the caller panel holds tells a stale answer apart.
            Assert.Fail($"{e.Message}\nphone field: {await page.Locator("#reg-phone").InputValueAsync()}\ncaller panel: "
                + string.Join(" / ", await page.GetByTestId("caller-history").AllInnerTextsAsync()));
        }
        await Assertions.Expect(page.GetByTestId("repeat-caller")).ToContainTextAsync(earlier);
        await page.Keyboard.PressAsync("Alt+L");

        await Assertions.Expect(page.Locator("#reg-name")).ToHaveValueAsync("常州市恒远精密机械有限公司");
        await Assertions.Expect(page.Locator("#reg-credit-code")).ToHaveValueAsync(Api.ValidCreditCode);
        await Assertions.Expect(page.Locator("#reg-contact")).ToHaveValueAsync("李经理");
        await Assertions.Expect(page.Locator("#reg-email")).ToHaveValueAsync("service@hengyuan.example.com");
        await Assertions.Expect(page.GetByTestId("repeat-caller")).ToHaveCountAsync(0); // taken: nothing more to offer

        var secret = Api.Citizen(title: "老来电人：保密", phone: "13766667777", confidential: true);
        await Api.RegisterAsync(await Factory.AgentAsync(), secret);
        await page.Keyboard.PressAsync("Alt+N");
        await Assertions.Expect(page.Locator("#reg-name")).ToHaveValueAsync(""); // a new, empty form
        await page.GetByLabel("来电号码").ClickAsync();
        await page.GetByLabel("来电号码").PressSequentiallyAsync("13766667777");
        await Assertions.Expect(page.GetByTestId("caller-history")).ToContainTextAsync("13766667777");
        await Assertions.Expect(page.GetByTestId("repeat-caller")).ToHaveCountAsync(0); // a confidential reporter is never offered to an agent
    }

    /// <summary>
    /// Waits until a condition holds in the page. Playwright's WaitForFunction evaluates its text with eval inside the
    /// page, which the console's Content-Security-Policy forbids; an evaluation from outside is not subject to it.
    /// </summary>
    private static async Task UntilInPageAsync(IPage page, string condition)
    {
        for (var i = 0; i < 600 && !await page.EvaluateAsync<bool>(condition); i++)
            await Task.Delay(100);
        Assert.True(await page.EvaluateAsync<bool>(condition), $"never true in the page: {condition}");
    }

    /// <summary>The tab is in the background, and the browser's notifications are recorded instead of shown.</summary>
    private const string BackgroundTab = """
        Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
        Object.defineProperty(document, 'hidden', { get: () => true });
        window.__shown = [];
        window.Notification = class { constructor(title, options) { window.__shown.push({ title, body: options.body }); } close() {} };
        window.Notification.permission = 'granted';
        window.Notification.requestPermission = async () => 'granted';
        """;

    [BrowserFact]
    public async Task New_work_chimes_and_notifies_a_background_dispatch_desk_and_stays_quiet_once_turned_off()
    {
        var page = await OpenAsync("alerts.dispatcher", Roles.Dispatcher, "/dispatch", initScript: BackgroundTab);
        await Assertions.Expect(page.Locator("[data-live=on]").First).ToBeAttachedAsync();
        var agent = await Factory.AgentAsync();

        var first = (await Api.RegisterAsync(agent, Api.Citizen("提醒：第一件"))).Number();
        await UntilInPageAsync(page, $"window.__shown.some(n => n.body.includes('{first}'))");
        var alert = await page.EvaluateAsync<JsonElement>("window.hotline.alerts[window.hotline.alerts.length - 1]");
        Assert.True(alert.GetProperty("background").GetBoolean());
        Assert.True(alert.GetProperty("notified").GetBoolean());
        Assert.Contains("派单台", alert.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal($"/tickets/{first}", alert.GetProperty("url").GetString());

        await page.GetByTestId("new-work-alerts").ClickAsync();
        await Assertions.Expect(page.GetByTestId("new-work-alerts")).ToHaveAttributeAsync("data-on", "false");
        var quiet = (await Api.RegisterAsync(agent, Api.Citizen("提醒：关闭后"))).Number();
        await Assertions.Expect(page.GetByTestId($"dispatch-top-{quiet}")).ToBeVisibleAsync(); // the desk shows it, silently
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-live=on]").First).ToBeAttachedAsync();
        await Assertions.Expect(page.GetByTestId("new-work-alerts")).ToHaveAttributeAsync("data-on", "false"); // kept with the person

        await page.GetByTestId("new-work-alerts").ClickAsync();
        await Assertions.Expect(page.GetByTestId("new-work-alerts")).ToHaveAttributeAsync("data-on", "true");
        var last = (await Api.RegisterAsync(agent, Api.Citizen("提醒：重新开启"))).Number();
        await UntilInPageAsync(page, $"window.__shown.some(n => n.body.includes('{last}'))");
        Assert.False(await page.EvaluateAsync<bool>($"window.__shown.some(n => n.body.includes('{quiet}'))"));
    }

    [BrowserFact]
    public async Task A_ticket_prints_as_an_a4_sheet_with_its_whole_history()
    {
        var number = await DispatchedToAsync("cgj");
        await Api.ActAsync(await Factory.HandlerAsync("cgj"), number, "sign-for");
        var page = await OpenAsync("print.cgj", Roles.DepartmentHandler, $"/tickets/{number}", "cgj");
        await Assertions.Expect(page.Locator("[data-testid=ticket-page][data-interactive=true]")).ToBeAttachedAsync();

        var sheet = await page.Context.RunAndWaitForPageAsync(() => page.GetByTestId("print-link").ClickAsync());
        await Assertions.Expect(sheet).ToHaveURLAsync(new Regex($"/tickets/{number}/print$"));
        await Assertions.Expect(sheet.GetByTestId("print-number")).ToHaveTextAsync(number);
        await Assertions.Expect(sheet.GetByTestId("print-event")).ToHaveCountAsync(3);
        await Assertions.Expect(sheet.GetByTestId("print-history")).ToContainTextAsync("签收");

        await sheet.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(sheet.GetByTestId("print-button")).ToBeHiddenAsync(); // the buttons are not printed
        var pdf = await sheet.PdfAsync(new() { Format = "A4", PreferCSSPageSize = true });
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4), StringComparison.Ordinal);
        var box = Regex.Match(System.Text.Encoding.Latin1.GetString(pdf), @"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]");
        Assert.True(box.Success, "the PDF has a page box");
        var (width, height) = (double.Parse(box.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), double.Parse(box.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(width, 594, 596); // A4: 210 × 297 mm is 595 × 842 points
        Assert.InRange(height, 841, 843);
    }

    [BrowserFact]
    public async Task Two_people_in_two_languages_on_one_ticket_each_read_it_in_their_own_and_see_each_other()
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Citizen("双语：小区积水"))).Number();
        var chinese = await OpenAsync("bilingual.zh", Roles.Supervisor, $"/tickets/{number}");
        var english = await OpenAsync("bilingual.en", Roles.Dispatcher, $"/tickets/{number}", locale: "en");
        foreach (var p in new[] { chinese, english })
            await Assertions.Expect(p.Locator("[data-testid=ticket-page][data-interactive=true]")).ToBeAttachedAsync();

        await Assertions.Expect(chinese.Locator("[data-testid=viewer][aria-label='bilingual.en']")).ToBeVisibleAsync();
        await Assertions.Expect(english.Locator("[data-testid=viewer][aria-label='bilingual.zh']")).ToBeVisibleAsync();
        await Assertions.Expect(chinese.GetByTestId("presence")).ToContainTextAsync("同时查看");
        await Assertions.Expect(english.GetByTestId("presence")).Not.ToContainTextAsync("同时查看");
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("cgj"));

        await Assertions.Expect(chinese.Locator("[data-testid=timeline-item][data-action=dispatch]")).ToContainTextAsync("派单");
        await Assertions.Expect(english.Locator("[data-testid=timeline-item][data-action=dispatch]")).ToContainTextAsync("Dispatch");
        await Assertions.Expect(chinese.Locator("[data-status=Dispatched]").First).ToHaveTextAsync("已派单");
        await Assertions.Expect(english.Locator("[data-status=Dispatched]").First).ToHaveTextAsync("Dispatched");
        await Assertions.Expect(chinese.GetByRole(AriaRole.Heading, new() { Level = 2, Name = "流转记录" })).ToBeVisibleAsync();
        await Assertions.Expect(english.GetByRole(AriaRole.Heading, new() { Level = 2, Name = "History" })).ToBeVisibleAsync();
    }
}
