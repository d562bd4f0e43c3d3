using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Live;

/// <summary>Delivery under trouble: a client that stops reading, and sequence numbers committing out of order on PostgreSQL.</summary>
public sealed class LiveDeliveryTests
{
    private const int Bound = 16;

    /// <summary>A loaded test machine must not turn the held transaction into a timed-out gap.</summary>
    private static readonly Dictionary<string, string?> PatientGaps = new() { ["Live:SequenceGapTimeoutMilliseconds"] = "120000" };

    [Fact]
    public async Task A_client_that_stops_reading_delays_nobody_and_is_dropped_then_catches_up_with_Since()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var live = factory.Services.GetRequiredService<LiveConnections>();
            var presence = factory.Services.GetRequiredService<TicketPresence>();
            var agent = await factory.AgentAsync();
            var handler = await factory.HandlerAsync("scjg");
            var number = (await Api.RegisterAsync(agent)).Number();
            await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
            await using var healthy = await LiveClient.ConnectAsync(factory, Roles.DepartmentHandler, "scjg");
            await healthy.Connection.InvokeAsync<List<LiveViewer>>("WatchTicket", number);
            using var stalled = await StalledClient.ConnectAsync(factory, Roles.DepartmentHandler, "scjg");
            await stalled.InvokeAsync("WatchTicket", number);
            await Eventually(() => live.GroupsOf(stalled.ConnectionId).Contains(LiveGroups.Ticket(number)), "the stalled client watches the ticket");

            // Presence changes go to both watchers until the stalled client's transport buffer is full and a write waits.
            presence.Enter(number, new TicketViewer("churn", "churn", "另一位同事", Editing: false));
            var editing = false;
            await Until(() =>
            {
                presence.SetEditing(number, "churn", editing = !editing);
                return live.Pending(stalled.ConnectionId) > 0;
            }, "the stalled client's writes back up", paceWhile: () => live.Pending(healthy.Id) > 0);
            var lastSeen = await NewestSequenceAsync(agent, number);

            // Three ticket events: the healthy client hears all of them while the stalled one still has writes waiting.
            for (var i = 0; i < 3; i++)
                await Api.ActAsync(handler, number, "add-progress", new JsonObject { ["note"] = $"第{i + 1}次进展。" });
            for (var version = 3; version <= 5; version++)
                await healthy.WaitForAsync(m => m.Number == number && m.TicketVersion == version);
            Assert.NotEmpty(live.GroupsOf(stalled.ConnectionId));
            Assert.InRange(live.Pending(stalled.ConnectionId), 4, Bound);

            // More than its bound waiting: the stalled connection is aborted; the healthy one stays.
            var abortsBefore = live.OverflowAborts;
            await Until(() =>
            {
                presence.SetEditing(number, "churn", editing = !editing);
                return live.GroupsOf(stalled.ConnectionId).Count == 0;
            }, "the stalled client is dropped", paceWhile: () => live.Pending(healthy.Id) > 0);
            Assert.Equal(abortsBefore + 1, live.OverflowAborts);
            Assert.NotEmpty(live.GroupsOf(healthy.Id));
            await Eventually(() => presence.Viewers(number).All(v => v.SessionId != stalled.ConnectionId), "the dropped client leaves the ticket's presence");

