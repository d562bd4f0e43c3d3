using System.Collections.Concurrent;
using System.Threading.Channels;
using Hotline.Domain.Access;

namespace Hotline.Server.Live;

/// <summary>
/// The same sequenced event stream the hub sends, for the console's own Blazor components in this process. Each
/// subscriber has a bounded buffer: one that falls behind loses the oldest events and is told so
/// (<see cref="LiveSubscription.Overflowed"/>), so it reloads instead of slowing the publisher or the other consoles.
/// </summary>
public sealed class LiveTicketFeed
{
    public const int BufferSize = 512;
    private readonly ConcurrentDictionary<LiveSubscription, byte> subscribers = new();

    /// <summary>Events this actor may see: everything for centre staff, their department's tickets for a handler.</summary>
    public LiveSubscription Subscribe(Actor actor)
    {
        var subscription = new LiveSubscription(this, actor.IsDepartmentHandler ? actor.DepartmentCode : null);
        subscribers.TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Called by <see cref="TicketEventPublisher"/> for each committed event, in sequence order.</summary>
    public void Publish(TicketEventMessage message, IReadOnlyCollection<string> departments)
    {
        foreach (var s in subscribers.Keys)
        {
            if (s.Department is null || departments.Contains(s.Department))
                s.Write(message);
        }
    }

    internal void Remove(LiveSubscription subscription) => subscribers.TryRemove(subscription, out _);
}

/// <summary>One console component's view of the feed. Dispose it with the component.</summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly LiveTicketFeed feed;
    private readonly Channel<TicketEventMessage> channel;
    private int overflowed;

    internal LiveSubscription(LiveTicketFeed feed, string? department)
    {
        this.feed = feed;
        Department = department;
        channel = Channel.CreateBounded<TicketEventMessage>(
            new BoundedChannelOptions(LiveTicketFeed.BufferSize) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Exchange(ref overflowed, 1));
    }

    /// <summary>Null for centre staff; a handler's department otherwise.</summary>
    public string? Department { get; }

    public ChannelReader<TicketEventMessage> Events => channel.Reader;

    /// <summary>True once (then reset) when events were dropped since the last call: the reader should reload its view.</summary>
    public bool Overflowed() => Interlocked.Exchange(ref overflowed, 0) == 1;

    internal void Write(TicketEventMessage message) => channel.Writer.TryWrite(message);

    public void Dispose()
    {
        feed.Remove(this);
        channel.Writer.TryComplete();
    }
}
