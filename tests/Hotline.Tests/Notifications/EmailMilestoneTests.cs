using Hotline.Server.Notifications;
using Hotline.Server.Ratings;
using Hotline.Server.Sla;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Hotline.Tests.Notifications;

/// <summary>What a requester (and a department head) receives, through a real SMTP server on loopback.</summary>
public sealed class EmailMilestoneTests : IAsyncLifetime
{
    private SmtpSink sink = null!;
    private HotlineFactory factory = null!;

    public async Task InitializeAsync()
    {
        if (SmtpSink.MissingReason is not null)
            return;
        sink = await SmtpSink.StartAsync();
        factory = Mail.Server(sink.Port);
        factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        if (factory is null)
            return;
        await factory.DisposeAsync();
        factory.DeleteData();
        await sink.DisposeAsync();
    }

    [SmtpFact]
    public async Task An_enterprise_hears_of_registration_dispatch_extension_reply_reopen_and_close_in_Chinese()
    {
        var agent = await factory.AgentAsync();
        var dispatcher = await factory.DispatcherAsync();
        var supervisor = await factory.SupervisorAsync();
        var scjg = await factory.HandlerAsync("scjg");
        var number = (await Api.RegisterAsync(agent, Api.Enterprise())).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(scjg, number, "sign-for");
        await Api.ActAsync(scjg, number, "request-extension", new JsonObject
        {
            ["reason"] = "需协调多部门联合核查。", ["requestedDeadline"] = new DateTimeOffset(2026, 12, 11, 17, 30, 0, TimeSpan.FromHours(8)).ToString("O"),
        });
        await Api.ActAsync(supervisor, number, "decide-extension", new JsonObject { ["approved"] = true });
        await Api.ActAsync(scjg, number, "reply", Api.Reply());
        await Api.ActAsync(supervisor, number, "reopen", Api.Reopen());
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(scjg, number, "sign-for");
        await Api.ActAsync(scjg, number, "reply", Api.Reply());
        await Api.ActAsync(agent, number, "close");

        var round = await Mail.SendAsync(factory);
        Assert.Equal(8, round.Sent); // registered, dispatched ×2, extension, replied ×2, reopened, closed
        var mail = (await sink.WaitForAsync(8)).Where(m => m.Ticket() == number).ToList();
        Assert.All(mail, m => Assert.Equal("service@hengyuan.example.com", m.To.Mailboxes.Single().Address));
        Assert.All(mail, m => Assert.Contains(number, m.Subject, StringComparison.Ordinal));

        var registered = mail.Of("registered");
        var code = await Hotline.Tests.Ratings.RatingStory.AccessCodeAsync(factory, number);
        Assert.Matches("^[0-9]{8}$", code);
        Assert.Contains(code, registered.Text(), StringComparison.Ordinal);
        Assert.Contains($"{Mail.PublicBaseUrl}/track?number={number}", registered.Text(), StringComparison.Ordinal);
        Assert.Contains(code, registered.Html(), StringComparison.Ordinal);
        Assert.All(mail.Where(m => m != registered), m => Assert.DoesNotContain(code, m.Text() + m.Html(), StringComparison.Ordinal));
        Assert.Contains("已于 2026年11月23日 10:00 登记", registered.Text(), StringComparison.Ordinal);

        var dispatched = mail.Where(m => m.MessageId!.Contains(".dispatched@", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, dispatched.Count);
        Assert.All(dispatched, m => Assert.Contains("常州市市场监督管理局", m.Subject + m.Text(), StringComparison.Ordinal));

        Assert.Contains("2026年12月11日 17:30", mail.Of("extension-approved").Text(), StringComparison.Ordinal);

        var replies = mail.Where(m => m.MessageId!.Contains(".replied@", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, replies.Count);
        Assert.All(replies, m => Assert.Contains("已现场核查并处理，摊贩已劝离。", m.Text(), StringComparison.Ordinal));
        Assert.All(replies, m => Assert.Contains($"{Mail.PublicBaseUrl}/rate/", m.Text(), StringComparison.Ordinal));
        var token = replies[1].Text().Split($"{Mail.PublicBaseUrl}/rate/")[1].Split('\n')[0].Trim();
        var reading = factory.Services.GetRequiredService<RequesterLinks>().ReadRatingToken(token);
        Assert.Equal((RatingTokenStatus.Valid, number, 1), (reading.Status, reading.Number, reading.Round)); // the second reply asks for the second round's rating

        Assert.Contains("重新交办", mail.Of("reopened").Text(), StringComparison.Ordinal);
        Assert.Contains("已办结归档", mail.Of("closed").Subject, StringComparison.Ordinal);
        Assert.All(mail, m => Assert.Equal($"{m.Ticket()}", m.Headers["X-Hotline-Ticket"]));
    }

    [SmtpFact]
    public async Task A_requester_whose_ticket_is_tagged_lang_en_gets_English_emails()
    {
        var body = Api.Citizen();
        body["tags"] = new JsonArray("lang:en");
        var number = (await Api.RegisterAsync(await factory.AgentAsync(), body)).Number();
        await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));

        await Mail.SendAsync(factory);
        var mail = (await sink.WaitForAsync(2)).Where(m => m.Ticket() == number).ToList();
        Assert.Equal($"Your request is registered (ticket {number})", mail.Of("registered").Subject);
        Assert.Contains("23 Nov 2026 10:00 (UTC+8)", mail.Of("registered").Text(), StringComparison.Ordinal);
        Assert.Contains("Changzhou Administration for Market Regulation", mail.Of("dispatched").Subject, StringComparison.Ordinal);
        Assert.All(await Mail.OutboxAsync(factory, number), o => Assert.Equal("en", o.Language));
    }

