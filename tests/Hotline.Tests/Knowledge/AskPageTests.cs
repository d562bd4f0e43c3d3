using System.Text.RegularExpressions;
using Hotline.Tests.Notifications;

namespace Hotline.Tests.Knowledge;

/// <summary>The public Q&amp;A page (/ask) over HTTP: public articles only, the online ticket through intake, the per-IP limit.</summary>
public sealed partial class AskPageTests(AskPageTests.Fixture fixture) : IClassFixture<AskPageTests.Fixture>, IAsyncLifetime
{
    /// <summary>A server with a small public limit, so the test reaches it.</summary>
    public sealed class Fixture() : HotlineFixture(new HotlineFactory(settings: Knowledge.Seeded(new() { ["Knowledge:PublicRequestsPerMinute"] = "1000" })));

    private HotlineFactory Factory => fixture.Factory;

    public Task InitializeAsync() => Knowledge.SeededAsync(Factory);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_public_finds_published_answers_and_never_expired_ones()
    {
        var client = Factory.CreateClient();
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/ask?q={Uri.EscapeDataString("低保标准")}"));
        Assert.Contains("低保标准", html, StringComparison.Ordinal);
        var expired = await Knowledge.IdOfSeedAsync(Factory, "faq-consumption-vouchers");
        var vouchers = await client.GetStringAsync($"/ask?q={Uri.EscapeDataString("文旅消费券怎么领取")}");
        Assert.DoesNotContain($"/ask/{expired}?", vouchers, StringComparison.Ordinal);
        using var direct = await client.GetAsync($"/ask/{expired}");
        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);
    }

    [Fact]
    public async Task Still_need_help_registers_a_web_ticket_through_intake_once_with_its_validation()
    {
        var client = Factory.CreateClient();
        var form = await client.GetStringAsync($"/ask/help?q={Uri.EscapeDataString("小区门口的路灯坏了一个月没人修")}");
        var token = WebUtility.HtmlDecode(Token().Match(form).Groups[1].Value);
        var key = WebUtility.HtmlDecode(Key().Match(form).Groups[1].Value);
        Dictionary<string, string> Values(string phone) => new()
        {
            ["_handler"] = "help", ["__RequestVerificationToken"] = token, ["Form.Key"] = key, ["Form.Question"] = "小区门口的路灯坏了一个月没人修",
            ["Form.Description"] = "天宁区红梅新村门口路灯不亮一个月了。", ["Form.CategoryCode"] = "urban-management", ["Form.DistrictCode"] = "tianning",
            ["Form.Kind"] = "Citizen", ["Form.Name"] = "周先生", ["Form.Phone"] = phone, ["Form.Email"] = "",
        };

        using (var invalid = await client.PostAsync("/ask/help", new FormUrlEncodedContent(Values("12345"))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Contains("电话号码格式不正确", WebUtility.HtmlDecode(await invalid.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        string number, code;
        using (var registered = await client.PostAsync("/ask/help", new FormUrlEncodedContent(Values("13912345678"))))
        {
            var page = await registered.Content.ReadAsStringAsync();
            number = Number().Match(page).Value;
            Assert.False(string.IsNullOrEmpty(number), page);
            code = ShownCode().Match(page).Groups[1].Value; // shown once: the requester has no email on this ticket
            Assert.Matches("^[0-9]{8}$", code);
        }
        using (var twice = await client.PostAsync("/ask/help", new FormUrlEncodedContent(Values("13912345678"))))
        {
            var page = await twice.Content.ReadAsStringAsync();
            Assert.Contains(number, page, StringComparison.Ordinal); // a second tap: the same ticket
            Assert.DoesNotContain(code, page, StringComparison.Ordinal); // whose code is kept only hashed
        }
        var (tracked, _) = await Hotline.Tests.Ratings.RatingStory.PostFormAsync(Factory.CreateClient(), "/track", "track",
            new() { ["Lookup.Number"] = number, ["Lookup.Code"] = code });
        Assert.Equal(HttpStatusCode.OK, tracked);

        var ticket = await Api.GetAsync(await Factory.AgentAsync(), $"/api/tickets/{number}");
        Assert.Equal(("Web", "Consultation", "Registered", "在线问答"), (ticket.Str("channel"), ticket.Str("type"), ticket.Str("status"), ticket.GetProperty("owner").Str("name")));
        var tickets = await Api.GetAsync(await Factory.AgentAsync(), "/api/tickets?channel=Web");
        Assert.Single(tickets.GetProperty("items").EnumerateArray(), t => t.Str("title") == "小区门口的路灯坏了一个月没人修");
    }

    [Fact]
    public async Task Still_need_help_sent_without_a_question_asks_for_the_question_and_not_for_the_optional_details()
    {
        // Bug: "详细情况（选填）" said "必填项。" too: an empty description takes the question, which was empty as well.
        var client = Factory.CreateClient();
        var form = await client.GetStringAsync("/ask/help");
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "help", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(Token().Match(form).Groups[1].Value),
            ["Form.Key"] = WebUtility.HtmlDecode(Key().Match(form).Groups[1].Value), ["Form.Question"] = "", ["Form.Description"] = "",
            ["Form.CategoryCode"] = "urban-management", ["Form.Kind"] = "Citizen", ["Form.Name"] = "周先生", ["Form.Phone"] = "13912345678",
        };

        using var refused = await client.PostAsync("/ask/help", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Single(Regex.Matches(page, "必填项。")); // under the question only
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    internal static partial Regex Token();

    [GeneratedRegex("name=\"Form.Key\" value=\"([^\"]+)\"")]
    internal static partial Regex Key();

    [GeneratedRegex("id=\"access-code\">([0-9]{8})<")]
    internal static partial Regex ShownCode();

    [GeneratedRegex("HL\\d{14}")]
    internal static partial Regex Number();
}

/// <summary>The per-IP limit of the public Q&amp;A page, configured like the rating pages' (Knowledge:PublicRequestsPerMinute).</summary>
public sealed class AskRateLimitTests(AskRateLimitTests.Fixture fixture) : IClassFixture<AskRateLimitTests.Fixture>
{
    public sealed class Fixture() : HotlineFixture(new HotlineFactory(settings: new Dictionary<string, string?> { ["Knowledge:PublicRequestsPerMinute"] = "5" }));

    [Fact]
    public async Task Too_many_requests_from_one_address_are_refused()
    {
        var client = fixture.Factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await client.GetAsync($"/ask?q={i}");
            statuses.Add(response.StatusCode);
        }
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }
}
