using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Hotline.Tests.Console;

/// <summary>
/// The agent console in Chromium on a server that answers late: no key an agent types may be lost, whatever the server
/// re-renders meanwhile. The server handles every circuit event late (<see cref="SlowCircuits"/>) and the page's socket
/// holds every message back (<see cref="SlowConnection"/>).
/// </summary>
public sealed class AgentConsoleSlowServerTests(AgentConsoleSlowServerTests.SlowServerFixture fixture) : IClassFixture<AgentConsoleSlowServerTests.SlowServerFixture>, IAsyncLifetime
{
    private const string Password = "Correct-horse-9";
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(50);
    private TestChromium? chromium;

    private HotlineFactory Factory => fixture.Factory;

    public async Task InitializeAsync() => chromium = await TestChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (chromium is not null)
            await chromium.DisposeAsync();
    }

    /// <summary>
    /// Every key reaches its field while the server is slow (each message held 50 ms on the way, each event handled 15 ms
    /// late): the keys are typed right after the field gets the focus (by shortcut, Tab or script), 0 to 50 ms apart so
    /// that typing straddles the round trip, three rounds, over every text field and the category, while the side panels
    /// re-render for the caller's history and duplicate hints.
    /// </summary>
    [BrowserFact]
    public async Task Fast_typing_on_a_slow_server_reaches_every_field_exactly()
    {
        await Api.RegisterAsync(await Factory.AgentAsync(), Api.Citizen("夜间渣土车噪音扰民", phone: "13966667777"));
        var page = await SignInAsync("agent.fast", "话务员 高敏");
        var categories = new[] { ("gztq", "劳动就业与工资拖欠 › 工资拖欠"), ("sbjf", "社会保险 › 社保缴费"), ("jzsgzs", "城市管理 › 建筑施工噪声") };

        for (var round = 0; round < 3; round++)
        {
            var suffix = round.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var keyDelay = round * 25; // 0, 25 and 50 ms between keys: a burst, a fast agent, an ordinary one
            Task TypeFastAsync(Func<Task> focus, string field, string text) => AgentConsoleSlowServerTests.TypeFastAsync(page, focus, field, text, keyDelay);
            await TypeFastAsync(() => page.Locator("#seat-extension").FocusAsync(), "#seat-extension", $"80{round}7");
            await TypeFastAsync(() => page.Keyboard.PressAsync("Alt+P"), "#reg-phone", "13966667777");
            await TypeFastAsync(() => page.Keyboard.PressAsync("Tab"), "#reg-name", $"高先生{suffix}");
            await TypeFastAsync(() => page.Locator("#reg-email").FocusAsync(), "#reg-email", $"gao{suffix}@example.cn");
            await TypeFastAsync(() => page.Keyboard.PressAsync("Alt+T"), "#reg-title", $"渣土车夜间运输噪音扰民 第{suffix}次");
            await TypeFastAsync(() => page.Keyboard.PressAsync("Tab"), "#reg-description",
                $"每天夜里十一点以后有渣土车经过小区门口，鸣笛和颠簸声很大，影响休息，请城管部门查处。round {suffix}");
            var (query, expected) = categories[round];
            await TypeFastAsync(() => page.Keyboard.PressAsync("Tab"), "#reg-category", query);
            await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync(expected);
            await page.Keyboard.PressAsync("Escape");
            await TypeFastAsync(() => page.Locator("#reg-address").FocusAsync(), "#reg-address", $"天宁区青龙街道龙锦路{suffix}号");
            await TypeFastAsync(() => page.Locator("#reg-tags").FocusAsync(), "#reg-tags", $"噪音,夜间,渣土车{suffix}");
            await TypeFastAsync(() => page.Keyboard.PressAsync("Alt+J"), "#reg-answer", $"已告知城管执法热线，并记录车牌号待核查。{suffix}");
        }
        await Assertions.Expect(page.GetByTestId("caller-history-row")).ToHaveCountAsync(1); // the side panel followed the phone meanwhile

        await page.Keyboard.PressAsync("Alt+K");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("jzsgzs");
        await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync("城市管理 › 建筑施工噪声");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Control+Enter");
        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex("工单 HL\\d{14} 已登记并一次办结"))).ToBeVisibleAsync();

        var number = await page.GetByTestId("my-ticket-row").First.GetAttributeAsync("data-number");
        var ticket = await Api.GetAsync(await Factory.AgentAsync(), $"/api/tickets/{number}");
        Assert.Equal("渣土车夜间运输噪音扰民 第2次", ticket.Str("title"));
        Assert.Equal("每天夜里十一点以后有渣土车经过小区门口，鸣笛和颠簸声很大，影响休息，请城管部门查处。round 2", ticket.Str("description"));
        Assert.Equal("高先生2", ticket.GetProperty("requester").Str("name"));
        Assert.Equal("天宁区青龙街道龙锦路2号", ticket.Str("address"));
        Assert.Equal("um-construction-noise", ticket.Str("categoryCode"));

        await page.Locator("#reg-kind").Locator("..").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "企业" }).ClickAsync();
        await Assertions.Expect(page.Locator("#reg-credit-code")).ToBeVisibleAsync();
        for (var round = 0; round < 3; round++)
        {
            await TypeFastAsync(page, () => page.Locator("#reg-credit-code").FocusAsync(), "#reg-credit-code", $"91320400MA1{round}XXXX5A");
            await TypeFastAsync(page, () => page.Keyboard.PressAsync("Tab"), "#reg-contact", $"财务 周{round}");
        }
    }

    /// <summary>The category query typed at once after Alt+K on a console that has just come up, on four fresh consoles.</summary>
    [BrowserFact]
    public async Task A_category_query_typed_right_after_the_shortcut_arrives_whole()
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var page = await SignInAsync($"agent.shortcut{attempt}", "话务员 韩梅");
            await page.Keyboard.PressAsync("Alt+K");
            await Assertions.Expect(page.Locator("#reg-category")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("gztq");
            await Assertions.Expect(page.Locator("#reg-category")).ToHaveValueAsync("gztq");
            await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync("劳动就业与工资拖欠 › 工资拖欠");
            await page.Context.CloseAsync();
        }
    }

    /// <summary>
    /// Bug (the category field found empty now and then under load): leaving the category without choosing made the
    /// autocomplete write its text back (CoerceText: "" for no choice) a round trip later; when the agent had come back
    /// meanwhile and typed, that write wiped the new keys, and Blazor, having taken the keys as the browser's, never
    /// sent them back. On this slow server the write always lands after the new keys.
    /// </summary>
    [BrowserFact]
    public async Task Keys_typed_into_the_category_right_after_leaving_and_coming_back_are_kept()
    {
        var page = await SignInAsync("agent.comeback", "话务员 韩雪");
        for (var round = 0; round < 3; round++)
        {
            await page.Keyboard.PressAsync("Alt+K");
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync("gztq");
            await Assertions.Expect(page.Locator("#reg-category")).ToHaveValueAsync("gztq");
            await page.Keyboard.PressAsync("Alt+T"); // leaves the category with nothing chosen
            await page.Keyboard.TypeAsync("工资");
            await page.Keyboard.PressAsync("Alt+K");
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync("sbjf");
            await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync("社会保险 › 社保缴费");
            await Assertions.Expect(page.Locator("#reg-category")).ToHaveValueAsync("sbjf");
            await page.Keyboard.PressAsync("Escape");
        }

        // A chosen category whose text is then typed over is no longer chosen: the ticket is not registered under it.
        await page.Keyboard.PressAsync("Alt+K");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("sbjf");
        await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync("社会保险 › 社保缴费");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#reg-category")).ToHaveValueAsync("社会保险 › 社保缴费");
        await page.Keyboard.PressAsync("Alt+K");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("gzt");
        await Assertions.Expect(page.Locator("#reg-category")).ToHaveValueAsync("gzt");
        await page.Keyboard.PressAsync("Alt+P");
        await page.Keyboard.TypeAsync("13966668888");
        await page.Keyboard.PressAsync("Alt+T");
        await page.Keyboard.TypeAsync("分类被改写后不应登记");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("分类文字被改写而未重新选择，登记时应提示分类必填。");
        await page.Keyboard.PressAsync("Control+Enter");
        await Assertions.Expect(page.Locator("#reg-category")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#reg-category")).ToHaveValueAsync("gzt");
        await Assertions.Expect(page.GetByTestId("my-ticket-row")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// The category picker of the registration form keeps every key as the department pickers do (docs/consoles.md, "No
    /// key is lost"): with a category chosen, each key typed into another field re-renders the form, and an autocomplete
    /// given only its Value may write its text back from that Value while it is not focused; coming back and typing at
    /// once, the keys must stay as typed, and a text typed over the choice must stay while the agent types elsewhere.
    /// </summary>
    [BrowserFact]
    public async Task A_chosen_category_retyped_between_other_fields_keeps_every_key_and_registers_the_last_choice()
    {
        var page = await SignInAsync("agent.retype", "话务员 韩冰");
        var category = page.Locator("#reg-category");
        var choices = new[] { ("sbjf", "社会保险 › 社保缴费"), ("gztq", "劳动就业与工资拖欠 › 工资拖欠"), ("jzsgzs", "城市管理 › 建筑施工噪声") };
        var title = "";
        foreach (var (query, expected) in choices)
        {
            await TypeFastAsync(page, () => page.Keyboard.PressAsync("Alt+K"), "#reg-category", query);
            await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync(expected);
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(category).ToHaveValueAsync(expected);

            // Typed over, then left for the title: the query stays while the form re-renders for each key of the title.
            await TypeFastAsync(page, () => category.FocusAsync(), "#reg-category", "zz");
            await page.Keyboard.PressAsync("Alt+T");
            await page.Keyboard.TypeAsync("工资");
            title += "工资";
            await Assertions.Expect(page.Locator("#reg-title")).ToHaveValueAsync(title);
            await Assertions.Expect(category).ToHaveValueAsync("zz");

            // Chosen again, left for the title, and come back to at once: the keys typed on coming back are kept.
            await TypeFastAsync(page, () => page.Keyboard.PressAsync("Alt+K"), "#reg-category", query);
            await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync(expected);
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(category).ToHaveValueAsync(expected);
            await page.Keyboard.PressAsync("Alt+T");
            await page.Keyboard.TypeAsync("拖欠");
            title += "拖欠";
            await TypeFastAsync(page, () => page.Keyboard.PressAsync("Alt+K"), "#reg-category", query);
            await Assertions.Expect(page.GetByTestId("category-option").First).ToHaveTextAsync(expected);
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(category).ToHaveValueAsync(expected);
        }

        await page.Keyboard.PressAsync("Alt+P");
        await page.Keyboard.TypeAsync("13966669999");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("韩先生");
        await page.Keyboard.PressAsync("Alt+T");
        await page.Keyboard.TypeAsync("改选分类");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("分类选定后在其他字段输入，再回来改选，登记时应为最后选定的分类。");
        await Assertions.Expect(category).ToHaveValueAsync("城市管理 › 建筑施工噪声");
        await page.Keyboard.PressAsync("Control+Enter");
        await Assertions.Expect(page.GetByTestId("my-ticket-row")).ToHaveCountAsync(1);
        var number = await page.GetByTestId("my-ticket-row").First.GetAttributeAsync("data-number");
        var ticket = await Api.GetAsync(await Factory.AgentAsync(), $"/api/tickets/{number}");
        Assert.Equal("um-construction-noise", ticket.Str("categoryCode"));
    }

    /// <summary>
    /// The dispatch form's department picker (主办单位) keeps every key as the category does: a query typed at once (by
    /// name, short name, code or pinyin initials) stays whole and finds its department, also right after leaving the
    /// field with nothing chosen and coming back (the autocomplete's CoerceText wrote the old name back a round trip
    /// later, over the new keys); the chosen one is dispatched to; a chosen department typed over is not dispatched to.
    /// </summary>
    [BrowserFact]
    public async Task A_department_typed_fast_into_the_dispatch_form_is_kept_whole_and_the_right_one_is_dispatched_to()
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Citizen("超市出售过期牛奶", category: "con-food-safety"))).Number();
        var page = await SignInAsync("dispatcher.fast", "派单员 周敏", Roles.Dispatcher, $"/tickets/{number}");
        await page.GetByTestId("action-dispatch").ClickAsync();
        var field = page.Locator("#act-dispatch-departmentCode");
        var instructions = page.Locator("#act-dispatch-instructions");
        await Assertions.Expect(field).Not.ToHaveValueAsync(""); // the routing proposal, preselected

        var queries = new[]
        {
            ("市场监管", "常州市市场监督管理局"), ("scjg", "常州市市场监督管理局"), ("zfhcx", "常州市住房和城乡建设局"),
            ("scjdglj", "常州市市场监督管理局"), ("住建局", "常州市住房和城乡建设局"),
        };
        var typed = "";
        foreach (var (query, expected) in queries)
        {
            await TypeFastAsync(page, () => field.FocusAsync(), "#act-dispatch-departmentCode", query);
            await Assertions.Expect(page.GetByTestId("department-option").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($"^{expected}"));
            await Assertions.Expect(field).ToHaveValueAsync(query);
            await instructions.FocusAsync(); // leaves with nothing chosen: the field keeps the query, nothing is written back
            await page.Keyboard.TypeAsync("请");
            typed += "请";
            await Assertions.Expect(instructions).ToHaveValueAsync(typed);
            await Assertions.Expect(field).ToHaveValueAsync(query);
        }

        // A chosen department typed over is no longer chosen: the form says a department is needed, nothing is dispatched.
        await TypeFastAsync(page, () => field.FocusAsync(), "#act-dispatch-departmentCode", "scjg");
        await Assertions.Expect(page.GetByTestId("department-option").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^常州市市场监督管理局"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(field).ToHaveValueAsync("常州市市场监督管理局");
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("Backspace");
        await page.Keyboard.PressAsync("Backspace");
        await Assertions.Expect(field).ToHaveValueAsync("常州市市场监督管");
        await instructions.FocusAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        await Assertions.Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal("Registered", (await Api.GetAsync(await Factory.DispatcherAsync(), $"/api/tickets/{number}")).Str("status"));

        // Typed fast, chosen with Enter: that department gets the ticket.
        await TypeFastAsync(page, () => field.FocusAsync(), "#act-dispatch-departmentCode", "zfhcx");
        await Assertions.Expect(page.GetByTestId("department-option").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^常州市住房和城乡建设局"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(field).ToHaveValueAsync("常州市住房和城乡建设局");
        await page.Keyboard.PressAsync("Control+Enter");
        await Assertions.Expect(page.GetByTestId("assigned-department")).ToContainTextAsync("常州市住房和城乡建设局");
        Assert.Equal("zjj", (await Api.GetAsync(await Factory.DispatcherAsync(), $"/api/tickets/{number}")).GetProperty("assignedDepartment").Str("code"));
    }

    /// <summary>Moves the focus, then types with no pause at all, the way an agent types, and expects exactly that text.</summary>
    private static async Task TypeFastAsync(IPage page, Func<Task> focus, string field, string text, float keyDelay = 0)
    {
        await focus();
        await page.Keyboard.PressAsync("Control+A"); // the browser selects what an earlier round left, so the keys replace it
        await page.Keyboard.TypeAsync(text, new() { Delay = keyDelay });
        await Assertions.Expect(page.Locator(field)).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator(field)).ToHaveValueAsync(text);
    }

    private async Task<IPage> SignInAsync(string userName, string displayName, string role = Roles.Agent, string home = "/agent")
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using (var created = await Api.PostAsync(admin, "/api/admin/users", new JsonObject
        {
            ["userName"] = userName, ["displayName"] = displayName, ["role"] = role, ["password"] = Password,
        }))
            await Api.ExpectAsync(created, HttpStatusCode.Created);
        var context = await chromium!.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/_blazor"), new SlowConnection(Latency).Route);
        await page.GotoAsync($"/login?returnUrl={Uri.EscapeDataString(home)}");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        if (role == Roles.Agent)
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "话务台" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1); // keys before the circuit runs are not the point here
        return page;
    }

    /// <summary>A server of its own whose circuits handle every inbound event (keys, JS interop results) late.</summary>
    public sealed class SlowServerFixture() : HotlineFixture(new HotlineFactory(kestrel: true)
    {
        TestServices = services => services.AddSingleton<CircuitHandler>(new SlowCircuits(TimeSpan.FromMilliseconds(15))),
    })
    {
        public Uri BaseAddress => Factory.ClientOptions.BaseAddress;
    }

    /// <summary>
    /// Blocks the circuit for a while before each inbound event, as a busy server does: events queue up and are then
    /// handled in a burst, in order, between the continuations of earlier work (hint queries, timers).
    /// </summary>
    private sealed class SlowCircuits(TimeSpan perEvent) : CircuitHandler
    {
        public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) => context =>
        {
            Thread.Sleep(perEvent);
            return next(context);
        };
    }

    /// <summary>
    /// The page's Blazor socket through the test, every message held back a fixed time in each direction and kept in
    /// order: a server (or network) slow to answer, without touching the server.
    /// </summary>
    private sealed class SlowConnection
    {
        private readonly TimeSpan delay;

        public SlowConnection(TimeSpan delay) => this.delay = delay;

        internal void Route(IWebSocketRoute page)
        {
            var server = page.ConnectToServer();
            var toServer = Relay(server);
            var toPage = Relay(page);
            page.OnMessage(frame => toServer.TryWrite((frame, System.Diagnostics.Stopwatch.GetTimestamp())));
            server.OnMessage(frame => toPage.TryWrite((frame, System.Diagnostics.Stopwatch.GetTimestamp())));
        }

        private System.Threading.Channels.ChannelWriter<(IWebSocketFrame Frame, long At)> Relay(IWebSocketRoute to)
        {
            var queue = System.Threading.Channels.Channel.CreateUnbounded<(IWebSocketFrame Frame, long At)>(new() { SingleReader = true });
            _ = Task.Run(async () =>
            {
                await foreach (var (frame, at) in queue.Reader.ReadAllAsync())
                {
                    var wait = delay - System.Diagnostics.Stopwatch.GetElapsedTime(at);
                    if (wait > TimeSpan.Zero)
                        await Task.Delay(wait);
                    try
                    {
                        if (frame.Binary is { } binary)
                            to.Send(binary);
                        else
                            to.Send(frame.Text ?? "");
                    }
                    catch (PlaywrightException)
                    {
                        return; // the page or the test is gone
                    }
                }
            });
            return queue.Writer;
        }
    }
}