    [SmtpFact]
    public async Task What_people_typed_is_HTML_escaped_in_the_HTML_part_and_left_as_typed_in_the_text_part()
    {
        var body = Api.Citizen(title: "<script>alert('x')</script> & <b>噪音</b>");
        body["requester"]!["name"] = "张<img src=x onerror=alert(1)>";
        var number = (await Api.RegisterAsync(await factory.AgentAsync(), body)).Number();

        await Mail.SendAsync(factory);
        var registered = (await sink.WaitForAsync(1)).Where(m => m.Ticket() == number).Of("registered");
        Assert.DoesNotContain("<script>", registered.Html(), StringComparison.Ordinal);
        Assert.DoesNotContain("<img", registered.Html(), StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;噪音&lt;/b&gt;", registered.Html(), StringComparison.Ordinal);
        Assert.Contains("<script>alert('x')</script> & <b>噪音</b>", registered.Text(), StringComparison.Ordinal);
    }

    [SmtpFact]
    public async Task A_requester_without_an_email_address_gets_nothing_and_a_confidential_reporter_gets_only_their_own_ticket()
    {
        var silent = Api.Citizen(phone: "13900000001");
        ((JsonObject)silent["requester"]!).Remove("email");
        var none = (await Api.RegisterAsync(await factory.AgentAsync(), silent)).Number();
        var reporter = Api.Citizen(type: "Report", confidential: true, phone: "13900000002");
        var confidential = (await Api.RegisterAsync(await factory.AgentAsync(), reporter)).Number();

        Assert.Empty(await Mail.OutboxAsync(factory, none));
        var row = Assert.Single(await Mail.OutboxAsync(factory, confidential));
        Assert.Equal("zhang@example.com", row.ToAddress); // they gave it to be told: their own address, unmasked
        Assert.DoesNotContain(none, row.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("13900000002", row.TextBody + row.HtmlBody, StringComparison.Ordinal); // not even their own phone
    }

    [SmtpFact]
    public async Task A_missed_handling_deadline_emails_the_department_head_in_the_same_transaction_as_the_breach()
    {
        var number = (await Api.RegisterAsync(await factory.AgentAsync(), Api.Citizen(title: "夜市油烟扰民"))).Number();
        await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        var admin = await factory.ClientAsync(Roles.Admin);
        using (var put = await admin.PutAsJsonAsync("/api/notifications/department-heads/scjg", new { headName = "周局长", headEmail = "director@scjg.example.cn" }))
            await Api.ExpectAsync(put, HttpStatusCode.OK);

        var handling = (await Api.GetAsync(admin, $"/api/tickets/{number}/sla")).EnumerateArray().Single(c => c.Str("kind") == "Handling");
        factory.Clock.SetUtcNow(handling.GetProperty("dueAt").GetDateTimeOffset().ToUniversalTime().AddMinutes(1));
        await factory.Services.GetRequiredService<SlaSweeper>().SweepAsync(default);

        var events = (await Api.GetAsync(admin, $"/api/tickets/{number}/events")).EnumerateArray().ToList();
        var breaches = events.Where(e => e.Str("action") == "sla-breach").ToList();
        var toHead = (await Mail.OutboxAsync(factory, number)).Where(o => o.Kind == EmailKinds.SlaBreach).ToList();
        Assert.Equal(2, toHead.Count); // sign-for and handling both passed
        Assert.Equal(breaches.Select(e => e.GetProperty("version").GetInt32()).Order(), toHead.Select(o => o.EventVersion ?? 0).Order());
        Assert.All(toHead, o => Assert.Equal("director@scjg.example.cn", o.ToAddress));

        await Mail.SendAsync(factory);
        var mail = (await sink.WaitForAsync(4)).Where(m => m.Ticket() == number && m.MessageId!.Contains(".sla-breach@", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, mail.Count);
        var handlingMail = mail.Single(m => m.Subject!.Contains("办理时限", StringComparison.Ordinal));
        Assert.Equal("【超时通报】工单 " + number + " 已超过办理时限", handlingMail.Subject);
        Assert.Contains("周局长，您好", handlingMail.Text(), StringComparison.Ordinal);
        Assert.Contains("夜市油烟扰民", handlingMail.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain("张三丰", handlingMail.Text() + handlingMail.Html(), StringComparison.Ordinal); // nothing of the requester
        Assert.DoesNotContain("13812345678", handlingMail.Text() + handlingMail.Html(), StringComparison.Ordinal);
    }

    [SmtpFact]
    public async Task A_department_whose_head_was_cleared_gets_no_breach_email_and_the_seeded_heads_are_listed()
    {
        var admin = await factory.ClientAsync(Roles.Admin);
        var heads = await Api.GetAsync(admin, "/api/notifications/department-heads");
        Assert.Equal("zjj-head@example.cn", heads.EnumerateArray().Single(h => h.Str("code") == "zjj").Str("headEmail"));
        using (var bad = await admin.PutAsJsonAsync("/api/notifications/department-heads/zjj", new { headEmail = "not an address" }))
            Assert.Equal("headEmail", (await Api.ExpectAsync(bad, HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Single().Name);
        using (var cleared = await admin.PutAsJsonAsync("/api/notifications/department-heads/zjj", new { headEmail = "" }))
            await Api.ExpectAsync(cleared, HttpStatusCode.OK);

        var number = (await Api.RegisterAsync(await factory.AgentAsync())).Number();
        await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("zjj"));
        factory.Clock.Advance(TimeSpan.FromDays(30));
        await factory.Services.GetRequiredService<SlaSweeper>().SweepAsync(default);
        Assert.DoesNotContain(await Mail.OutboxAsync(factory, number), o => o.Kind == EmailKinds.SlaBreach);
    }
}
