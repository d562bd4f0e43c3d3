using System.Text.RegularExpressions;
using Hotline.Tests.Console;
using Hotline.Tests.Notifications;
using Microsoft.Playwright;
using MimeKit;

namespace Hotline.Tests.Ratings;

/// <summary>
/// The closed loop (闭环) as a requester lives it, end to end: the department's reply reaches the requester's mailbox
/// over real SMTP, the rating link in that email is opened on a phone, an unsatisfied rating sends the ticket back for
/// rectification (整改) under a supervision order, the supervisor's open desk shows it, the requester is told, and the
/// link cannot be used again.
/// </summary>
public sealed partial class ClosedLoopBrowserTests(ClosedLoopFixture fixture)
    : DeskBrowserTestBase(fixture.Factory!, fixture.BaseAddress!), IClassFixture<ClosedLoopFixture>
{
    private const string Requester = "service@hengyuan.example.com"; // Api.Enterprise()'s address

    [ClosedLoopFact]
    public async Task An_unsatisfied_rating_from_the_emailed_link_reopens_the_ticket_for_supervised_rectification_and_the_link_is_spent()
    {
        var supervisorPage = await SignInAsync("loop.supervisor", Roles.Supervisor);
        await Assertions.Expect(supervisorPage).ToHaveURLAsync(new Regex("/supervision$"));
        await supervisorPage.GetByRole(AriaRole.Tab, new() { Name = "重办整改" }).ClickAsync();
        var reopened = supervisorPage.GetByTestId("reopened");
        await Assertions.Expect(reopened).ToBeVisibleAsync();

        // An enterprise's ticket goes the usual way: registered, dispatched, signed for and answered by 市场监管局.
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Enterprise(title: "园区企业反映周边超市长期销售过期食品"))).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        var scjg = await Factory.HandlerAsync("scjg");
        await Api.ActAsync(scjg, number, "sign-for");
        await Api.ActAsync(scjg, number, "reply", Api.Reply());

        // The outbox sender runs on its own, as in production, and the reply reaches the SMTP server.
        var replied = await EmailAsync(number, "replied");
        Assert.Equal(Requester, replied.To.Mailboxes.Single().Address);
        var link = RatingLink().Match(replied.Text());
        Assert.True(link.Success, $"no rating link in the reply email:\n{replied.Text()}");
        var ratingUrl = link.Value;
        Assert.StartsWith(fixture.PublicBaseUrl + "/rate/", ratingUrl, StringComparison.Ordinal);
        Assert.Contains($"href=\"{ratingUrl}\"", replied.Html(), StringComparison.Ordinal); // the same link behind the HTML's button

        // A second tab of the same email stays open on the form, as a requester's phone would keep it.
        var staleTab = await PhonePageAsync(ratingUrl);
        var phone = await PhonePageAsync(ratingUrl);
        await Assertions.Expect(phone.GetByText("园区企业反映周边超市长期销售过期食品")).ToBeVisibleAsync();
        await phone.GetByLabel("不满意", new() { Exact = true }).TapAsync();
        await phone.GetByLabel("未解决", new() { Exact = true }).TapAsync();
        await phone.GetByLabel("意见建议（选填）").FillAsync("超市仍在销售过期食品，问题没有解决。");
        await phone.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).TapAsync();
        await Assertions.Expect(phone.GetByText("感谢您的评价！")).ToBeVisibleAsync();
        await Assertions.Expect(phone.Locator("#recorded")).ToContainTextAsync("不满意");
        await Assertions.Expect(phone.Locator("#recorded")).ToContainTextAsync("我们将督促承办单位整改");

        // 整改: reopened by the system with a rectification order, in the same transaction as the rating.
        var supervisor = await Factory.SupervisorAsync();
        var ticket = await Api.GetAsync(supervisor, $"/api/tickets/{number}");
        Assert.Equal(("Reopened", 1), (ticket.Str("status"), ticket.GetProperty("reopenCount").GetInt32()));
        Assert.Equal([1], ticket.GetProperty("openSupervisionOrders").EnumerateArray().Select(o => o.GetInt32()));
        var tail = (await RatingStory.EventsAsync(Factory, number)).TakeLast(3).ToArray();
        Assert.Equal([("rate", "Requester"), ("reopen", "Admin"), ("supervise", "Admin")], tail.Select(e => (e.Str("action"), e.Str("actorRole"))));
        Assert.Contains("第 1 次整改", tail[1].GetProperty("change").Str("reason"), StringComparison.Ordinal);
        var rating = (await Api.GetAsync(supervisor, $"/api/tickets/{number}/ratings")).EnumerateArray().Single();
        Assert.Equal(("Dissatisfied", false, "超市仍在销售过期食品，问题没有解决。", "Link"),
            (rating.Str("level"), rating.GetProperty("resolved").GetBoolean(), rating.Str("comment"), rating.Str("channel")));

        // The supervisor's desk, open all along, shows the ticket back for rectification without a reload.
        var row = reopened.Locator("tr", new() { HasText = number });
        await Assertions.Expect(row).ToContainTextAsync("第 1 次整改");

        // The requester is told that the ticket is being handled again.
        var reopenedMail = await EmailAsync(number, "reopened");
        Assert.Equal(Requester, reopenedMail.To.Mailboxes.Single().Address);
        Assert.Contains("重新交办", reopenedMail.Text(), StringComparison.Ordinal);

        // The link is spent: opened again it shows the rating on record and says why there is no form...
        await phone.GotoAsync(ratingUrl);
        await Assertions.Expect(phone.Locator("#already-rated")).ToContainTextAsync("同一评价链接不能重复评价");
        await Assertions.Expect(phone.Locator("#recorded")).ToContainTextAsync("不满意");
        await Assertions.Expect(phone.GetByRole(AriaRole.Button, new() { Name = "提交评价" })).ToHaveCountAsync(0);
        // ...and the tab still showing the form is refused when it submits.
        await staleTab.GetByLabel("满意", new() { Exact = true }).TapAsync();
        await staleTab.GetByLabel("已解决", new() { Exact = true }).TapAsync();
        await staleTab.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).TapAsync();
        await Assertions.Expect(staleTab.Locator("#already-rated[role=alert]")).ToContainTextAsync("同一评价链接不能重复评价");
        await Assertions.Expect(staleTab.GetByText("感谢您的评价！")).ToHaveCountAsync(0);
        Assert.Equal("Dissatisfied", Assert.Single((await Api.GetAsync(supervisor, $"/api/tickets/{number}/ratings")).EnumerateArray()).Str("level"));

        // Once dispatched again (to the department proposed for rectification), the order waits for its answer on the desk.
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await supervisorPage.GetByRole(AriaRole.Tab, new() { Name = "督办单" }).ClickAsync();
        await Assertions.Expect(supervisorPage.GetByTestId("open-orders").Locator("tr", new() { HasText = number })).ToContainTextAsync("第 1 号");
    }

    /// <summary>The email of a kind for the ticket, once the SMTP server has it.</summary>
    private async Task<MimeMessage> EmailAsync(string number, string kind)
    {
        var until = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var found = fixture.Sink!.Messages().Where(m => m.Ticket() == number && m.MessageId!.Contains($".{kind}@", StringComparison.Ordinal)).ToList();
            if (found.Count > 0)
                return Assert.Single(found);
            Assert.True(until.Elapsed < TimeSpan.FromSeconds(30), $"no {kind} email for {number} reached the SMTP server within 30 s");
            await Task.Delay(100);
        }
    }

    /// <summary>A phone-sized page (390×844, touch) that opens the link as the mail app would: the absolute address.</summary>
    private async Task<IPage> PhonePageAsync(string url)
    {
        var page = await NewPhonePageAsync("zh-CN");
        await page.GotoAsync(url);
        return page;
    }

    [GeneratedRegex(@"https?://\S+/rate/[A-Za-z0-9_\-\.]+")]
    private static partial Regex RatingLink();
}

