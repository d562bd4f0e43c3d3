using System.Collections.Concurrent;
using Hotline.Server.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Live;

/// <summary>The live hub (/hubs/tickets) through Microsoft's .NET SignalR client, as telephony and department systems use it.</summary>
public sealed class TicketsHubTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task A_department_hears_its_own_tickets_live_and_not_another_departments()
    {
        await using var scjg = await ConnectAsync(Roles.DepartmentHandler, "scjg");
        await using var zjj = await ConnectAsync(Roles.DepartmentHandler, "zjj");
        await using var centre = await ConnectAsync(Roles.Supervisor);
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent)).Number();

        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));

        var heard = await scjg.WaitForAsync(m => m.Number == number && m.Action == "dispatch");
        Assert.Equal("scjg", heard.DepartmentCode);
        Assert.Equal(1, heard.V);
        await centre.WaitForAsync(m => m.Number == number && m.Action == "register");
        await Task.Delay(300);
        Assert.DoesNotContain(zjj.Received, m => m.Number == number);
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
        var missed = await scjg.Connection.InvokeAsync<List<TicketEventMessage>>("Since", lastSeen);

        Assert.Equal(["dispatch", "sign-for"], missed.Where(m => m.Number == number).Select(m => m.Action));
        Assert.DoesNotContain(missed, m => m.Number == other); // another department's ticket
        Assert.Equal(missed.Select(m => m.Sequence).Order(), missed.Select(m => m.Sequence));
    }

    [Fact]
    public async Task An_sla_warning_reaches_the_department_live()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var agent = await factory.AgentAsync();
            var number = (await Api.RegisterAsync(agent)).Number();
            await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("cgj"));
            await using var cgj = await ConnectAsync(factory, Roles.DepartmentHandler, "cgj");

            factory.Clock.Advance(TimeSpan.FromDays(2)); // Wednesday: the sign-for clock has warned and breached
            await factory.Services.GetRequiredService<Hotline.Server.Sla.SlaSweeper>().SweepAsync(CancellationToken.None);

            var warning = await cgj.WaitForAsync(m => m.Number == number && m.Action == "sla-warn");
            Assert.Equal("cgj", warning.DepartmentCode);
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

    private Task<Listener> ConnectAsync(string role, string? department = null) => ConnectAsync(Factory, role, department);

    private static async Task<Listener> ConnectAsync(HotlineFactory factory, string role, string? department = null)
    {
        var key = await factory.ApiKeyAsync(role, department);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, "/hubs/tickets"), o =>
            {
                o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling; // the in-memory test server has no WebSockets
                o.Headers["X-Api-Key"] = key;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        var listener = new Listener(connection);
        await connection.StartAsync();
        return listener;
    }

    private sealed class Listener : IAsyncDisposable
    {
        public Listener(HubConnection connection)
        {
            Connection = connection;
            connection.On<TicketEventMessage>(nameof(ITicketsClient.TicketEvent), m => Received.Enqueue(m));
        }

        public HubConnection Connection { get; }
        public ConcurrentQueue<TicketEventMessage> Received { get; } = new();

        public async Task<TicketEventMessage> WaitForAsync(Func<TicketEventMessage, bool> match)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                if (Received.FirstOrDefault(match) is { } m)
                    return m;
                await Task.Delay(20);
            }
            throw new TimeoutException("The event did not arrive within 10 s.");
        }

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
