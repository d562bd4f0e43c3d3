using System.Text;

namespace Hotline.Tests.Security;

/// <summary>
/// Bad input found by trying the API as an attacker would: each gets a ProblemDetails 4xx naming the field, never a 500,
/// and nothing stored changes.
/// </summary>
public sealed class BadInputTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    public static TheoryData<string, string, string> OutOfRangeEnums() => new()
    {
        { "type", "99", "type" },
        { "type", "\"99\"", "type" },
        { "type", "\"Complaint, Report\"", "type" },
        { "priority", "-1", "priority" },
        { "channel", "1.5", "channel" },
        { "requester.kind", "7", "requester.kind" },
    };

    [Theory]
    [MemberData(nameof(OutOfRangeEnums))]
    public async Task An_enum_outside_its_values_is_refused_naming_the_field_and_nothing_is_stored(string field, string json, string named)
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen();
        var (parent, name) = field.Contains('.', StringComparison.Ordinal) ? ((JsonObject)body["requester"]!, field.Split('.')[1]) : (body, field);
        parent[name] = JsonNode.Parse(json);
        var before = await SecurityKit.DatabaseStateAsync(Factory);

        using var response = await Api.PostAsync(agent, "/api/tickets", body);

        var problem = await SecurityKit.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(named, out _), problem.ToString());
        Assert.Equal(before, await SecurityKit.DatabaseStateAsync(Factory));
    }

    [Fact]
    public async Task A_defined_enum_number_is_still_accepted() // "names and numbers": 1 is HelpRequest
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen(title: "按编号提交的类型");
        body["type"] = 1;

        var ticket = await Api.RegisterAsync(agent, body);

        Assert.Equal("HelpRequest", ticket.Str("type"));
    }

    [Theory]
    [InlineData("return", "reason", "99")]
    [InlineData("reply", "result", "9")]
    public async Task An_action_body_enum_outside_its_values_is_refused(string action, string field, string value)
    {
        var (number, handler) = await DispatchedAndSignedAsync();
        var body = action == "return" ? Api.Return() : Api.Reply();
        body[field] = JsonNode.Parse(value);
        var before = await SecurityKit.DatabaseStateAsync(Factory);

        using var response = await Api.ActionAsync(handler, number, action, await VersionAsync(handler, number), body);

        var problem = await SecurityKit.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await SecurityKit.DatabaseStateAsync(Factory));
    }

    [Theory]
    [InlineData("/api/tickets?from=0001-01-01", "from")]
    [InlineData("/api/tickets?to=9999-12-31", "to")]
    [InlineData("/api/tickets?from=2026-02-30", "from")]
    [InlineData("/api/sla/digests?day=2026-99-99", "day")]
    [InlineData("/api/sla/digests?day=0001-01-01", "day")]
    [InlineData("/api/ratings/summary?from=0001-01-01", "from")]
    [InlineData("/api/ratings/summary?to=9999-12-31", "to")]
    public async Task Days_out_of_a_sensible_range_are_refused_naming_the_field(string url, string field)
    {
        var supervisor = await Factory.SupervisorAsync();

        using var response = await supervisor.GetAsync(url);

        var problem = await SecurityKit.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("9999-12-31T00:00:00+08:00")]
    [InlineData("2030-01-01T00:00:00+08:00")]
    public async Task A_supervision_deadline_years_ahead_is_refused(string dueAt)
    {
        var (number, _) = await DispatchedAndSignedAsync();
        var supervisor = await Factory.SupervisorAsync();

        using var response = await Api.ActionAsync(supervisor, number, "supervise", await VersionAsync(supervisor, number),
            new JsonObject { ["instructions"] = "请加快办理。", ["dueAt"] = dueAt });

        var problem = await SecurityKit.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("dueAt", out _), problem.ToString());
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00+08:00")]
    [InlineData("not a date")]
    public async Task A_deadline_no_clock_can_hold_is_a_bad_request_not_a_fault(string dueAt)
    {
        var (number, _) = await DispatchedAndSignedAsync();
        var supervisor = await Factory.SupervisorAsync();

        using var response = await Api.ActionAsync(supervisor, number, "supervise", await VersionAsync(supervisor, number),
            new JsonObject { ["instructions"] = "请加快办理。", ["dueAt"] = dueAt });

        await SecurityKit.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("\u0000", "U+0000")]
    [InlineData("\u001b[2J", "U+001B")]
    [InlineData("\u202e", "U+202E")]
    public async Task Control_and_direction_characters_in_a_title_are_refused_naming_them(string bad, string named)
    {
        var agent = await Factory.AgentAsync();
        var before = await SecurityKit.DatabaseStateAsync(Factory);

        using var response = await Api.PostAsync(agent, "/api/tickets", Api.Citizen(title: $"门口占道{bad}经营"));

        var problem = await SecurityKit.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(named, problem.GetProperty("errors").GetProperty("title")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await SecurityKit.DatabaseStateAsync(Factory));
    }

    [Fact]
    public async Task A_lone_surrogate_escape_is_a_bad_request()
    {
        var agent = await Factory.AgentAsync();
        var json = Api.Citizen(title: "LONE-SURROGATE").ToJsonString().Replace("LONE-SURROGATE", "门口\\ud800占道", StringComparison.Ordinal);

        using var response = await agent.PostAsync("/api/tickets", new StringContent(json, Encoding.UTF8, "application/json"));

        await SecurityKit.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Sixty_emoji_fit_a_title_of_a_hundred_characters()
    {
        var agent = await Factory.AgentAsync();
        var sixty = string.Concat(Enumerable.Repeat("😡", 60));

        var ticket = await Api.RegisterAsync(agent, Api.Citizen(title: sixty));
        using var tooLong = await Api.PostAsync(agent, "/api/tickets", Api.Citizen(title: sixty + string.Concat(Enumerable.Repeat("😡", 41))));

        Assert.Equal(sixty, ticket.Str("title"));
        await SecurityKit.ProblemAsync(tooLong, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(null, "不支持该请求内容类型。")]
    [InlineData("en", "The request body has a content type this endpoint does not accept.")]
    public async Task The_415_title_is_localized(string? language, string title)
    {
        var agent = await Factory.ClientAsync(Roles.Agent, acceptLanguage: language);

        using var response = await agent.PostAsync("/api/tickets", new StringContent(Api.Citizen().ToJsonString(), Encoding.UTF8, "text/plain"));

        Assert.Equal(title, (await SecurityKit.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType)).Str("title"));
    }

    [Theory]
    [InlineData("/api/no-such-thing")]
    [InlineData("/nope/whatever")]
    public async Task An_unknown_address_is_not_found_not_a_missing_ticket(string url)
    {
        using var response = await (await Factory.AgentAsync()).GetAsync(url);

        Assert.Equal("未找到请求的资源。", (await SecurityKit.ProblemAsync(response, HttpStatusCode.NotFound)).Str("title"));
    }

    [Fact]
    public async Task A_missing_ticket_still_says_so()
    {
        using var response = await (await Factory.AgentAsync()).GetAsync("/api/tickets/HL20200101000001");

        Assert.Equal("工单不存在或无权查看。", (await SecurityKit.ProblemAsync(response, HttpStatusCode.NotFound)).Str("title"));
    }

    [Fact]
    public async Task Signing_out_of_the_console_without_the_antiforgery_cookie_is_a_bad_request()
    {
        using var response = await Factory.CreateClient().PostAsync("/account/logout", new FormUrlEncodedContent([]));

        await SecurityKit.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/%5Cevil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("/%09/evil.example")]
    public async Task The_language_switch_never_redirects_off_the_site(string returnUrl)
    {
        var client = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync($"/culture?culture=en&returnUrl={returnUrl}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_language_switch_returns_to_a_page_on_the_site()
    {
        var client = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/culture?culture=en&returnUrl=%2Fdispatch%3Ftab%3D1");

        Assert.Equal("/dispatch?tab=1", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers()
    {
        var agent = await Factory.AgentAsync();
        foreach (var url in new[] { "/api/tickets", "/login", "/api/tickets/HL20200101000001", "/health/live", "/nope" })
        {
            using var response = await (url == "/login" ? Factory.CreateClient() : agent).GetAsync(url);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }
        using var api = await agent.GetAsync("/api/tickets");
        Assert.True(api.Headers.CacheControl?.NoStore, "API answers hold personal data and are not cached");
    }

    private async Task<(string Number, HttpClient Handler)> DispatchedAndSignedAsync()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var handler = await Factory.HandlerAsync("scjg");
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "枚举与日期的边界"))).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(handler, number, "sign-for");
        return (number, handler);
    }

    private static async Task<int> VersionAsync(HttpClient client, string number) =>
        (await Api.GetAsync(client, $"/api/tickets/{number}")).GetProperty("version").GetInt32();
}
