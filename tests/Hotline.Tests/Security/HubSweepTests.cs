using Hotline.Server.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hotline.Tests.Security;

/// <summary>
/// The live hub swept as every role and anonymously: the groups it puts each connection in, Since, WatchTicket, the
/// messages it pushes, and the calls it refuses. Another department's ticket is never heard of, a confidential reporter
/// is never named in any message, and a refused call is an answer, not an error in the log.
/// </summary>
public sealed class HubSweepTests
{
    private const string Phone = "13900005566";
    private const string Name = "李小龙";
    private const string Email = "li.report@example.com";
    private static readonly string[] Identifiers = [Phone, Name, Email];

    [Fact]
    public Task Every_role_hears_and_catches_up_on_only_what_it_may_see_and_never_a_reporters_identity() => HotlineFactory.RunAsync(async factory =>
    {
        var (zjjTicket, scjgTicket) = await ConfidentialTicketsAsync(factory);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => HubProbe.ConnectAsync(factory)); // anonymous: 401

        var probes = new Dictionary<string, HubProbe>();
        foreach (var role in Roles.All)
            probes[role] = await HubProbe.ConnectAsync(factory, apiKey: await factory.ApiKeyAsync(role, role == Roles.DepartmentHandler ? "scjg" : null));

        // Catching up: the handler sees only its department's ticket; nobody sees the reporter.
        foreach (var (role, probe) in probes)
        {
            var caughtUp = await probe.Connection.InvokeAsync<List<JsonElement>>("Since", 0L);
            var numbers = caughtUp.Select(m => m.Str("number")).Distinct().ToList();
            if (role == Roles.DepartmentHandler)
                Assert.Equal([scjgTicket], numbers);
            else
                Assert.Contains(zjjTicket, numbers);
            AssertNoIdentifiers(JsonSerializer.Serialize(caughtUp), $"{role} Since");
        }

        // Live: both departments note progress naming the reporter; the handler hears its own ticket only.
        var zjj = await factory.HandlerAsync("zjj");
        var scjg = await factory.HandlerAsync("scjg");
        await Api.ActAsync(zjj, zjjTicket, "add-progress", new JsonObject { ["note"] = $"已电话联系{Name}（{Phone}）。" });
        await Api.ActAsync(scjg, scjgTicket, "add-progress", new JsonObject { ["note"] = $"已邮件联系 {Email}。" });
        foreach (var (role, probe) in probes)
        {
            // Events go out in sequence order, so once the later event arrived, the earlier one would have too.
            await probe.WaitForAsync(nameof(ITicketsClient.TicketEvent), json => json.Contains(scjgTicket, StringComparison.Ordinal) && json.Contains("add-progress", StringComparison.Ordinal));
            var heard = probe.Received.ToList();
            if (role == Roles.DepartmentHandler)
            {
                Assert.DoesNotContain(heard, m => m.Json.Contains(zjjTicket, StringComparison.Ordinal));
                Assert.DoesNotContain(heard, m => m.Method == nameof(ITicketsClient.QueueChanged)); // no centre queues for a department
            }
            else
            {
                Assert.Contains(heard, m => m.Json.Contains(zjjTicket, StringComparison.Ordinal));
            }
            foreach (var (method, json) in heard)
                AssertNoIdentifiers(json, $"{role} {method}");
        }
        foreach (var probe in probes.Values)
            await probe.DisposeAsync();
    });

    [Fact]
    public Task Calls_about_what_a_role_may_not_see_are_refused_as_not_found_and_not_logged_as_errors() => HotlineFactory.RunAsync(async factory =>
    {
        var (zjjTicket, scjgTicket) = await ConfidentialTicketsAsync(factory);
        await using var handler = await HubProbe.ConnectAsync(factory, apiKey: await factory.ApiKeyAsync(Roles.DepartmentHandler, "scjg"));

        var otherDepartment = await Assert.ThrowsAsync<HubException>(() => handler.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", zjjTicket));
        var missing = await Assert.ThrowsAsync<HubException>(() => handler.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", "HL20991231999999"));
        Assert.Equal(otherDepartment.Message.Replace(zjjTicket, "N", StringComparison.Ordinal), missing.Message.Replace("HL20991231999999", "N", StringComparison.Ordinal));
        await Assert.ThrowsAsync<HubException>(() => handler.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", ""));
        await Assert.ThrowsAsync<HubException>(() => handler.Connection.InvokeAsync("SetEditing", zjjTicket, true));
        await Assert.ThrowsAsync<HubException>(() => handler.Connection.InvokeAsync("JoinGroup", "centre")); // no such method: groups are the server's
        await Assert.ThrowsAsync<HubException>(() => handler.Connection.InvokeAsync<List<JsonElement>>("Since", "not a number"));
        var viewers = await handler.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", scjgTicket);
        Assert.All(viewers, v => Assert.DoesNotContain(Name, v.UserName, StringComparison.Ordinal));

        // The refusals are answers: no error (nor its stack trace) in the log.
        await factory.DisposeAsync(); // flushes the log file
        var logs = Directory.GetFiles(Path.Combine(factory.DataPath, "logs")).SelectMany(File.ReadAllLines).ToList();
        var errors = logs.Where(l => (l.Contains("\"@l\":\"Error\"", StringComparison.Ordinal) && l.Contains("Hub", StringComparison.OrdinalIgnoreCase))
            || l.Contains("HubException", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    });

    [Fact]
    public Task A_screen_pop_says_only_that_a_confidential_matter_exists() => HotlineFactory.RunAsync(async factory =>
    {
        await ConfidentialTicketsAsync(factory);
        var ordinary = (await Api.RegisterAsync(await factory.AgentAsync(), Api.Citizen(title: "同一号码的普通来电", phone: Phone))).Number();
        await SecurityKit.CreateUserAsync(factory, "pop.agent", Roles.Agent);
        await using var agent = await HubProbe.ConnectAsync(factory, cookie: await SecurityKit.SignInAsync(factory, "pop.agent"));
        var telephony = await factory.AgentAsync();

        using var accepted = await Api.PostAsync(telephony, "/api/telephony/incoming",
            new JsonObject { ["callerPhone"] = Phone, ["agent"] = "pop.agent", ["callId"] = "call-1" });
        await Api.ExpectAsync(accepted, HttpStatusCode.Accepted);

        var call = JsonDocument.Parse(await agent.WaitForAsync(nameof(ITicketsClient.IncomingCall), _ => true)).RootElement[0];
        Assert.Equal([ordinary], call.GetProperty("history").EnumerateArray().Select(t => t.Number()));
        Assert.True(call.GetProperty("confidentialMatter").GetBoolean());
        Assert.DoesNotContain(Email, call.ToString(), StringComparison.Ordinal);
    });

    /// <summary>A confidential report dispatched to 住建局 and one to 市场监管局, both naming the reporter in their texts.</summary>
    private static async Task<(string Zjj, string Scjg)> ConfidentialTicketsAsync(HotlineFactory factory)
    {
        var agent = await factory.AgentAsync();
        var dispatcher = await factory.DispatcherAsync();
        async Task<string> ReportAsync(string department)
        {
            var body = Api.Citizen(title: $"举报{department}违规（{Name}）", phone: Phone, confidential: true, type: "Report", category: "consumer");
            body["requester"]!["name"] = Name;
            body["requester"]!["email"] = Email;
            var number = (await Api.RegisterAsync(agent, body)).Number();
            await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch(department));
            return number;
        }
        return (await ReportAsync("zjj"), await ReportAsync("scjg"));
    }

    private static void AssertNoIdentifiers(string json, string where)
    {
        foreach (var identifier in Identifiers)
            Assert.False(json.Contains(identifier, StringComparison.Ordinal), $"{where} names the reporter ({identifier}): {json}");
    }
}
