using Hotline.Tests.Console;
using Microsoft.Playwright;

namespace Hotline.Tests.Security;

/// <summary>
/// A console page open in Chromium is a live circuit that checked the sign-in once. Signing out elsewhere, an admin
/// signing the person out everywhere or deactivating them sends the open page to the sign-in form within seconds.
/// </summary>
public sealed class ConsoleRevocationBrowserTests(KestrelHotlineFixture fixture)
    : DeskBrowserTestBase(fixture.Factory, fixture.BaseAddress), IClassFixture<KestrelHotlineFixture>
{
    [BrowserFact]
    public async Task Signing_out_with_the_same_cookie_elsewhere_ends_the_open_console()
    {
        var page = await SignInAsync("circuit.logout", Roles.Dispatcher);
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "hotline.auth");

        using var logout = await SecurityKit.WithCookie(Factory, $"hotline.auth={cookie.Value}").PostAsync("/api/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 60_000 });
    }

    [BrowserFact]
    public async Task An_admin_deactivating_the_person_ends_their_open_console()
    {
        var page = await SignInAsync("circuit.leaver", Roles.DepartmentHandler, "scjg");
        var admin = await Factory.ClientAsync(Roles.Admin);
        var id = (await Api.GetAsync(admin, "/api/admin/users")).EnumerateArray().Single(u => u.Str("userName") == "circuit.leaver").Str("id");

        using var deactivated = await Api.PostAsync(admin, $"/api/admin/users/{id}/deactivate", new JsonObject());
        await Api.ExpectAsync(deactivated, HttpStatusCode.OK);

        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 60_000 });
        await page.GetByLabel("用户名").FillAsync("circuit.leaver");
        await page.GetByLabel("密码").FillAsync("Correct-horse-9");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync(); // and cannot come back
    }
}
