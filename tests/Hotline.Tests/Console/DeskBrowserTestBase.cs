using Microsoft.Playwright;

namespace Hotline.Tests.Console;

/// <summary>Chromium for the desk tests: pages at 1366×768 in zh-CN, signed in as a fresh user of a role.</summary>
public abstract class DeskBrowserTestBase(HotlineFactory factory, Uri baseAddress) : IAsyncLifetime
{
    private const string Password = "Correct-horse-9";
    private TestChromium? chromium;

    protected HotlineFactory Factory => factory;

    /// <summary>The shared Chromium, for pages of another shape (a requester's phone).</summary>
    protected IBrowser Browser => chromium!.Browser;

    /// <summary>A requester's phone (<see cref="TestChromium.NewPhonePageAsync"/>).</summary>
    protected Task<IPage> NewPhonePageAsync(string locale, Uri? baseAddress = null) => chromium!.NewPhonePageAsync(locale, baseAddress);

    public async Task InitializeAsync() => chromium = await TestChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (chromium is not null)
            await chromium.DisposeAsync();
    }

    /// <summary>Registers a ticket and dispatches it to a department through the API.</summary>
    protected async Task<string> DispatchedToAsync(string department)
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync())).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch(department));
        return number;
    }

    protected async Task<IBrowserContext> NewContextAsync()
    {
        var context = await chromium!.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
        });
        context.SetDefaultTimeout(30_000);
        return context;
    }

    protected async Task<IPage> SignInAsync(string userName, string role, string? department = null)
    {
        var page = await (await NewContextAsync()).NewPageAsync();
        await SignInAsync(page, userName, role, department);
        return page;
    }

    protected async Task SignInAsync(IPage page, string userName, string role, string? department)
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using var created = await Api.PostAsync(admin, "/api/admin/users", new JsonObject
        {
            ["userName"] = userName, ["displayName"] = userName, ["role"] = role, ["departmentCode"] = department, ["password"] = Password,
        });
        await Api.ExpectAsync(created, HttpStatusCode.Created);
        await page.GotoAsync("/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        if (DeskNavigationHome(role))
            await Assertions.Expect(page.Locator("[data-live=on]").First).ToBeAttachedAsync(); // interactive before the test clicks
    }

    /// <summary>Roles that start at a desk (the others start at the landing page).</summary>
    private static bool DeskNavigationHome(string role) => Hotline.Server.Desks.DeskNavigation.HomeFor(role) is not null;

    /// <summary>
    /// Opens a page whose Blazor sockets pass through the test, signed in: <see cref="DroppableConnection.DropAsync"/>
    /// cuts them both ways and refuses new ones (with the browser offline) until <see cref="DroppableConnection.RestoreAsync"/>.
    /// </summary>
    protected async Task<(IPage Page, DroppableConnection Connection)> SignInDroppableAsync(string userName, string role, string? department)
    {
        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        var connection = new DroppableConnection(context);
        await page.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/_blazor"), connection.Route);
        await SignInAsync(page, userName, role, department);
        return (page, connection);
    }

    protected sealed class DroppableConnection(IBrowserContext context)
    {
        private readonly List<(IWebSocketRoute Page, IWebSocketRoute Server)> sockets = [];
        private volatile bool down;

        internal void Route(IWebSocketRoute ws)
        {
            if (down)
            {
                _ = ws.CloseAsync();
                return;
            }
            var server = ws.ConnectToServer();
            lock (sockets)
                sockets.Add((ws, server));
        }

        public async Task DropAsync()
        {
            down = true;
            await context.SetOfflineAsync(true);
            List<(IWebSocketRoute Page, IWebSocketRoute Server)> open;
            lock (sockets)
            {
                open = [.. sockets];
                sockets.Clear();
            }
            foreach (var (page, server) in open)
            {
                await server.CloseAsync();
                await page.CloseAsync();
            }
        }

        public async Task RestoreAsync()
        {
            down = false;
            await context.SetOfflineAsync(false);
        }
    }
}
