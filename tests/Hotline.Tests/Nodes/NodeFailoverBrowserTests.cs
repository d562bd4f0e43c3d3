using Microsoft.Playwright;

namespace Hotline.Tests.Nodes;

/// <summary>
/// A department handler's console in Debian's Chromium through the balancer (cookie affinity, health checks) of two real
/// nodes: when the node that holds the console's circuit is killed (SIGKILL), the page reconnects through the balancer to
/// the other node and lands on a working desk, still signed in, live again.
/// </summary>
[Collection(ClusterTests.Name)]
public sealed class NodeFailoverBrowserTests
{
    private const string Password = "Correct-horse-battery-9";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        // The built server run from the test's folder finds blazor.web.js and MudBlazor's files through the build's
        // static web assets manifest, which ASP.NET Core reads in Development only (a published server has them in wwwroot).
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Hotline:DemoTicketsOnFirstRun"] = "0",
        ["Sla:SweepIntervalMilliseconds"] = "0",
        ["Sla:DailyDigest"] = "false",
        ["Sla:CalendarReminder"] = "false",
    };

    [NodesFact(Browser = true)]
    public async Task A_handlers_desk_survives_the_death_of_its_node_signed_in_live_and_working()
    {
        await using var cluster = await NodeCluster.StartAsync(2, Settings);
        var balancer = await cluster.StartBalancerAsync();
        var first = cluster.Nodes[0];
        using (var admin = first.Client(await first.ApiKeyAsync(cluster.Data, Roles.Admin)))
        using (var created = await Api.PostAsync(admin, "/api/admin/users", new JsonObject
        {
            ["userName"] = "failover.scjg", ["displayName"] = "承办人", ["role"] = Roles.DepartmentHandler, ["departmentCode"] = "scjg", ["password"] = Password,
        }))
            await Api.ExpectAsync(created, HttpStatusCode.Created);
        var agentKey = await first.ApiKeyAsync(cluster.Data, Roles.Agent);
        var dispatcherKey = await first.ApiKeyAsync(cluster.Data, Roles.Dispatcher);
        var before = await DispatchedAsync(first, agentKey, dispatcherKey, "节点故障前派发");

        await using var chromium = (await TestChromium.LaunchAsync())!;
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = balancer.ToString().TrimEnd('/'), ViewportSize = new ViewportSize { Width = 1366, Height = 768 }, Locale = "zh-CN",
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("用户名").FillAsync("failover.scjg");
        await page.GetByLabel("密码").FillAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/department$"));
        await Assertions.Expect(page.Locator("[data-live=on]").First).ToBeAttachedAsync();
        await Assertions.Expect(page.GetByTestId($"sign-for-{before}")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => document.querySelector('[data-testid=inbox]').dataset.marker = 'node that dies'");

        var home = await ServingNodeAsync(page);
        var dead = cluster.Nodes[home == "node-a" ? 0 : 1];
        var alive = cluster.Nodes[home == "node-a" ? 1 : 0];
        dead.Kill();

        // The circuit died with its node: the page must come back on the other node with a circuit of its own there
        // (a new circuit in the page, or a reload), which renders the desk afresh (the marker is gone) and goes live.
        await page.WaitForFunctionAsync("() => { const inbox = document.querySelector('[data-testid=inbox]'); return inbox !== null && !inbox.dataset.marker; }",
            null, new PageWaitForFunctionOptions { Timeout = (float)Waits.Cap.TotalMilliseconds, PollingInterval = 200 });
        await Assertions.Expect(page.Locator("[data-live=on]").First).ToBeAttachedAsync();
        Assert.DoesNotContain("/login", page.Url, StringComparison.Ordinal); // still signed in: the cookie is valid on every node
        Assert.NotEqual(home, await ServingNodeAsync(page));

        // Live: a ticket dispatched through the surviving node appears without a reload; and the desk acts.
        var after = await DispatchedAsync(alive, agentKey, dispatcherKey, "节点故障后派发");
        await Assertions.Expect(page.GetByTestId($"sign-for-{after}")).ToBeVisibleAsync();
        await page.GetByTestId($"sign-for-{before}").ClickAsync();
        await Assertions.Expect(page.GetByTestId($"reply-{before}")).ToBeVisibleAsync();
        using (var agent = alive.Client(agentKey))
            Assert.Equal("SignedFor", (await Api.GetAsync(agent, $"/api/tickets/{before}")).Str("status"));

        // Opening a ticket from the inbox works on the new node too.
        await page.GetByRole(AriaRole.Link, new() { Name = after, Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/tickets/{after}$"));
        await Assertions.Expect(page.GetByText("节点故障后派发").First).ToBeVisibleAsync();
        Assert.DoesNotContain("/login", page.Url, StringComparison.Ordinal);
    }

    private static async Task<string> DispatchedAsync(ServerProcess node, string agentKey, string dispatcherKey, string title)
    {
        using var agent = node.Client(agentKey);
        using var dispatcher = node.Client(dispatcherKey);
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: title))).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        return number;
    }

    /// <summary>The node the balancer sends this page's requests to (its affinity cookie), as the balancer names it.</summary>
    private static Task<string> ServingNodeAsync(IPage page) =>
        page.EvaluateAsync<string>($"async () => (await fetch('/health/live')).headers.get('{NodeCluster.NodeHeader}')");
}