/// <summary>
/// A server on a real socket whose emails go to a loopback SMTP sink through the background outbox sender, and whose
/// requester links name the server's own address, so a link taken out of an email opens on it.
/// </summary>
public sealed class ClosedLoopFixture : IAsyncLifetime
{
    public HotlineFactory? Factory { get; private set; }
    public SmtpSink? Sink { get; private set; }
    public Uri? BaseAddress => Factory?.ClientOptions.BaseAddress;
    public string PublicBaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (ClosedLoopFactAttribute.MissingReason is not null)
            return;
        Sink = await SmtpSink.StartAsync();
        var port = SmtpSink.FreePort();
        PublicBaseUrl = $"http://127.0.0.1:{port}";
        Factory = Mail.Server(Sink.Port);
        Factory.Settings["Notifications:PollMilliseconds"] = "200"; // the background sender runs, woken by each commit
        Factory.Settings["Hotline:RequesterLinks:PublicBaseUrl"] = PublicBaseUrl;
        Factory.UseKestrel(port);
        Factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
            Factory.DeleteData();
        }
        if (Sink is not null)
            await Sink.DisposeAsync();
    }
}

/// <summary>Needs Debian's Chromium and python3-aiosmtpd; skipped with the reason when either is missing.</summary>
public sealed class ClosedLoopFactAttribute : FactAttribute
{
    public ClosedLoopFactAttribute()
    {
        if (MissingReason is { } reason)
            Skip = reason;
    }

    public static string? MissingReason =>
        !File.Exists(BrowserFactAttribute.Chromium)
            ? $"Chromium is not installed at {BrowserFactAttribute.Chromium}; ./test.sh installs it (apt: chromium)."
            : SmtpSink.MissingReason;
}
