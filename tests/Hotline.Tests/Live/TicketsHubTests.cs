using System.Text.Json.Nodes;
using Hotline.Server.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Live;

/// <summary>The live hub (/hubs/tickets) through Microsoft's .NET SignalR client, as telephony and department systems use it.</summary>
public sealed class TicketsHubTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;
    private LiveConnections Live => Factory.Services.GetRequiredService<LiveConnections>();

    [Fact]
    public async Task A_department_hears_its_own_tickets_live_and_never_another_departments()
    {
        await using var scjg = await ConnectAsync(Roles.DepartmentHandler, "scjg");
        await using var zjj = await ConnectAsync(Roles.DepartmentHandler, "zjj");
        await using var centre = await ConnectAsync(Roles.Supervisor);
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var number = (await Api.RegisterAsync(agent)).Number();

        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        var marker = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, marker, "dispatch", Api.Dispatch("zjj"));

        var heard = await scjg.WaitForAsync(m => m.Number == number && m.Action == "dispatch");
        Assert.Equal("scjg", heard.DepartmentCode);
        Assert.Equal(TicketEventMessage.Version, heard.V);
        await centre.WaitForAsync(m => m.Number == number && m.Action == "register");
        // zjj hears its own later dispatch; events reach a connection in sequence order, so it has heard all it ever will of the earlier one.
        await zjj.WaitForAsync(m => m.Number == marker && m.Action == "dispatch");
        Assert.DoesNotContain(zjj.Events, m => m.Number == number);
        Assert.DoesNotContain(scjg.Events, m => m.Number == marker);
    }

    [Fact]
    public async Task The_server_chooses_the_groups_from_the_claims()
    {
        await using var supervisor = await ConnectAsync(Roles.Supervisor);
        await using var handler = await ConnectAsync(Roles.DepartmentHandler, "scjg");

        var centreGroups = Live.GroupsOf(supervisor.Id);
        Assert.Contains(LiveGroups.Centre, centreGroups);
        Assert.Contains(LiveGroups.Role(Roles.Supervisor), centreGroups);
        Assert.Single(centreGroups, g => g.StartsWith("user:", StringComparison.Ordinal));
        // A handler has its user and its department, nothing shared with other departments (no centre, no role queue).
        var handlerGroups = Live.GroupsOf(handler.Id);
        Assert.Equal(2, handlerGroups.Count);
        Assert.Contains(LiveGroups.Department("scjg"), handlerGroups);
        Assert.Single(handlerGroups, g => g.StartsWith("user:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Work_queue_changes_reach_the_roles_that_work_the_queue()
    {
        await using var dispatcherLive = await ConnectAsync(Roles.Dispatcher);
        await using var agentLive = await ConnectAsync(Roles.Agent);
        await using var handlerLive = await ConnectAsync(Roles.DepartmentHandler, "scjg");
        var agent = await Factory.AgentAsync();
        var handler = await Factory.HandlerAsync("scjg");
        var number = (await Api.RegisterAsync(agent)).Number();

        await dispatcherLive.WaitForQueueAsync(q => q.Number == number && q.Queue == LiveQueues.Dispatch && q.Action == "register");
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        await dispatcherLive.WaitForQueueAsync(q => q.Number == number && q.Queue == LiveQueues.Dispatch && q.Action == "dispatch");
        await Api.ActAsync(handler, number, "sign-for");
        await Api.ActAsync(handler, number, "reply", Api.Reply());
        await agentLive.WaitForQueueAsync(q => q.Number == number && q.Queue == LiveQueues.Revisit && q.Action == "reply");
        await dispatcherLive.WaitForQueueAsync(q => q.Number == number && q.Queue == LiveQueues.Supervision && q.Action == "reply");

        // Each connection hears in sequence order, so once it has the close event it has everything sent before it.
        await Api.ActAsync(agent, number, "close");
        foreach (var live in new[] { dispatcherLive, agentLive, handlerLive })
            await live.WaitForAsync(m => m.Number == number && m.Action == "close");
        Assert.DoesNotContain(agentLive.Queues, q => q.Queue == LiveQueues.Dispatch); // agents do not work the dispatch queue
        Assert.DoesNotContain(dispatcherLive.Queues, q => q.Queue == LiveQueues.Revisit && q.Number == number);
        Assert.Empty(handlerLive.Queues); // a department's queue is its department group
    }

    [Fact]
    public async Task Each_kind_of_event_is_told_apart_by_its_action_and_detail()
    {
        await using var centre = await ConnectAsync(Roles.Admin);
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var supervisor = await Factory.SupervisorAsync();
        var handler = await Factory.HandlerAsync("scjg");
        var number = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(handler, number, "return", Api.Return());
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("cgj"));
        var cgj = await Factory.HandlerAsync("cgj");
        await Api.ActAsync(cgj, number, "sign-for");
        await Api.ActAsync(cgj, number, "add-progress", new JsonObject { ["note"] = "已现场核查。" });
        await Api.ActAsync(cgj, number, "request-extension", new JsonObject { ["reason"] = "需协调。", ["requestedDeadline"] = (HotlineFactory.Start + TimeSpan.FromDays(10)).ToString("O") });
        await Api.ActAsync(supervisor, number, "decide-extension", new JsonObject { ["approved"] = true });
        await Api.ActAsync(supervisor, number, "supervise", new JsonObject { ["instructions"] = "请尽快答复。", ["dueAt"] = (HotlineFactory.Start + TimeSpan.FromDays(3)).ToString("O") });
        await Api.ActAsync(cgj, number, "reply", Api.Reply());
        await Api.ActAsync(supervisor, number, "reopen", Api.Reopen());

        await centre.WaitForAsync(m => m.Number == number && m.Action == "reopen");
        var events = centre.Events.Where(m => m.Number == number).ToList();
        Assert.Equal(["register", "dispatch", "return", "dispatch", "sign-for", "add-progress", "request-extension", "decide-extension", "supervise", "reply", "reopen"],
            events.Select(m => m.Action));
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(m => m.TicketVersion));
        Assert.Equal("NotOurResponsibility", events.Single(m => m.Action == "return").Detail);
        Assert.Equal("approved", events.Single(m => m.Action == "decide-extension").Detail);
        Assert.Equal("supervisor", events.Single(m => m.Action == "supervise").Detail);
        Assert.Equal("Resolved", events.Single(m => m.Action == "reply").Detail);
        Assert.All(events, m => Assert.Equal(TicketEventMessage.Version, m.V));
    }

    [Fact]
    public async Task A_console_that_reconnects_gets_exactly_the_events_it_missed_and_may_see()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var number = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        var history = await Api.GetAsync(agent, $"/api/tickets/{number}/events");
        var lastSeen = history[0].GetProperty("sequence").GetInt64(); // the console saw the registration, then dropped

        var other = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, other, "dispatch", Api.Dispatch("zjj"));
        await Api.ActAsync(await Factory.HandlerAsync("scjg"), number, "sign-for");

        await using var scjg = await ConnectAsync(Roles.DepartmentHandler, "scjg");
        await PublishedAsync(number); // Since answers up to what the publisher has sent
        var missed = await scjg.Connection.InvokeAsync<List<TicketEventMessage>>("Since", lastSeen);

        Assert.Equal(["dispatch", "sign-for"], missed.Where(m => m.Number == number).Select(m => m.Action));
        Assert.DoesNotContain(missed, m => m.Number == other); // another department's ticket
        Assert.Equal(missed.Select(m => m.Sequence).Order(), missed.Select(m => m.Sequence));
    }

    [Fact]
    public async Task A_handler_may_watch_only_tickets_its_department_is_on()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var own = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, own, "dispatch", Api.Dispatch("scjg"));
        var others = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, others, "dispatch", Api.Dispatch("zjj"));
        await using var scjg = await ConnectAsync(Roles.DepartmentHandler, "scjg");
        await using var supervisor = await ConnectAsync(Roles.Supervisor);

        var refused = await Assert.ThrowsAsync<HubException>(() => scjg.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", others));
        Assert.Contains("not found", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => scjg.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", "HL20991231999999"));
        Assert.DoesNotContain(LiveGroups.Ticket(others), Live.GroupsOf(scjg.Id));

        var viewers = await scjg.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", own);
        Assert.Single(viewers);
        Assert.Contains(LiveGroups.Ticket(own), Live.GroupsOf(scjg.Id));
        await supervisor.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", others); // the centre sees every ticket
    }

    [Fact]
    public async Task Watchers_see_who_else_has_the_ticket_open_and_who_is_editing()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        await using var first = await ConnectAsync(Roles.Supervisor);
        await using var second = await ConnectAsync(Roles.DepartmentHandler, "scjg");
        var presence = Factory.Services.GetRequiredService<TicketPresence>();

        await first.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", number);
        var both = await second.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", number);
        Assert.Equal(2, both.Count);
        await first.WaitForPresenceAsync(p => p.Number == number && p.Viewers.Count == 2);
        Assert.Contains(presence.Viewers(number), v => v.SessionId == second.Id); // the connection is the session

        await Assert.ThrowsAsync<HubException>(() => second.Connection.InvokeAsync("SetEditing", "HL20991231999999", true));
        first.Presence.Clear();
        await second.Connection.InvokeAsync("SetEditing", number, true);
        var editing = await first.WaitForPresenceAsync(p => p.Number == number && p.Viewers.Any(v => v.Editing));
        Assert.Single(editing.Viewers, v => v.Editing);
        Assert.Single(presence.OtherEditors(number, first.Id));

        first.Presence.Clear();
        await second.Connection.InvokeAsync("UnwatchTicket", number);
        await first.WaitForPresenceAsync(p => p.Number == number && p.Viewers.Count == 1 && !p.Viewers[0].Editing);
        Assert.DoesNotContain(LiveGroups.Ticket(number), Live.GroupsOf(second.Id));

        var third = await ConnectAsync(Roles.Agent);
        first.Presence.Clear();
        await third.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", number);
        await first.WaitForPresenceAsync(p => p.Number == number && p.Viewers.Count == 2);
        first.Presence.Clear();
        await third.DisposeAsync(); // leaving without a word: the disconnect ends its presence
        await first.WaitForPresenceAsync(p => p.Number == number && p.Viewers.Count == 1);
        Assert.Single(presence.Viewers(number));
    }

    [Fact]
    public async Task A_handler_whose_department_returns_the_ticket_stops_watching_it()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        await using var centre = await ConnectAsync(Roles.Dispatcher);
        await using var scjg = await ConnectAsync(Roles.DepartmentHandler, "scjg");
        await centre.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", number);
        await scjg.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", number);

        await Api.ActAsync(await Factory.HandlerAsync("scjg"), number, "return", Api.Return());

        await centre.WaitForPresenceAsync(p => p.Number == number && p.Viewers.Count == 1);
        await centre.WaitForAsync(m => m.Number == number && m.Action == "return");
        Assert.DoesNotContain(LiveGroups.Ticket(number), Live.GroupsOf(scjg.Id));
        Assert.DoesNotContain(scjg.Events, m => m.Number == number && m.Action == "return");
    }

    [Fact]
    public async Task An_sla_warning_reaches_the_department_live()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var agent = await factory.AgentAsync();
            var number = (await Api.RegisterAsync(agent)).Number();
            await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("cgj"));
            await using var cgj = await LiveClient.ConnectAsync(factory, Roles.DepartmentHandler, "cgj");

            factory.Clock.Advance(TimeSpan.FromDays(2)); // Wednesday: the sign-for clock has warned and breached
            await factory.Services.GetRequiredService<Hotline.Server.Sla.SlaSweeper>().SweepAsync(CancellationToken.None);

            var warning = await cgj.WaitForAsync(m => m.Number == number && m.Action == "sla-warn" && m.Detail == "SignFor");
            Assert.Equal("cgj", warning.DepartmentCode);
            await cgj.WaitForAsync(m => m.Number == number && m.Action == "sla-breach" && m.Detail == "SignFor");
            await cgj.WaitForAsync(m => m.Number == number && m.Action == "supervise"); // the automatic supervision order
        });
    }

    [Fact]
    public async Task Without_credentials_the_hub_refuses_the_connection()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Factory.Server.BaseAddress, "/hubs/tickets"), o =>
            {
                o.HttpMessageHandlerFactory = _ => Factory.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync());
    }

    private async Task PublishedAsync(string number)
    {
        var history = await Api.GetAsync(await Factory.AgentAsync(), $"/api/tickets/{number}/events");
        var newest = history.EnumerateArray().Max(e => e.GetProperty("sequence").GetInt64());
        var publisher = Factory.Services.GetRequiredService<TicketEventPublisher>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (publisher.Published < newest && waited.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(20);
        Assert.True(publisher.Published >= newest, "The publisher did not reach the ticket's newest event within 10 s.");
    }

    private Task<LiveClient> ConnectAsync(string role, string? department = null) => LiveClient.ConnectAsync(Factory, role, department);
}
