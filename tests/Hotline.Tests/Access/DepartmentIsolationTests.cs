
namespace Hotline.Tests.Access;

/// <summary>A department handler sees and acts only on their own department's tickets: anything else is 404, not 403.</summary>
public sealed class DepartmentIsolationTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    public static TheoryData<string, string> EveryTicketEndpoint => new()
    {
        { "GET", "/api/tickets/{0}" },
        { "GET", "/api/tickets/{0}/events" },
        { "GET", "/api/tickets/{0}/attachments" },
        { "GET", "/api/tickets/{0}/attachments/{1}" },
        { "POST", "/api/tickets/{0}/attachments" },
        { "POST", "/api/tickets/{0}/actions/sign-for" },
        { "POST", "/api/tickets/{0}/actions/return" },
        { "POST", "/api/tickets/{0}/actions/reply" },
        { "POST", "/api/tickets/{0}/actions/dispatch" },
        { "POST", "/api/tickets/{0}/actions/resolve-at-intake" },
        { "POST", "/api/tickets/{0}/actions/close" },
        { "POST", "/api/tickets/{0}/actions/reopen" },
        { "POST", "/api/tickets/{0}/actions/add-progress" },
        { "POST", "/api/tickets/{0}/actions/contribute" },
        { "POST", "/api/tickets/{0}/actions/request-extension" },
        { "POST", "/api/tickets/{0}/actions/decide-extension" },
        { "POST", "/api/tickets/{0}/actions/supervise" },
        { "POST", "/api/tickets/{0}/actions/answer-supervision" },
        { "POST", "/api/tickets/{0}/actions/escalate-to-leader" },
        { "POST", "/api/tickets/{0}/actions/leader-instruct" },
        { "POST", "/api/tickets/{0}/actions/mark-duplicate" },
    };

    [Theory]
    [InlineData("/api/tickets/{0}/duplicate-hints")]
    [InlineData("/api/tickets/{0}/routing")]
    public async Task Endpoints_closed_to_handlers_answer_403_for_any_ticket_so_nothing_is_revealed(string template)
    {
        var (number, _) = await TicketDispatchedToAsync("scjg");
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, number);

        using var own = await (await Factory.HandlerAsync("scjg")).GetAsync(url);
        using var other = await (await Factory.HandlerAsync("zjj")).GetAsync(url);
        using var missing = await (await Factory.HandlerAsync("zjj")).GetAsync(url.Replace(number, "HL20200101000001", StringComparison.Ordinal));

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], new[] { own.StatusCode, other.StatusCode, missing.StatusCode });
    }

    [Theory]
    [MemberData(nameof(EveryTicketEndpoint))]
    public async Task Handler_of_another_department_gets_404_and_changes_nothing(string method, string template)
    {
        var (number, attachmentId) = await TicketDispatchedToAsync("scjg");
        var other = await Factory.HandlerAsync("zjj");

        using var response = await SendAsync(other, method, string.Format(System.Globalization.CultureInfo.InvariantCulture, template, number, attachmentId));

        await Api.ExpectAsync(response, HttpStatusCode.NotFound);
        var agent = await Factory.AgentAsync();
        var ticket = await Api.GetAsync(agent, $"/api/tickets/{number}");
        Assert.Equal(3, ticket.GetProperty("version").GetInt32()); // registered, dispatched, file attached
    }

    [Theory]
    [MemberData(nameof(EveryTicketEndpoint))]
    public async Task Handler_of_the_assigned_department_is_not_refused_as_a_stranger(string method, string template)
    {
        var (number, attachmentId) = await TicketDispatchedToAsync("scjg");
        var own = await Factory.HandlerAsync("scjg");

        using var response = await SendAsync(own, method, string.Format(System.Globalization.CultureInfo.InvariantCulture, template, number, attachmentId));

        // Their own ticket is found: success, a validation problem, a state conflict or a role refusal — never 404.
        Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Ticket_search_shows_a_handler_only_their_department()
    {
        var (mine, _) = await TicketDispatchedToAsync("scjg");
        var (theirs, _) = await TicketDispatchedToAsync("zjj");
        var handler = await Factory.HandlerAsync("scjg");

        var page = await Api.GetAsync(handler, "/api/tickets?limit=200");
        var numbers = page.GetProperty("items").EnumerateArray().Select(t => t.Number()).ToList();

        Assert.Contains(mine, numbers);
        Assert.DoesNotContain(theirs, numbers);
        Assert.All(page.GetProperty("items").EnumerateArray(), t => Assert.Equal("scjg", t.Str("assignedDepartmentCode")));
        var asking = await Api.GetAsync(handler, "/api/tickets?department=zjj");
        Assert.Empty(asking.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_returned_ticket_leaves_the_department_that_returned_it()
    {
        var (number, _) = await TicketDispatchedToAsync("scjg");
        var handler = await Factory.HandlerAsync("scjg");

        await Api.ActAsync(handler, number, "return", Api.Return());

        using var response = await handler.GetAsync($"/api/tickets/{number}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<(string Number, long AttachmentId)> TicketDispatchedToAsync(string department)
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var number = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch(department));
        using var upload = await agent.PostAsync($"/api/tickets/{number}/attachments", Files.Png("现场照片.png"));
        var attachment = await Api.ExpectAsync(upload, HttpStatusCode.Created);
        return (number, attachment.GetProperty("id").GetInt64());
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url) => method switch
    {
        "GET" => client.GetAsync(url),
        _ when url.EndsWith("/attachments", StringComparison.Ordinal) => client.PostAsync(url, Files.Png("补充.png")),
        _ => Api.PostAsync(client, url, new JsonObject { ["expectedVersion"] = 3, ["note"] = "x" }),
    };
}
