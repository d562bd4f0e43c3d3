using Hotline.Server.Telephony;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Hotline.Tests.Console;

/// <summary>The agent console (/agent) and the ticket page in Debian's Chromium, keyboard first, against a real socket.</summary>
public sealed class AgentConsoleBrowserTests(KestrelHotlineFixture fixture) : IClassFixture<KestrelHotlineFixture>, IAsyncLifetime
{
    private const string Password = "Correct-horse-9";
    private TestChromium? chromium;

    private HotlineFactory Factory => fixture.Factory;

    public async Task InitializeAsync() => chromium = await TestChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (chromium is not null)
            await chromium.DisposeAsync();
    }

    [BrowserFact]
    public async Task Typing_a_callers_phone_pops_their_earlier_tickets_newest_first()
    {
        var agent = await Factory.AgentAsync();
        var older = (await Api.RegisterAsync(agent, Api.Citizen("小区路灯连续三晚不亮", phone: "13911112222"))).Number();
        var newer = (await Api.RegisterAsync(agent, Api.Citizen("小区门口井盖缺失", phone: "13911112222"))).Number();
        var page = await SignInAsync("agent.history", "话务员 王芳", Roles.Agent);

        await page.GetByLabel("来电号码").PressSequentiallyAsync("13911112222");

        var rows = page.GetByTestId("caller-history-row");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync(newer);
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync(older);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("已登记");
        await Assertions.Expect(page.GetByTestId("duplicate-hints")).ToContainTextAsync(newer); // the open ones are duplicate hints too
    }

    [BrowserFact]
    public async Task A_category_is_found_by_its_pinyin_initials_and_by_chinese_text()
    {
        var page = await SignInAsync("agent.pinyin", "话务员 李娜", Roles.Agent);

        await page.Keyboard.PressAsync("Alt+K");
        await Assertions.Expect(page.GetByLabel("诉求分类")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("gztq");
        await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync("劳动就业与工资拖欠 › 工资拖欠");

        await page.GetByLabel("诉求分类").FillAsync("工资");
        await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync("劳动就业与工资拖欠 › 工资拖欠");
        await Assertions.Expect(page.GetByTestId("category-option").Nth(1)).ToHaveTextAsync("劳动就业与工资拖欠");
    }

    /// <summary>
    /// The first keys typed into the category right after it gets the focus stay: nothing selects the field's text from
    /// the server a round trip later (MudAutocomplete's SelectOnActivation did, and the next key replaced the selection).
    /// Keys 0 to 30 ms apart on fresh consoles, so that typing straddles the round trip of a quiet or a busy server.
    /// </summary>
    [BrowserFact]
    public async Task The_first_keys_typed_into_the_category_after_the_shortcut_are_kept()
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var page = await SignInAsync($"agent.first{attempt}", "话务员 韩梅", Roles.Agent);
            await page.Keyboard.PressAsync("Alt+K");
            await page.Keyboard.TypeAsync("gztq", new() { Delay = attempt * 10 });
            await Assertions.Expect(page.GetByLabel("诉求分类")).ToHaveValueAsync("gztq");
            await page.Keyboard.PressAsync("Alt+T");
            await page.Keyboard.TypeAsync("工资", new() { Delay = attempt * 10 });
            await page.Keyboard.PressAsync("Alt+K");
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync("sbjf", new() { Delay = attempt * 10 });
            await Assertions.Expect(page.GetByLabel("诉求分类")).ToHaveValueAsync("sbjf");
            await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync("社会保险 › 社保缴费");
            await page.Context.CloseAsync();
        }
    }

    [BrowserFact]
    public async Task An_agent_registers_a_call_with_the_keyboard_only_and_sees_it_in_my_tickets()
    {
        var page = await SignInAsync("agent.keys", "话务员 赵静", Roles.Agent);

        await FillCallAsync(page, "13922223333", "陈晓东", "公司拖欠三个月工资", "我在武进区一家电子厂工作，公司已经连续三个月没有发工资，多次找老板都说没钱。", "gztq", "劳动就业与工资拖欠 › 工资拖欠", "武进区");
        await page.Keyboard.PressAsync("Control+Enter");

        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex("工单 HL\\d{14} 已登记"))).ToBeVisibleAsync();
        var mine = page.GetByTestId("my-ticket-row");
        await Assertions.Expect(mine).ToHaveCountAsync(1);
        await Assertions.Expect(mine.First).ToContainTextAsync("公司拖欠三个月工资");
        await Assertions.Expect(mine.First).ToContainTextAsync("已登记");
        await Assertions.Expect(page.GetByLabel("来电号码")).ToBeFocusedAsync(); // ready for the next call
        await Assertions.Expect(page.GetByLabel("来电号码")).ToHaveValueAsync("");

        var number = await mine.First.GetAttributeAsync("data-number");
        var ticket = await Api.GetAsync(await Factory.AgentAsync(), $"/api/tickets/{number}");
        Assert.Equal("lab-wage-arrears", ticket.Str("categoryCode"));
        Assert.Equal("wujin", ticket.Str("districtCode"));
        Assert.Equal("陈晓东", ticket.GetProperty("requester").Str("name"));
        Assert.Equal("话务员 赵静", ticket.GetProperty("owner").Str("name"));
    }

    [BrowserFact]
    public async Task Server_validation_marks_the_fields_it_names()
    {
        var page = await SignInAsync("agent.invalid", "话务员 钱多", Roles.Agent);

        await page.GetByLabel("来电号码").PressSequentiallyAsync("1391234");
        await page.Keyboard.PressAsync("Control+Enter");

        await Assertions.Expect(page.GetByText("电话号码格式不正确（11 位手机号或带区号的固定电话）。")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("必填项。").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("来电号码")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByLabel("标题")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByTestId("my-ticket-row")).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task Answering_at_intake_registers_and_resolves_in_one_step()
    {
        var page = await SignInAsync("agent.answer", "话务员 孙悦", Roles.Agent);

        await FillCallAsync(page, "13933334444", "刘女士", "咨询灵活就业人员社保缴费", "想了解灵活就业人员如何缴纳养老保险，缴费基数怎么选。", "sbjf", "社会保险 › 社保缴费", null);
        await page.Keyboard.PressAsync("Alt+J");
        await Assertions.Expect(page.GetByLabel("答复内容")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("已告知：可在江苏智慧人社App办理灵活就业参保登记，缴费基数在全省上年度平均工资的60%至300%之间自选。");
        await page.Keyboard.PressAsync("Control+Enter");

        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex("工单 HL\\d{14} 已登记并一次办结"))).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("my-ticket-row").First).ToContainTextAsync("一次办结");
    }

    [BrowserFact]
    public async Task A_call_from_the_telephony_system_pops_the_callers_history_on_the_open_console()
    {
        var agent = await Factory.AgentAsync();
        var earlier = (await Api.RegisterAsync(agent, Api.Citizen("楼道堆放杂物存在消防隐患", phone: "13944445555"))).Number();
        var page = await SignInAsync("agent.pop", "话务员 周洁", Roles.Agent);
        await page.GetByLabel("分机号").FillAsync("8023");
        await page.GetByTestId("save-extension").ClickAsync();
        await Assertions.Expect(page.GetByText("分机 8023 的来电将弹屏到您的话务台。")).ToBeVisibleAsync();

        var telephony = await Factory.AgentAsync();
        await page.EvaluateAsync("() => document.body.dataset.marker = 'same page'");
        using var response = await Api.PostAsync(telephony, "/api/telephony/incoming",
            new JsonObject { ["callerPhone"] = "13944445555", ["extension"] = "8023", ["callId"] = "cti-20261123-0099" });
        await Api.ExpectAsync(response, HttpStatusCode.Accepted);

        await Assertions.Expect(page.GetByTestId("incoming-call")).ToContainTextAsync("来电 13944445555");
        Assert.Equal("same page", await page.EvaluateAsync<string>("() => document.body.dataset.marker")); // pushed, not reloaded
        await Assertions.Expect(page.GetByTestId("caller-history-row").First).ToContainTextAsync(earlier);
        await Assertions.Expect(page.GetByLabel("来电号码")).ToHaveValueAsync("13944445555");
    }

    [BrowserFact]
    public async Task The_ticket_page_shows_the_timeline_and_follows_another_users_action_live()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent, Api.Citizen("夜间施工噪音扰民"))).Number();
        var page = await SignInAsync("agent.ticket", "话务员 吴静", Roles.Agent);

        await page.GotoAsync($"/tickets/{number}");
        await Interactive(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"{number} · 夜间施工噪音扰民" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("timeline-item")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("timeline-item").First).ToContainTextAsync("登记");
        await Assertions.Expect(page.GetByTestId("sla-clock")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("action-resolve-at-intake")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("action-dispatch")).ToHaveCountAsync(0); // an agent does not dispatch

        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("cgj"));

        await Assertions.Expect(page.GetByTestId("timeline-item")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("timeline-item").First).ToContainTextAsync("派单");
        await Assertions.Expect(page.GetByTestId("timeline-item").First).ToContainTextAsync("常州市城市管理局");
        await Assertions.Expect(page.GetByTestId("assigned-department")).ToContainTextAsync("常州市城市管理局");
        await Assertions.Expect(page.GetByTestId("action-resolve-at-intake")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Bug: a closed tab stayed listed as a viewer ("李强（办理中）") for about three minutes, until its circuit expired;
    /// and a person's own second tab showed them as someone else.
    /// </summary>
    [BrowserFact]
    public async Task Presence_ends_when_a_tab_closes_and_your_own_second_tab_is_not_someone_else()
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Citizen("楼上漏水"))).Number();
        var agentPage = await SignInAsync("agent.presence", "话务员 周红", Roles.Agent);
        var dispatcherPage = await SignInAsync("dispatcher.presence", "派单员 李强", Roles.Dispatcher);
        await agentPage.GotoAsync($"/tickets/{number}");
        await Interactive(agentPage);
        var secondTab = await agentPage.Context.NewPageAsync();
        await secondTab.GotoAsync($"/tickets/{number}");
        await Interactive(secondTab);
        await dispatcherPage.GotoAsync($"/tickets/{number}");
        await Interactive(dispatcherPage);
        await dispatcherPage.GetByTestId("action-dispatch").ClickAsync();

        await Assertions.Expect(agentPage.GetByTestId("viewer-name")).ToHaveTextAsync("派单员 李强（办理中）");
        await Assertions.Expect(agentPage.GetByTestId("viewer-name")).ToHaveCountAsync(1); // the agent's own second tab is not listed
        await Assertions.Expect(dispatcherPage.GetByTestId("viewer-name")).ToHaveCountAsync(1); // two tabs of one person: one viewer

        await dispatcherPage.CloseAsync();

        await Assertions.Expect(agentPage.GetByTestId("viewer-name")).ToHaveCountAsync(0); // within the expect timeout, not minutes
        await Assertions.Expect(agentPage.GetByTestId("collision-warning")).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task Two_people_on_one_ticket_see_each_other_and_the_collision_and_the_late_one_reloads_after_409()
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Citizen("小区电梯频繁故障"))).Number();
        var agentPage = await SignInAsync("agent.both", "话务员 郑洁", Roles.Agent);
        var dispatcherPage = await SignInAsync("dispatcher.both", "派单员 李强", Roles.Dispatcher);
        await agentPage.GotoAsync($"/tickets/{number}");
        await Interactive(agentPage);
        await dispatcherPage.GotoAsync($"/tickets/{number}");
        await Interactive(dispatcherPage);

        await Assertions.Expect(agentPage.GetByTestId("viewer-name")).ToHaveTextAsync("派单员 李强");
        await Assertions.Expect(dispatcherPage.GetByTestId("viewer-name")).ToHaveTextAsync("话务员 郑洁");

        await dispatcherPage.GetByTestId("action-dispatch").ClickAsync();
        await Assertions.Expect(agentPage.GetByTestId("collision-warning")).ToContainTextAsync("派单员 李强 正在办理此工单");
        await agentPage.GetByTestId("action-resolve-at-intake").ClickAsync();
        await Assertions.Expect(dispatcherPage.GetByTestId("collision-warning")).ToContainTextAsync("话务员 郑洁");

        await Assertions.Expect(dispatcherPage.GetByLabel("主办单位")).Not.ToHaveValueAsync(""); // the routing proposal, preselected
        await dispatcherPage.GetByLabel("主办单位").SelectTextAsync();
        await dispatcherPage.GetByLabel("主办单位").PressSequentiallyAsync("zfhcx");
        await Assertions.Expect(dispatcherPage.GetByText("常州市住房和城乡建设局").First).ToBeVisibleAsync();
        await dispatcherPage.Keyboard.PressAsync("Enter");
        await dispatcherPage.Keyboard.PressAsync("Control+Enter");
        await Assertions.Expect(dispatcherPage.GetByTestId("assigned-department")).ToContainTextAsync("常州市住房和城乡建设局");

        await Assertions.Expect(agentPage.GetByTestId("changed-while-editing")).ToBeVisibleAsync();
        await agentPage.GetByLabel("答复内容").FillAsync("已电话告知物业维修电话。");
        await agentPage.GetByTestId("action-submit").ClickAsync();
        await Assertions.Expect(agentPage.GetByTestId("action-problem")).ToContainTextAsync("工单已被他人修改");
        await agentPage.GetByTestId("reload-after-conflict").ClickAsync();
        await Assertions.Expect(agentPage.GetByTestId("assigned-department")).ToContainTextAsync("常州市住房和城乡建设局");
        await Assertions.Expect(agentPage.GetByTestId("action-form")).ToHaveCountAsync(0);
        await Assertions.Expect(agentPage.GetByTestId("collision-warning")).ToHaveCountAsync(0);
    }

    /// <summary>docs/screenshots/agent-console.png and ticket-page.png (with HOTLINE_SCREENSHOTS=1), at 1366×768 in zh-CN.</summary>
    [BrowserFact]
    public async Task Screenshots_of_the_agent_console_during_a_call_and_of_a_ticket_in_handling()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var rsj = await Factory.HandlerAsync("rsj");
        JsonObject Call(string title, string description, string category, string district, string address) => new()
        {
            ["type"] = "Complaint", ["channel"] = "Phone", ["priority"] = "Normal",
            ["requester"] = new JsonObject { ["kind"] = "Citizen", ["name"] = "何建国", ["phone"] = "13851234567" },
            ["title"] = title, ["description"] = description, ["categoryCode"] = category, ["districtCode"] = district, ["address"] = address,
        };
        var closed = (await Api.RegisterAsync(agent, Call("小区垃圾清运不及时", "天宁区青山桥小区垃圾桶连续三天没有清运，气味很大，请环卫部门尽快处理。", "urban-management", "tianning", "青山桥小区"))).Number();
        await Api.ActAsync(dispatcher, closed, "dispatch", Api.Dispatch("cgj"));
        await Api.ActAsync(await Factory.HandlerAsync("cgj"), closed, "sign-for");
        await Api.ActAsync(await Factory.HandlerAsync("cgj"), closed, "reply", new JsonObject { ["result"] = "Resolved", ["resolution"] = "已安排环卫车辆清运，并将清运频次调整为每日一次。" });
        await Api.ActAsync(agent, closed, "close", new JsonObject { ["note"] = "回访满意。" });
        var wage = (await Api.RegisterAsync(agent, Call("电子厂拖欠两个月工资", "我在武进区湖塘镇一家电子厂上班，工厂已经两个月没发工资，老板说资金周转困难，请劳动部门帮忙讨薪。", "lab-wage-arrears", "wujin", "湖塘镇长虹路"))).Number();
        await Api.ActAsync(dispatcher, wage, "dispatch", Api.Dispatch("rsj"));
        await Api.ActAsync(rsj, wage, "sign-for", new JsonObject { ["note"] = "已转劳动保障监察支队。" });
        await Api.ActAsync(rsj, wage, "add-progress", new JsonObject { ["note"] = "监察员已约谈企业负责人，企业承诺本月20日前补发。" });

        var page = await SignInAsync("wangfang", "话务员 王芳", Roles.Agent);
        await page.GetByLabel("分机号").FillAsync("8001");
        await page.GetByTestId("save-extension").ClickAsync();
        await Assertions.Expect(page.GetByText("分机 8001 的来电将弹屏到您的话务台。")).ToBeVisibleAsync();
        using (var popped = await Api.PostAsync(await Factory.AgentAsync(), "/api/telephony/incoming",
            new JsonObject { ["callerPhone"] = "13851234567", ["extension"] = "8001", ["callId"] = "cti-20261123-0457" }))
            await Api.ExpectAsync(popped, HttpStatusCode.Accepted);
        await Assertions.Expect(page.GetByTestId("caller-history-row")).ToHaveCountAsync(2);
        await page.Locator("#reg-name").FillAsync("何建国");
        await page.GetByLabel("标题").FillAsync("工厂拖欠工资仍未补发");
        await page.GetByLabel("诉求内容").FillAsync("上次反映的湖塘镇电子厂欠薪问题，企业承诺20日前补发，现在已过期限仍未发放，请尽快处理。");
        await page.Keyboard.PressAsync("Tab"); // from the description to the category, as at the desk
        await Assertions.Expect(page.GetByLabel("诉求分类")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("gztq");
        await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync("劳动就业与工资拖欠 › 工资拖欠");
        await Assertions.Expect(page.GetByTestId("duplicate-hints")).ToContainTextAsync(wage);
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, "agent-console.png") });

        var colleague = await SignInAsync("liqiang", "派单员 李强", Roles.Dispatcher);
        await colleague.GotoAsync($"/tickets/{wage}");
        await Interactive(colleague);
        await page.Keyboard.PressAsync("Escape");
        await page.GotoAsync($"/tickets/{wage}");
        await Interactive(page);
        await Assertions.Expect(page.GetByTestId("viewer-name")).ToHaveTextAsync("派单员 李强");
        await Assertions.Expect(page.GetByTestId("timeline-item")).ToHaveCountAsync(4);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, "ticket-page.png") });
    }

    /// <summary>Fills a call the way an agent does at the desk: shortcuts and Tab, no mouse.</summary>
    private static async Task FillCallAsync(IPage page, string phone, string name, string title, string description, string category, string expectedCategory, string? district)
    {
        await page.Keyboard.PressAsync("Alt+P");
        await page.Keyboard.TypeAsync(phone);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(name);
        await page.Keyboard.PressAsync("Alt+T");
        await page.Keyboard.TypeAsync(title);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(description);
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByLabel("诉求分类")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(category);
        await Assertions.Expect(page.GetByLabel("诉求分类")).ToHaveValueAsync(category); // every key arrived
        await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync(expectedCategory);
        await page.Keyboard.PressAsync("Tab"); // takes the highlighted category and moves on to the district
        if (district is not null)
        {
            await Assertions.Expect(page.GetByLabel("所属区域")).ToBeFocusedAsync();
            var field = page.GetByLabel("所属区域");
            await page.Keyboard.PressAsync("ArrowDown"); // opens the list; arrows move, Enter takes
            var option = page.GetByRole(AriaRole.Option, new() { Name = district });
            await Assertions.Expect(option).ToBeVisibleAsync();
            var wanted = await option.GetAttributeAsync("id");
            // The server moves the highlight (aria-activedescendant) one key at a time: wait for each move before the next key.
            for (var active = await field.GetAttributeAsync("aria-activedescendant"); active != wanted; active = await field.GetAttributeAsync("aria-activedescendant"))
            {
                await page.Keyboard.PressAsync("ArrowDown");
                await Assertions.Expect(field).ToHaveAttributeAsync("aria-activedescendant",
                    new System.Text.RegularExpressions.Regex(active is null ? "." : $"^(?!{System.Text.RegularExpressions.Regex.Escape(active)}$)"));
            }
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByLabel("所属区域")).ToHaveValueAsync(district);
        }
    }

    private async Task<IPage> SignInAsync(string userName, string displayName, string role)
    {
        await CreateUserAsync(userName, displayName, role);
        var page = await NewPageAsync();
        await page.GotoAsync("/login?returnUrl=%2Fagent");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "话务台" })).ToBeVisibleAsync();
        await Interactive(page);
        return page;
    }

    /// <summary>Waits until the Blazor circuit runs: keys typed into the prerendered page before then would be lost.</summary>
    private static Task Interactive(IPage page) => Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);

    private async Task<IPage> NewPageAsync()
    {
        var context = await chromium!.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        return page;
    }

    private async Task CreateUserAsync(string userName, string displayName, string role, string? department = null)
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using var created = await Api.PostAsync(admin, "/api/admin/users", new JsonObject
        {
            ["userName"] = userName, ["displayName"] = displayName, ["role"] = role, ["password"] = Password, ["departmentCode"] = department,
        });
        await Api.ExpectAsync(created, HttpStatusCode.Created);
    }

    private static string ScreenshotFolder => Environment.GetEnvironmentVariable("HOTLINE_SCREENSHOTS") == "1"
        ? Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "screenshots")
        : Path.Combine(Path.GetTempPath(), "hotline-screenshots");
}
