using Microsoft.Playwright;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright, headless, with the flags the team's guide names (never a downloaded browser).
/// <see cref="LaunchAsync"/> gives null when /usr/bin/chromium is missing; the tests are then skipped by <see cref="BrowserFactAttribute"/>.
/// </summary>
public sealed class TestChromium : IAsyncDisposable
{
    private readonly IPlaywright playwright;

    private TestChromium(IPlaywright playwright, IBrowser browser) => (this.playwright, Browser) = (playwright, browser);

    public IBrowser Browser { get; }

    public static async Task<TestChromium?> LaunchAsync()
    {
        if (!File.Exists(BrowserFactAttribute.Chromium))
            return null;
        // The full suite runs test classes in parallel on 2 cores: give pages time rather than fail on a slow moment.
        Assertions.SetDefaultExpectTimeout(30_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFactAttribute.Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new TestChromium(playwright, browser);
    }

    /// <summary>
    /// A page on a phone (390×844 at twice the density, touch), as the public opens the rating link, /track and /ask:
    /// in <paramref name="locale"/>, relative addresses against <paramref name="baseAddress"/> when given.
    /// </summary>
    public async Task<IPage> NewPhonePageAsync(string locale, Uri? baseAddress = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress?.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            Locale = locale,
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}
