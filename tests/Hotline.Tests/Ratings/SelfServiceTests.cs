using Hotline.Domain.Tickets;
using Hotline.Server.Ratings;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Ratings;

/// <summary>The enterprise self-service page (/track): ticket number plus access code, the requester's timeline, adding information.</summary>
public sealed class SelfServiceTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    private Task<string> Code(string number) => AccessCodeAsync(Factory, number);

    private static Dictionary<string, string> Lookup(string number, string code) => new() { ["Lookup.Number"] = number, ["Lookup.Code"] = code };

    /// <summary>An enterprise's ticket with a department at work on it, and all the centre's internal traffic.</summary>
    private async Task<string> WorkedTicketAsync()
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Enterprise())).Number();
        var dispatcher = await Factory.DispatcherAsync();
        var supervisor = await Factory.SupervisorAsync();
        await Api.ActAsync(dispatcher, number, "dispatch", new JsonObject { ["departmentCode"] = "zjj", ["instructions"] = "内部派单意见：先核实企业资质" });
        await Api.ActAsync(await Factory.HandlerAsync("zjj"), number, "return", new JsonObject { ["reason"] = "NotOurResponsibility", ["explanation"] = "内部退单理由：不归住建" });
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        var scjg = await Factory.HandlerAsync("scjg");
        await Api.ActAsync(scjg, number, "sign-for");
        await Api.ActAsync(scjg, number, "add-progress", new JsonObject { ["note"] = "内部进展：窗口人员请假" });
        await Api.ActAsync(supervisor, number, "supervise", new JsonObject { ["instructions"] = "内部督办：尽快办结", ["dueAt"] = (HotlineFactory.Start + TimeSpan.FromDays(3)).ToString("O") });
        await Api.ActAsync(scjg, number, "request-extension", new JsonObject { ["reason"] = "内部延期理由", ["requestedDeadline"] = "2026-12-10T17:30:00+08:00" });
        await Api.ActAsync(supervisor, number, "decide-extension", new JsonObject { ["approved"] = true });
        await Api.ActAsync(supervisor, number, "escalate-to-leader", new JsonObject { ["reason"] = "内部提请领导" });
        await Api.ActAsync(await Factory.ClientAsync(Roles.Leader), number, "leader-instruct", new JsonObject { ["instructions"] = "内部领导批示", ["dueAt"] = (HotlineFactory.Start + TimeSpan.FromDays(4)).ToString("O") });
        await Api.ActAsync(scjg, number, "await-requester", new JsonObject { ["reason"] = "请上传营业执照副本照片" });
        return number;
    }

    [Fact]
    public async Task The_right_code_shows_status_and_the_requesters_timeline_but_never_internal_notes()
    {
        var number = await WorkedTicketAsync();

        var (status, html) = await PostFormAsync(Factory.CreateClient(), $"/track?number={number}", "track", Lookup(number, await Code(number)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("已签收", html, StringComparison.Ordinal);
        Assert.Contains("已转交承办单位：常州市市场监督管理局", html, StringComparison.Ordinal);
        Assert.Contains("办理期限已延长至 2026-12-10 17:30", html, StringComparison.Ordinal);
        Assert.Contains("请上传营业执照副本照片", html, StringComparison.Ordinal);
        Assert.DoesNotContain("内部", html, StringComparison.Ordinal);
        Assert.DoesNotContain("王芳", html, StringComparison.Ordinal); // no staff names either
        Assert.Contains("name=\"Message.Text\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_english_reader_sees_the_departments_in_the_timeline_in_english()
    {
        // Bug: "Passed to the department: 常州市市场监督管理局" on the English page.
        var number = await WorkedTicketAsync();
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        var (status, html) = await PostFormAsync(client, $"/track?number={number}", "track", Lookup(number, await Code(number)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Passed to the department: Changzhou Administration for Market Regulation", html, StringComparison.Ordinal);
        Assert.DoesNotContain("常州市市场监督管理局", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_code_is_refused_without_revealing_whether_the_ticket_exists()
    {
        var number = await RepliedTicketAsync(Factory);
        var code = await Code(number);
        var wrong = code[..7] + (code[7] == '0' ? '1' : '0');
        var client = Factory.CreateClient();

        var (wrongStatus, wrongHtml) = await PostFormAsync(client, "/track", "track", Lookup(number, wrong));
        var (noneStatus, noneHtml) = await PostFormAsync(client, "/track", "track", Lookup("HL20261123999999", wrong));

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (wrongStatus, noneStatus));
        Assert.Contains("工单编号或查询码不正确", wrongHtml, StringComparison.Ordinal);
        Assert.Contains("工单编号或查询码不正确", noneHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("超市出售过期牛奶", wrongHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adding_information_while_the_department_waits_ends_the_wait_and_resumes_the_handling_clock()
    {
        var number = await WorkedTicketAsync();
        var supervisor = await Factory.SupervisorAsync();
        var paused = (await Api.GetAsync(supervisor, $"/api/tickets/{number}/sla")).EnumerateArray().Single(c => c.Str("kind") == "Handling");
        Assert.NotNull(paused.GetProperty("pausedAt").GetString());

        var path = $"/track?number={number}";
        var client = Factory.CreateClient();
        // The add-information form appears on the looked-up page; post it with that page's hidden fields.
        var (lookedUpStatus, lookedUp) = await PostFormAsync(client, path, "track", Lookup(number, await Code(number)));
        Assert.Equal(HttpStatusCode.OK, lookedUpStatus);
        var token = System.Text.RegularExpressions.Regex.Match(lookedUp, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var added = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "message", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["Message.Number"] = number, ["Message.Code"] = await Code(number), ["Message.Text"] = "营业执照副本已补拍，统一社会信用代码见照片。",
        }));
        var addedHtml = WebUtility.HtmlDecode(await added.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Contains("已收到您补充的信息", addedHtml, StringComparison.Ordinal);
        Assert.Contains("营业执照副本已补拍", addedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Message.Text\"", addedHtml, StringComparison.Ordinal); // no longer waiting
        var ticket = await Api.GetAsync(supervisor, $"/api/tickets/{number}");
        Assert.False(ticket.TryGetProperty("awaitingRequesterSince", out var since) && since.ValueKind != JsonValueKind.Null);
        var last = (await EventsAsync(Factory, number)).Last();
        Assert.Equal(("requester-message", "Requester", "SelfService", true), (last.Str("action"), last.Str("actorRole"),
            last.GetProperty("change").Str("channel"), last.GetProperty("change").GetProperty("endedWait").GetBoolean()));
        var handling = (await Api.GetAsync(supervisor, $"/api/tickets/{number}/sla")).EnumerateArray().Single(c => c.Str("kind") == "Handling");
        Assert.False(handling.TryGetProperty("pausedAt", out var p) && p.ValueKind != JsonValueKind.Null); // running again
    }

    [Fact]
    public async Task An_email_reply_from_the_requester_is_added_and_one_from_a_stranger_is_not()
    {
        var number = await WorkedTicketAsync();
        await using var scope = Factory.Services.CreateAsyncScope();
        var messages = scope.ServiceProvider.GetRequiredService<RequesterMessages>();

        Assert.Null(await messages.AddAsync(number, "我是别人", RequesterMessageChannel.Email, CancellationToken.None, "someone@else.example.com"));
        Assert.NotNull(await messages.AddAsync(number, "附件为营业执照副本。", RequesterMessageChannel.Email, CancellationToken.None, "Service@Hengyuan.example.com"));

        var messagesOnRecord = (await EventsAsync(Factory, number)).Where(e => e.Str("action") == "requester-message").ToArray();
        var only = Assert.Single(messagesOnRecord);
        Assert.Equal(("Email", "附件为营业执照副本。"), (only.GetProperty("change").Str("channel"), only.GetProperty("change").Str("text")));
    }
}
