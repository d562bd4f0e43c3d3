using System.Text.Json;
using Hotline.Server.Live;
using Hotline.Server.Nodes;

namespace Hotline.Server.Telephony;

/// <summary>
/// Pops an incoming call on every console and hub connection of the agent, on whichever node they are connected:
/// here at once, and on the other nodes through the node bus (the telephony system may post to any node).
/// </summary>
public sealed class IncomingCallRelay(IncomingCalls calls, LiveConnections live, INodeBus bus) : IHostedService
{
    private const string Topic = "calls";

    private IDisposable? subscription;

    private sealed record Relayed(string UserId, IncomingCallMessage Call);

    /// <summary>Pops the call; returns the consoles that show it on this node (other nodes' consoles are not counted).</summary>
    public int Pop(string userId, IncomingCallMessage call)
    {
        bus.Publish(Topic, JsonSerializer.Serialize(new Relayed(userId, call), Data.HotlineDbContext.PayloadJson));
        return PopHere(userId, call);
    }

    private int PopHere(string userId, IncomingCallMessage call)
    {
        var consoles = calls.Publish(userId, call);
        live.Send([LiveGroups.User(userId)], nameof(ITicketsClient.IncomingCall), call);
        return consoles;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = bus.Subscribe(Topic, json =>
        {
            if (JsonSerializer.Deserialize<Relayed>(json, Data.HotlineDbContext.PayloadJson) is { } relayed)
                PopHere(relayed.UserId, relayed.Call);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        return Task.CompletedTask;
    }
}
