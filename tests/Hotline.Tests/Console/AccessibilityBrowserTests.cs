using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Hotline.Server.Data;
using Hotline.Server.Ratings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Hotline.Tests.Console;

/// <summary>
/// Every console page as its user, in Chinese and English at 1366×768, and the public pages on a 390×844 phone: axe-core
/// finds no serious or critical violation, each page has one h1 and the favicon, and the keyboard's focus is visible.
/// </summary>
public sealed class AccessibilityBrowserTests(KestrelHotlineFixture fixture)
    : DeskBrowserTestBase(fixture.Factory, fixture.BaseAddress), IClassFixture<KestrelHotlineFixture>
{
    private const string Password = "Correct-horse-9";

    private async Task<IPage> PageAsync(string locale, int width, int height)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        if (locale == "en")
            await page.GotoAsync("/culture?culture=en&returnUrl=%2Flogin");
        return page;
    }

    private async Task SignInAsUserAsync(IPage page, string userName, string role, string? department)
    {
        using (var created = await Api.PostAsync(await Factory.ClientAsync(Roles.Admin), "/api/admin/users", new JsonObject
        {
            ["userName"] = userName, ["displayName"] = userName, ["role"] = role, ["departmentCode"] = department, ["password"] = Password,
        }))
            await Api.ExpectAsync(created, HttpStatusCode.Created);
        await page.GotoAsync("/login");
        await page.Locator("#userName").FillAsync(userName);
        await page.Locator("#password").FillAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
    }

    /// <summary>Serious and critical violations on the page as it stands, one line each.</summary>
    private static async Task<List<string>> ViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe();
        return result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Id} ({v.Impact}) × {v.Nodes.Length}: {v.Nodes.FirstOrDefault()?.Html}").ToList();
    }

    private static async Task ExpectPageBasicsAsync(IPage page, List<string> problems, string where)
    {
        if (await page.Locator("h1").CountAsync() != 1)
            problems.Add($"{where}: {await page.Locator("h1").CountAsync()} h1 elements");
        if (await page.Locator("link[rel=icon]").CountAsync() != 1)
            problems.Add($"{where}: no favicon link");
    }

    /// <summary>Waits until the page can act (its circuit runs) and its lists are in.</summary>
    private static async Task SettledAsync(IPage page)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var markers = page.Locator("[data-live=off], [data-interactive=false], [data-loaded=false]");
        await Assertions.Expect(markers).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task Every_console_page_passes_axe_in_both_languages_for_its_user()
    {
        var number = await DispatchedToAsync("cgj");
        string[] locales = ["zh-CN", "en"];
        (string Role, string? Department, string[] Paths)[] users =
        [
            (Roles.Agent, null, ["/agent", "/tickets"]),
            (Roles.Dispatcher, null, ["/dispatch"]),
            (Roles.DepartmentHandler, "cgj", ["/department", $"/tickets/{number}", $"/tickets/{number}/print"]),
            (Roles.Supervisor, null, ["/supervision"]),
            (Roles.Leader, null, ["/leader", "/access-denied"]),
            (Roles.Admin, null, ["/", "/tickets?status=Dispatched", "/admin/calendar"]),
        ];
        var problems = new List<string>();
        foreach (var locale in locales)
        {
            foreach (var (role, department, paths) in users)
            {
                var page = await PageAsync(locale, 1366, 768);
                await SignInAsUserAsync(page, $"a11y.{role}.{locale}".ToLowerInvariant(), role, department);
                foreach (var path in paths)
                {
                    await page.GotoAsync(path);
                    await SettledAsync(page);
                    var where = $"{locale} {role} {path}";
                    problems.AddRange(await ViolationsAsync(page, where));
                    await ExpectPageBasicsAsync(page, problems, where);
                }
                await page.Context.CloseAsync();
            }
        }
        Assert.Empty(problems);
    }

    [BrowserFact]
    public async Task The_public_pages_and_the_sign_in_form_pass_axe_on_a_phone()
    {
        var number = await DispatchedToAsync("cgj");
        var handler = await Factory.HandlerAsync("cgj");
        await Api.ActAsync(handler, number, "sign-for");
        await Api.ActAsync(handler, number, "reply", Api.Reply());
        Uri rating;
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var ticket = await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().Tickets.AsNoTracking().SingleAsync(t => t.Number == number);
            rating = scope.ServiceProvider.GetRequiredService<RequesterLinks>().RatingUrl(ticket);
        }
        var problems = new List<string>();
        foreach (var locale in new[] { "zh-CN", "en" })
        {
            var page = await PageAsync(locale, 390, 844);
            foreach (var path in new[] { "/login", "/track", rating.PathAndQuery })
            {
                await page.GotoAsync(path);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                var where = $"{locale} phone {path.Split('?')[0]}";
                problems.AddRange(await ViolationsAsync(page, where));
                await ExpectPageBasicsAsync(page, problems, where);
                if (await page.EvaluateAsync<int>("document.documentElement.scrollWidth") > 390)
                    problems.Add($"{where}: scrolls sideways on a 390 px phone");
            }
            await page.Context.CloseAsync();
        }
        Assert.Empty(problems);
    }

    [BrowserFact]
    public async Task The_keyboards_focus_is_visible_on_links_buttons_and_fields()
    {
        var page = await PageAsync("zh-CN", 1366, 768);
        await SignInAsUserAsync(page, "a11y.focus", Roles.Admin, null);
        await page.GotoAsync("/tickets");
        await SettledAsync(page);

        var seen = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focus = await page.EvaluateAsync<JsonElement>("""
                (() => { const e = document.activeElement;
                  // An invisible check box shows its focus on the box drawn for it.
                  const shown = getComputedStyle(e).opacity === '0' ? (e.closest('.mud-checkbox, .mud-switch')?.querySelector('.mud-button-root') ?? e) : e;
                  const s = getComputedStyle(shown);
                  return { tag: e.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0, shadow: s.boxShadow, html: e.outerHTML.slice(0, 200) }; })()
                """);
            var tag = focus.GetProperty("tag").GetString()!;
            if (tag is "BODY" or "HTML")
                continue;
            seen.Add(tag);
            var visible = (focus.GetProperty("outline").GetString() != "none" && focus.GetProperty("width").GetDouble() >= 2)
                || focus.GetProperty("shadow").GetString() is { } shadow && shadow != "none";
            Assert.True(visible, $"the focus on a {tag} (tab {i + 1}) has no visible outline: {focus.GetProperty("html").GetString()}");
        }
        Assert.Contains("A", seen);
        Assert.Contains("INPUT", seen);
    }
}
