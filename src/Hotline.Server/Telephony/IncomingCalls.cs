using System.Collections.Concurrent;
using System.Threading.Channels;
using Hotline.Server.Tickets;

namespace Hotline.Server.Telephony;

/// <summary>来电弹屏: who is calling which agent, with the caller's earlier tickets.</summary>
/// <param name="ConfidentialMatter">The caller also has a confidential reporter's matter the agent may not see (only this flag).</param>
public sealed record IncomingCallMessage(
    int V, string CallId, string CallerPhone, string AgentUserName, DateTimeOffset ReceivedAt, IReadOnlyList<TicketSummary> History,
    bool ConfidentialMatter = false);

/// <summary>
/// Delivers incoming calls to the agent consoles open in this process, per user (the hub's user group reaches the
/// other clients). Each open console has a small bounded buffer; a console that does not read loses the oldest calls.
/// </summary>
public sealed class IncomingCalls
{
    private readonly ConcurrentDictionary<IncomingCallSubscription, string> subscribers = new();

    public IncomingCallSubscription Subscribe(string userId)
    {
        var subscription = new IncomingCallSubscription(this);
        subscribers[subscription] = userId;
        return subscription;
    }

    /// <summary>Hands the call to every open console of the user; returns how many there were.</summary>
    public int Publish(string userId, IncomingCallMessage call)
    {
        var delivered = 0;
        foreach (var (subscription, user) in subscribers)
        {
            if (user == userId)
            {
                subscription.Write(call);
                delivered++;
            }
        }
        return delivered;
    }

    internal void Remove(IncomingCallSubscription subscription) => subscribers.TryRemove(subscription, out _);
}

/// <summary>One open console's calls. Dispose it with the component.</summary>
public sealed class IncomingCallSubscription : IDisposable
{
    private readonly IncomingCalls owner;
    private readonly Channel<IncomingCallMessage> channel = Channel.CreateBounded<IncomingCallMessage>(
        new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    internal IncomingCallSubscription(IncomingCalls owner) => this.owner = owner;

    public ChannelReader<IncomingCallMessage> Calls => channel.Reader;

    internal void Write(IncomingCallMessage call) => channel.Writer.TryWrite(call);

    public void Dispose()
    {
        owner.Remove(this);
        channel.Writer.TryComplete();
    }
}
