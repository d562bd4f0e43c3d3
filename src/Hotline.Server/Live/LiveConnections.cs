using System.Collections.Concurrent;
using Hotline.Domain.Access;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Live;

/// <summary>
/// The hub's connections and their groups, with a bounded outbound queue per connection. SignalR's own group send
/// (DefaultHubLifetimeManager.SendGroupsAsync) returns a task that waits for every connection's flush, and a flush waits
/// when a client stops reading and its transport buffer is full, so one stalled client would hold up the publisher and
/// with it everybody else. Here a send never waits: the message (serialized once) is written at once when the
/// connection is idle, else queued behind its pending write and sent when the network takes it; a connection whose
/// queue exceeds <see cref="LiveOptions.MaxPendingMessagesPerConnection"/> is aborted.
/// </summary>
public sealed class LiveConnections(IOptions<LiveOptions> options, ILogger<LiveConnections> logger)
{
    private readonly ConcurrentDictionary<string, LiveConnection> connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, LiveConnection>> groups = new(StringComparer.Ordinal);
    private readonly Lock membership = new(); // joins and leaves only (rare); sends read the dictionaries without it
    private long overflowAborts;

    public int Count => connections.Count;

    /// <summary>Raised with the connection id and the tickets it watched when a stalled connection is dropped.</summary>
    public event Action<string, IReadOnlyCollection<string>>? Dropped;

    /// <summary>Connections aborted because their outbound queue overflowed, since start.</summary>
    public long OverflowAborts => Interlocked.Read(ref overflowAborts);

    internal void Add(HubConnectionContext context) =>
        connections[context.ConnectionId] = new LiveConnection(context, options.Value.MaxPendingMessagesPerConnection, this);

    internal void Remove(string connectionId)
    {
        if (!connections.TryRemove(connectionId, out var connection))
            return;
        connection.Close();
        foreach (var group in connection.Groups)
            LeaveGroup(connection, group);
    }

    internal LiveConnection? Find(string connectionId) => connections.GetValueOrDefault(connectionId);

    public void Join(string connectionId, string group)
    {
        if (Find(connectionId) is not { } connection)
            return;
        lock (membership)
        {
            groups.GetOrAdd(group, _ => new(StringComparer.Ordinal))[connectionId] = connection;
            connection.Groups.Add(group);
        }
        if (connection.IsClosed) // removed meanwhile: do not leave it behind in the group
            LeaveGroup(connection, group);
    }

    public void Leave(string connectionId, string group)
    {
        if (Find(connectionId) is { } connection)
            LeaveGroup(connection, group);
    }

    /// <summary>The groups a connection is in (for tests and diagnostics).</summary>
    public IReadOnlyCollection<string> GroupsOf(string connectionId) => Find(connectionId)?.Groups.ToArray() ?? [];

    /// <summary>Messages waiting for this connection, including the one being written (for tests and diagnostics).</summary>
    public int Pending(string connectionId) => Find(connectionId)?.Pending ?? 0;

    internal IReadOnlyList<LiveConnection> Members(string group) =>
        groups.TryGetValue(group, out var members) ? [.. members.Values] : [];

    /// <summary>Sends to every connection in any of the groups, once each, without waiting for any of them.</summary>
    public void Send(IReadOnlyList<string> groupNames, string method, params object?[] args)
    {
        var message = new SerializedHubMessage(new InvocationMessage(method, args));
        if (groupNames.Count == 1)
        {
            if (groups.TryGetValue(groupNames[0], out var members))
            {
                foreach (var (_, connection) in members)
                    connection.Send(message);
            }
            return;
        }
        var sent = new HashSet<LiveConnection>(ReferenceEqualityComparer.Instance);
        foreach (var name in groupNames)
        {
            if (!groups.TryGetValue(name, out var members))
                continue;
            foreach (var (_, connection) in members)
            {
                if (sent.Add(connection))
                    connection.Send(message);
            }
        }
    }

    private void LeaveGroup(LiveConnection connection, string group)
    {
        lock (membership)
        {
            connection.Groups.TryRemove(group);
            if (groups.TryGetValue(group, out var members))
            {
                members.TryRemove(connection.Id, out _);
                if (members.IsEmpty) // ticket groups come and go; an empty one is dropped under the same lock a join takes
                    groups.TryRemove(group, out _);
            }
        }
    }

