namespace Hotline.Tests.Access;

/// <summary>A reporter (举报人) who asks for confidentiality is masked for everyone but supervisors and admins.</summary>
public sealed class ConfidentialReporterTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Theory]
    [InlineData(Roles.Agent, true)]
    [InlineData(Roles.Dispatcher, true)]
    [InlineData(Roles.Leader, true)]
    [InlineData(Roles.DepartmentHandler, true)]
    [InlineData(Roles.Supervisor, false)]
    [InlineData(Roles.Admin, false)]
    public async Task Name_phone_and_email_are_masked_unless_the_viewer_is_a_supervisor_or_admin(string role, bool masked)
    {
        var number = await ConfidentialReportAsync();
        var viewer = await Factory.ClientAsync(role, role == Roles.DepartmentHandler ? "scjg" : null);

        var ticket = await Api.GetAsync(viewer, $"/api/tickets/{number}");
        var history = await Api.GetAsync(viewer, $"/api/tickets/{number}/events");
        var page = await Api.GetAsync(viewer, $"/api/tickets?q={Uri.EscapeDataString("举报无证经营")}");

        var requester = ticket.GetProperty("requester");
        var registered = history[0].GetProperty("change").GetProperty("draft").GetProperty("requester");
        var listed = page.GetProperty("items").EnumerateArray().Single(t => t.Number() == number);
        if (masked)
        {
            Assert.Equal("李**", requester.Str("name"));
            Assert.Equal("139****0000", requester.Str("phone"));
            Assert.Equal("l***@example.com", requester.Str("email"));
            Assert.Equal("李**", registered.Str("name"));
            Assert.Equal("139****0000", registered.Str("phone"));
            Assert.Equal("李**", listed.Str("requesterName"));
        }
        else
        {
            Assert.Equal("李小龙", requester.Str("name"));
            Assert.Equal("13900000000", requester.Str("phone"));
            Assert.Equal("李小龙", registered.Str("name"));
            Assert.Equal("李小龙", listed.Str("requesterName"));
        }
    }

    [Fact]
    public async Task A_requester_who_did_not_ask_for_confidentiality_is_shown_in_full()
    {
        var agent = await Factory.AgentAsync();
        var ticket = await Api.RegisterAsync(agent, Api.Citizen(confidential: false));
        Assert.Equal("张三丰", ticket.GetProperty("requester").Str("name"));
    }

    /// <summary>
    /// The ticket search's rule (issue 12): a role that sees the reporter masked cannot find the report by the reporter's
    /// phone either, or the search would tie the number to the report; those who see the reporter find it.
    /// </summary>
    [Fact]
    public async Task The_phone_search_never_finds_a_confidential_reporter_for_a_viewer_who_sees_them_masked()
    {
        var number = await ConfidentialReportAsync();
        var agent = await Factory.AgentAsync();
        var handler = await Factory.HandlerAsync("scjg");
        var supervisor = await Factory.SupervisorAsync();

        Assert.DoesNotContain((await Api.GetAsync(agent, "/api/tickets?phone=13900000000")).GetProperty("items").EnumerateArray(), t => t.Number() == number);
        Assert.Empty((await Api.GetAsync(handler, "/api/tickets?phone=13900000000")).GetProperty("items").EnumerateArray());
        var found = (await Api.GetAsync(supervisor, "/api/tickets?phone=13900000000")).GetProperty("items").EnumerateArray().Single(t => t.Number() == number);
        Assert.Equal("李小龙", found.Str("requesterName"));
    }

    private async Task<string> ConfidentialReportAsync()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var body = Api.Citizen(title: "举报无证经营", phone: "13900000000", confidential: true, type: "Report", category: "consumer");
        body["requester"]!["name"] = "李小龙";
        body["requester"]!["email"] = "li@example.com";
        var number = (await Api.RegisterAsync(agent, body)).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        return number;
    }
}
