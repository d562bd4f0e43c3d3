using Microsoft.Playwright;

namespace Hotline.Tests.Console;

/// <summary>The console in Debian's Chromium, driven by Playwright, against the server on a real socket.</summary>
public sealed class BrowserTests(KestrelHotlineFixture fixture) : IClassFixture<KestrelHotlineFixture>, IAsyncLifetime
{
    private TestChromium? chromium;

    public async Task InitializeAsync() => chromium = await TestChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (chromium is not null)
            await chromium.DisposeAsync();
    }

    [BrowserFact]
    public async Task An_admin_signs_in_with_the_keyboard_sees_the_landing_page_and_switches_to_english()
    {
        await CreateUserAsync("li.agent", "话务员 李娜", "Admin"); // every other role starts at its own desk (DeskBrowserTests, AgentConsoleBrowserTests)
        var page = await NewPageAsync();

        await page.GotoAsync("/");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("用户名").FillAsync("li.agent");
        await page.GetByLabel("密码").FillAsync("Correct-horse-9");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByText("您好，话务员 李娜")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("最新工单")).ToBeVisibleAsync();
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, "landing-agent.png") });

        await page.GetByText("English").ClickAsync();
        await Assertions.Expect(page.GetByText("Hello, 话务员 李娜")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Latest tickets")).ToBeVisibleAsync();
    }

    [BrowserFact]
    public async Task A_wrong_password_keeps_the_person_on_the_sign_in_page_with_a_message()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("用户名").FillAsync("nobody");
        await page.GetByLabel("密码").FillAsync("wrong-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("用户名或密码错误。");
    }

    /// <summary>
    /// With HOTLINE_SCREENSHOTS=1 the screenshots refresh docs/screenshots in the source tree; otherwise they go to a
    /// temp folder so an ordinary test run leaves the working tree clean.
    /// </summary>
    private static string ScreenshotFolder => Environment.GetEnvironmentVariable("HOTLINE_SCREENSHOTS") == "1"
        ? Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "screenshots")
        : Path.Combine(Path.GetTempPath(), "hotline-screenshots");

    private async Task<IPage> NewPageAsync()
    {
        var context = await chromium!.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    private async Task CreateUserAsync(string userName, string displayName, string role)
    {
        var admin = await fixture.Factory.ClientAsync(Roles.Admin);
        using var created = await Api.PostAsync(admin, "/api/admin/users", new JsonObject
        {
            ["userName"] = userName, ["displayName"] = displayName, ["role"] = role, ["password"] = "Correct-horse-9",
        });
        await Api.ExpectAsync(created, HttpStatusCode.Created);
    }
}
