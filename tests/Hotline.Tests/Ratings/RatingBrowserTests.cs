using Hotline.Server.Data;
using Hotline.Server.Ratings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Ratings;

/// <summary>A requester rates from the link on a phone: Debian's Chromium through Playwright, against the server on a real socket.</summary>
public sealed class RatingBrowserTests(KestrelHotlineFixture fixture) : IClassFixture<KestrelHotlineFixture>, IAsyncLifetime
{
    private TestChromium? chromium;

    public async Task InitializeAsync() => chromium = await TestChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (chromium is not null)
            await chromium.DisposeAsync();
    }

    [BrowserFact]
    public async Task A_requester_opens_the_rating_link_on_a_phone_and_rates()
    {
        var number = await RepliedTicketAsync(fixture.Factory);

        Directory.CreateDirectory(ScreenshotFolder);
        var page = await RateThroughLinkAsync(await RatingUrlAsync(number), "满意", resolved: true, comment: "处理很及时，谢谢",
            screenshotBeforeSubmit: Path.Combine(ScreenshotFolder, "rate-phone-form.png"));

        await Assertions.Expect(page.GetByText("感谢您的评价！")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#recorded")).ToContainTextAsync("满意");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, "rate-phone.png"), FullPage = true });
        var rating = (await Api.GetAsync(await fixture.Factory.AgentAsync(), $"/api/tickets/{number}/rating")).GetProperty("rating");
        Assert.Equal(("Satisfied", true, "处理很及时，谢谢", "Link"), (rating.Str("level"), rating.GetProperty("resolved").GetBoolean(), rating.Str("comment"), rating.Str("channel")));

        // The same link again shows the rating on record instead of the form.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#recorded")).ToContainTextAsync("满意");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "提交评价" })).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Opens a rating link as RequesterLinks.RatingUrl writes it (into an email) on a phone-sized screen, chooses the
    /// level and whether the matter was resolved by tapping, and submits. The link's path is followed on this test
    /// server, whatever public address the link names.
    /// </summary>
    public async Task<IPage> RateThroughLinkAsync(Uri ratingUrl, string level, bool resolved, string? comment = null, string? screenshotBeforeSubmit = null)
    {
        var page = await chromium!.NewPhonePageAsync("zh-CN", fixture.BaseAddress);
        await page.GotoAsync(ratingUrl.PathAndQuery);

        var choice = page.GetByLabel(level, new() { Exact = true });
        var box = await page.Locator("label.choice").First.BoundingBoxAsync();
        Assert.True(box is { Height: >= 44 }, "Touch targets are at least 44 px high.");
        await choice.TapAsync();
        await page.GetByLabel(resolved ? "已解决" : "未解决", new() { Exact = true }).TapAsync();
        if (comment is not null)
            await page.GetByLabel("意见建议（选填）").FillAsync(comment);
        if (screenshotBeforeSubmit is not null)
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshotBeforeSubmit, FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).TapAsync();
        return page;
    }

    private async Task<Uri> RatingUrlAsync(string number)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var ticket = await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().Tickets.AsNoTracking().SingleAsync(t => t.Number == number);
        return scope.ServiceProvider.GetRequiredService<RequesterLinks>().RatingUrl(ticket);
    }

    private static string ScreenshotFolder => Environment.GetEnvironmentVariable("HOTLINE_SCREENSHOTS") == "1"
        ? Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "screenshots")
        : Path.Combine(Path.GetTempPath(), "hotline-screenshots");
}
