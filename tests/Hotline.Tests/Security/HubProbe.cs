using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Hotline.Server.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Security;

/// <summary>
/// A hub connection that records every message the server sends it as raw JSON, for every method of
/// <see cref="ITicketsClient"/> (found by reflection, so a method added later is recorded too).
/// </summary>
internal sealed class HubProbe : IAsyncDisposable
{
    private HubProbe(HubConnection connection)
    {
        Connection = connection;
        foreach (var method in typeof(ITicketsClient).GetMethods())
        {
            var parameters = method.GetParameters().Select(_ => typeof(JsonElement)).ToArray();
            connection.On(method.Name, parameters, (args, _) =>
            {
                Received.Enqueue((method.Name, JsonSerializer.Serialize(args)));
                return Task.CompletedTask;
            }, this);
        }
        connection.Closed += _ =>
        {
            Closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    public ConcurrentQueue<(string Method, string Json)> Received { get; } = new();

    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Connects with an API key or a Cookie header (or neither: anonymous) over the in-memory test server.</summary>
    public static async Task<HubProbe> ConnectAsync(HotlineFactory factory, string? apiKey = null, string? cookie = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, "/hubs/tickets"), o =>
            {
                o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling; // the in-memory test server has no WebSockets
                if (apiKey is not null)
                    o.Headers["X-Api-Key"] = apiKey;
                if (cookie is not null)
                    o.Headers["Cookie"] = cookie;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var probe = new HubProbe(connection);
        await connection.StartAsync();
        await Live.LiveClient.JoinedAsync(connection);
        return probe;
    }

    /// <summary>Waits (up to a minute, for a loaded machine) until a message matches.</summary>
    public async Task<string> WaitForAsync(string method, Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!timeout.IsCancellationRequested)
        {
            foreach (var (m, json) in Received)
            {
                if (m == method && match(json))
                    return json;
            }
            await Task.Delay(20, CancellationToken.None);
        }
        throw new TimeoutException($"No {method} message matched within a minute.");
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