    internal void Overflowed(LiveConnection connection)
    {
        Interlocked.Increment(ref overflowAborts);
        // Out of every group and presence now: SignalR's own disconnect of a stalled connection waits for its close
        // message to flush, which happens only when the transport gives up on it (long polling: 15 s without a poll).
        Remove(connection.Id);
        // Not on this thread: it is in the middle of a send, and leaving presence sends again.
        var watched = connection.Watching.ToArray();
        ThreadPool.QueueUserWorkItem(_ => Dropped?.Invoke(connection.Id, watched));
        logger.LogWarning("Live connection {ConnectionId} of {UserId} stopped reading ({Pending} messages waiting); aborted, it resumes with Since",
            connection.Id, connection.Actor?.Id, options.Value.MaxPendingMessagesPerConnection);
    }
}

/// <summary>One hub connection: its actor, groups, watched tickets and outbound queue.</summary>
internal sealed class LiveConnection(HubConnectionContext context, int capacity, LiveConnections owner)
{
    private readonly Lock gate = new();
    private readonly Queue<SerializedHubMessage> queue = new();
    private bool writing;
    private bool closed;

    public string Id => context.ConnectionId;
    public Actor? Actor { get; set; }
    public ConcurrentSet Groups { get; } = new();
    public ConcurrentSet Watching { get; } = new();

    public bool IsClosed
    {
        get { lock (gate) return closed; }
    }

    public int Pending
    {
        get { lock (gate) return queue.Count + (writing ? 1 : 0); }
    }

    public void Send(SerializedHubMessage message)
    {
        var overflowed = false;
        lock (gate)
        {
            if (closed)
                return;
            if (writing)
            {
                if (queue.Count < capacity)
                {
                    queue.Enqueue(message);
                    return;
                }
                closed = overflowed = true;
                queue.Clear();
            }
            else
            {
                writing = true;
            }
        }
        if (overflowed)
        {
            owner.Overflowed(this);
            context.Abort(); // the client reconnects and resumes with Since
            // A WebSocket that is not read would keep the aborted connection (and its buffers) until TCP gives up: reset it.
            if (context.Features.Get<IHttpTransportFeature>()?.TransportType == HttpTransportType.WebSockets)
                context.Features.Get<IHttpContextFeature>()?.HttpContext?.Abort();
            return;
        }
        Write(message);
    }

    public void Close()
    {
        lock (gate)
        {
            closed = true;
            queue.Clear();
        }
    }

    /// <summary>Writes this message and then whatever queued behind it, until a write has to wait for the network.</summary>
    private void Write(SerializedHubMessage message)
    {
        while (true)
        {
            var write = context.WriteAsync(message); // never throws: a failed write aborts the connection itself
            if (!write.IsCompletedSuccessfully)
            {
                _ = ContinueAfterAsync(write);
                return;
            }
            write.GetAwaiter().GetResult();
            if (!TryTakeNext(out message))
                return;
        }
    }

    private async Task ContinueAfterAsync(ValueTask write)
    {
        await write;
        if (TryTakeNext(out var next))
            Write(next);
    }

    private bool TryTakeNext(out SerializedHubMessage next)
    {
        lock (gate)
        {
            if (!closed && queue.TryDequeue(out next!))
                return true;
            writing = false;
            next = null!;
            return false;
        }
    }
}

/// <summary>A small thread-safe set of strings.</summary>
internal sealed class ConcurrentSet
{
    private readonly ConcurrentDictionary<string, byte> items = new(StringComparer.Ordinal);

    public int Count => items.Count;
    public bool Add(string item) => items.TryAdd(item, 0);
    public bool TryRemove(string item) => items.TryRemove(item, out _);
    public bool Contains(string item) => items.ContainsKey(item);
    public string[] ToArray() => [.. items.Keys];

    public IEnumerator<string> GetEnumerator() => items.Keys.GetEnumerator();
}

/// <summary>SignalR's in-memory lifetime manager, telling <see cref="LiveConnections"/> which connections exist.</summary>
public sealed class TicketsHubLifetimeManager(LiveConnections live, ILogger<DefaultHubLifetimeManager<TicketsHub>> logger)
    : DefaultHubLifetimeManager<TicketsHub>(logger)
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await base.OnConnectedAsync(connection);
        live.Add(connection);
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        live.Remove(connection.ConnectionId);
        await base.OnDisconnectedAsync(connection);
    }
}