            // It reconnects and asks for what it missed.
            await using var back = await LiveClient.ConnectAsync(factory, Roles.DepartmentHandler, "scjg");
            var missed = await back.Connection.InvokeAsync<List<TicketEventMessage>>("Since", lastSeen);
            Assert.Equal([3, 4, 5], missed.Where(m => m.Number == number).Select(m => m.TicketVersion));
        }, new Dictionary<string, string?> { ["Live:MaxPendingMessagesPerConnection"] = Bound.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    [Fact]
    public async Task A_websocket_client_that_stops_reading_is_dropped_and_its_connection_reset()
    {
        var factory = new HotlineFactory(kestrel: true, settings: new Dictionary<string, string?> { ["Live:MaxPendingMessagesPerConnection"] = "64" });
        try
        {
            factory.StartServer();
            var server = factory.ClientOptions.BaseAddress;
            var live = factory.Services.GetRequiredService<LiveConnections>();
            var presence = factory.Services.GetRequiredService<TicketPresence>();
            var agent = factory.CreateClient();
            agent.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, await factory.ApiKeyAsync(Roles.Agent));
            var number = (await Api.RegisterAsync(agent)).Number();

            var key = await factory.ApiKeyAsync(Roles.Supervisor);
            using var http = new HttpClient { BaseAddress = server };
            http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
            using var negotiate = await http.PostAsync(new Uri("hubs/tickets/negotiate?negotiateVersion=1", UriKind.Relative), null);
            var ids = await negotiate.Content.ReadFromJsonAsync<JsonElement>();
            var connectionId = ids.GetProperty("connectionId").GetString()!;
            using var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, ct) =>
                {
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                },
            };
            using var invoker = new HttpMessageInvoker(handler);
            using var ws = new System.Net.WebSockets.ClientWebSocket();
            ws.Options.SetRequestHeader(ApiKeyAuthenticationHandler.Header, key);
            var url = new UriBuilder(new Uri(server, $"hubs/tickets?id={Uri.EscapeDataString(ids.GetProperty("connectionToken").GetString()!)}")) { Scheme = "ws" }.Uri;
            await ws.ConnectAsync(url, invoker, CancellationToken.None);
            foreach (var text in new[] { """{"protocol":"json","version":1}""", $$"""{"type":1,"invocationId":"1","target":"WatchTicket","arguments":["{{number}}"]}""" })
                await ws.SendAsync(Encoding.UTF8.GetBytes(text + '\u001e'), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
            await Eventually(() => live.GroupsOf(connectionId).Contains(LiveGroups.Ticket(number)), "the client watches the ticket");

            // It never reads: presence changes fill the socket's buffers, then its queue, and it is dropped.
            presence.Enter(number, new TicketViewer("churn", "churn", "另一位同事", Editing: false));
            var editing = false;
            for (var i = 0; i < 1_000_000 && live.GroupsOf(connectionId).Count > 0; i++)
                presence.SetEditing(number, "churn", editing = !editing);
            Assert.Empty(live.GroupsOf(connectionId));
            Assert.Equal(1, live.OverflowAborts);

            // The server reset the connection instead of waiting for a close message to flush: reading now ends in an error or a close.
            var buffer = new byte[64 * 1024];
            var ended = false;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                while (!ended)
                    ended = (await ws.ReceiveAsync(buffer, deadline.Token)).MessageType == System.Net.WebSockets.WebSocketMessageType.Close;
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                ended = true;
            }
            Assert.True(ended);
        }
        finally
        {
            await factory.DisposeAsync();
            factory.DeleteData();
        }
    }

    [PostgresFact]
    public async Task On_postgresql_an_event_that_commits_after_a_later_one_still_goes_out_first()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var (held, later, handler) = await TwoTicketsAtScjgAsync(factory);
            await using var scjg = await LiveClient.ConnectAsync(factory, Roles.DepartmentHandler, "scjg");
            var publisher = factory.Services.GetRequiredService<TicketEventPublisher>();

            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var heldSequence = await AddProgressAsync(db, factory, held);
            await Api.ActAsync(handler, later, "add-progress", new JsonObject { ["note"] = "后提交前编号。" }); // commits heldSequence + 1 first
            var laterSequence = await NewestSequenceAsync(handler, later);
            Assert.True(laterSequence > heldSequence);
            await Task.Delay(500); // give a publisher that reads past the gap the chance to do so
            Assert.True(publisher.Published < heldSequence, "The publisher went past a sequence number that may still commit.");
            Assert.DoesNotContain(scjg.Events, m => m.Sequence >= heldSequence);
            var caughtUp = await scjg.Connection.InvokeAsync<List<TicketEventMessage>>("Since", heldSequence - 1);
            Assert.DoesNotContain(caughtUp, m => m.Sequence == laterSequence); // Since does not overtake the gap either

            await transaction.CommitAsync();
            await scjg.WaitForAsync(m => m.Sequence == laterSequence);
            var order = scjg.Events.Select(m => m.Sequence).ToList();
            Assert.True(order.IndexOf(heldSequence) >= 0 && order.IndexOf(heldSequence) < order.IndexOf(laterSequence));
        }, PatientGaps);
    }

    [PostgresFact]
    public async Task On_postgresql_a_rolled_back_sequence_number_does_not_stop_the_feed()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var (held, later, handler) = await TwoTicketsAtScjgAsync(factory);
            await using var scjg = await LiveClient.ConnectAsync(factory, Roles.DepartmentHandler, "scjg");

            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var lost = await AddProgressAsync(db, factory, held);
            await Api.ActAsync(handler, later, "add-progress", new JsonObject { ["note"] = "回滚之后。" });
            var laterSequence = await NewestSequenceAsync(handler, later);
            await transaction.RollbackAsync();

            await scjg.WaitForAsync(m => m.Sequence == laterSequence);
            Assert.DoesNotContain(scjg.Events, m => m.Sequence == lost);
        }, PatientGaps);
    }

    [PostgresFact]
    public async Task On_postgresql_a_transaction_open_past_the_gap_timeout_does_not_hold_the_feed()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var (held, later, handler) = await TwoTicketsAtScjgAsync(factory);
            await using var scjg = await LiveClient.ConnectAsync(factory, Roles.DepartmentHandler, "scjg");

            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var heldSequence = await AddProgressAsync(db, factory, held);
            await Api.ActAsync(handler, later, "add-progress", new JsonObject { ["note"] = "不再等待。" });
            await scjg.WaitForAsync(m => m.Number == later && m.Action == "add-progress"); // sent once the gap timed out
            await transaction.CommitAsync();

            // The late event is not pushed (the feed is past it) but a client catching up from before it finds it.
            await Api.ActAsync(handler, later, "add-progress", new JsonObject { ["note"] = "标记。" });
            await scjg.WaitForAsync(m => m.Number == later && m.TicketVersion == 4);
            Assert.DoesNotContain(scjg.Events, m => m.Sequence == heldSequence);
            var caughtUp = await scjg.Connection.InvokeAsync<List<TicketEventMessage>>("Since", heldSequence - 1);
            Assert.Contains(caughtUp, m => m.Sequence == heldSequence && m.Number == held);
        }, new Dictionary<string, string?> { ["Live:SequenceGapTimeoutMilliseconds"] = "300" });
    }

    private static async Task<(string Held, string Later, HttpClient Handler)> TwoTicketsAtScjgAsync(HotlineFactory factory)
    {
        var agent = await factory.AgentAsync();
        var dispatcher = await factory.DispatcherAsync();
        var held = (await Api.RegisterAsync(agent)).Number();
        var later = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, held, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(dispatcher, later, "dispatch", Api.Dispatch("scjg"));
        return (held, later, await factory.HandlerAsync("scjg"));
    }

    /// <summary>Appends an add-progress event in the caller's open transaction and returns its sequence (not yet committed).</summary>
    private static async Task<long> AddProgressAsync(HotlineDbContext db, HotlineFactory factory, string number)
    {
        var ticket = await db.Tickets.SingleAsync(t => t.Number == number);
        var e = ticket.Act(new ProgressAdded("先取号、后提交。"), new Actor("test", "测试", Roles.DepartmentHandler, "scjg"), factory.Clock.GetUtcNow());
        db.TicketEvents.Add(e);
        await db.SaveChangesAsync();
        return e.Id;
    }

    private static async Task<long> NewestSequenceAsync(HttpClient client, string number) =>
        (await Api.GetAsync(client, $"/api/tickets/{number}/events")).EnumerateArray().Max(e => e.GetProperty("sequence").GetInt64());

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition() && waited.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(10);
        Assert.True(condition(), $"Expected {what} within 10 s.");
    }

    /// <summary>Repeats <paramref name="step"/> until it returns true (at most 20,000 times or 30 s), waiting while <paramref name="paceWhile"/> holds.</summary>
    private static async Task Until(Func<bool> step, string what, Func<bool>? paceWhile = null)
    {
        var waited = Stopwatch.StartNew();
        for (var i = 0; i < 20_000 && waited.Elapsed < TimeSpan.FromSeconds(30); i++)
        {
            while (paceWhile?.Invoke() == true && waited.Elapsed < TimeSpan.FromSeconds(30))
                await Task.Delay(2);
            if (step())
                return;
            await Task.Yield();
        }
        Assert.Fail($"Expected {what}, but it did not happen.");
    }

    /// <summary>
    /// A long-polling client that negotiates, completes the handshake and sends invocations, but never polls again: from
    /// the server's side, a client that has stopped reading. Its messages stay in the transport's buffer until it is full.
    /// </summary>
    private sealed class StalledClient : IDisposable
    {
        private readonly HttpClient http;
        private readonly string token;
        private int invocation;

        private StalledClient(HttpClient http, string connectionId, string token) => (this.http, ConnectionId, this.token) = (http, connectionId, token);

        public string ConnectionId { get; }

        public static async Task<StalledClient> ConnectAsync(HotlineFactory factory, string role, string department)
        {
            var http = factory.CreateClient();
            http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, await factory.ApiKeyAsync(role, department));
            using var negotiate = await http.PostAsync(new Uri("/hubs/tickets/negotiate?negotiateVersion=1", UriKind.Relative), null);
            var body = await negotiate.Content.ReadFromJsonAsync<JsonElement>();
            var client = new StalledClient(http, body.GetProperty("connectionId").GetString()!, body.GetProperty("connectionToken").GetString()!);
            using (await http.GetAsync(client.Url)) // the first poll starts the connection and returns at once
            {
            }
            await client.SendAsync("""{"protocol":"json","version":1}""");
            return client;
        }

        private Uri Url => new($"/hubs/tickets?id={Uri.EscapeDataString(token)}", UriKind.Relative);

        public Task InvokeAsync(string target, params object[] arguments) =>
            SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = (++invocation).ToString(System.Globalization.CultureInfo.InvariantCulture), target, arguments }));

        private async Task SendAsync(string message)
        {
            using var content = new StringContent(message + '\u001e', Encoding.UTF8);
            using var response = await http.PostAsync(Url, content);
            response.EnsureSuccessStatusCode();
        }

        public void Dispose() => http.Dispose();
    }
}
