using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Hotline.Server.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Live;

/// <summary>A hub connection through Microsoft's .NET SignalR client that records everything the server sends it.</summary>
public sealed class LiveClient : IAsyncDisposable
{
    private LiveClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<TicketEventMessage>(nameof(ITicketsClient.TicketEvent), m => Events.Enqueue(m));
        connection.On<string, List<LiveViewer>>(nameof(ITicketsClient.PresenceChanged), (n, v) => Presence.Enqueue((n, v)));
        connection.On<QueueChangeMessage>(nameof(ITicketsClient.QueueChanged), m => Queues.Enqueue(m));
    }

    public HubConnection Connection { get; }
    public string Id => Connection.ConnectionId!;
    public ConcurrentQueue<TicketEventMessage> Events { get; } = new();
    public ConcurrentQueue<(string Number, List<LiveViewer> Viewers)> Presence { get; } = new();
    public ConcurrentQueue<QueueChangeMessage> Queues { get; } = new();

    public static async Task<LiveClient> ConnectAsync(HotlineFactory factory, string role, string? department = null)
    {
        var key = await factory.ApiKeyAsync(role, department);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, "/hubs/tickets"), o =>
            {
                o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling; // the in-memory test server has no WebSockets
                o.Headers["X-Api-Key"] = key;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var client = new LiveClient(connection);
        await connection.StartAsync();
        await JoinedAsync(connection);
        return client;
    }

    /// <summary>
    /// Waits until the server has put the connection in its groups. The client's StartAsync returns at the handshake,
    /// before the server's OnConnected has run; the server answers invocations only after it, so one round trip is enough.
    /// </summary>
    public static Task JoinedAsync(HubConnection connection) =>
        connection.InvokeAsync<List<TicketEventMessage>>("Since", long.MaxValue);

    public Task<TicketEventMessage> WaitForAsync(Func<TicketEventMessage, bool> match) => WaitAsync(Events, match);

    public Task<(string Number, List<LiveViewer> Viewers)> WaitForPresenceAsync(Func<(string Number, List<LiveViewer> Viewers), bool> match) => WaitAsync(Presence, match);

    public Task<QueueChangeMessage> WaitForQueueAsync(Func<QueueChangeMessage, bool> match) => WaitAsync(Queues, match);

    private static async Task<T> WaitAsync<T>(ConcurrentQueue<T> received, Func<T, bool> match)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            foreach (var m in received)
            {
                if (match(m))
                    return m;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException("The message did not arrive within 10 s.");
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
