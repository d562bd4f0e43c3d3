using System.Collections.Concurrent;
using System.Text.Json;
using Hotline.Server.Live;

namespace Hotline.Server.Nodes;

/// <summary>
/// Ticket presence across nodes: each change of this node's viewers of a ticket is announced with the full list of
/// them; every node beats every <see cref="Beat"/> and a node not heard for <see cref="Silence"/> (killed, cut off) is
/// dropped with all its viewers. A node that starts, or comes back to Redis, asks the others to announce everything.
/// </summary>
public sealed class NodePresence(TicketPresence presence, INodeBus bus, NodeIdentity node, TimeProvider time, ILogger<NodePresence> logger)
    : BackgroundService
{
    public static readonly TimeSpan Beat = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Silence = TimeSpan.FromSeconds(4);

    private const string ViewersTopic = "presence";
    private const string BeatTopic = "presence-beat";
    private const string HelloTopic = "presence-hello";

    private readonly ConcurrentDictionary<string, long> heard = new(StringComparer.Ordinal);

    private sealed record Announcement(string Node, string Number, IReadOnlyList<TicketViewer> Viewers);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!bus.IsShared)
            return;
        presence.ChangedHere += Announce;
        bus.Restored += SayHello;
        using var viewers = bus.Subscribe(ViewersTopic, json =>
        {
            if (JsonSerializer.Deserialize<Announcement>(json, Data.HotlineDbContext.PayloadJson) is { } a)
            {
                heard[a.Node] = time.GetTimestamp();
                presence.SetRemote(a.Node, a.Number, a.Viewers);
            }
        });
        using var beats = bus.Subscribe(BeatTopic, other => heard[other] = time.GetTimestamp());
        using var hellos = bus.Subscribe(HelloTopic, _ => AnnounceAll());
        SayHello();
        try
        {
            using var timer = new PeriodicTimer(Beat, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                bus.Publish(BeatTopic, node.Id);
                foreach (var (other, at) in heard)
                {
                    if (time.GetElapsedTime(at) > Silence && heard.TryRemove(other, out _))
                    {
                        logger.LogWarning("Node {Node} silent for {Silence}: its ticket viewers are dropped", other, Silence);
                        presence.DropNode(other);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            presence.ChangedHere -= Announce;
            bus.Restored -= SayHello;
        }
    }

    private void SayHello()
    {
        bus.Publish(HelloTopic, node.Id);
        AnnounceAll();
    }

    private void AnnounceAll()
    {
        foreach (var number in presence.TicketsHere())
            Announce(number);
    }

    private void Announce(string number) =>
        bus.Publish(ViewersTopic, JsonSerializer.Serialize(new Announcement(node.Id, number, presence.ViewersHere(number)), Data.HotlineDbContext.PayloadJson));
}
