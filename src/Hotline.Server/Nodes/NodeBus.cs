using StackExchange.Redis;

namespace Hotline.Server.Nodes;

/// <summary>
/// Tells the other nodes that something happened here: a commit, a cache to reload, a call to pop. Fire and forget:
/// a message lost (Redis down) only delays what the polling safety nets find anyway, and every node reloads its caches
/// when the bus comes back (<see cref="Restored"/>). A node never hears its own messages; it has acted already.
/// </summary>
public interface INodeBus
{
    /// <summary>True when other nodes may exist (Redis configured); false on a single node, where publishing does nothing.</summary>
    bool IsShared { get; }

    /// <summary>Raised when the connection to the other nodes comes back after an outage: what was missed must be reloaded.</summary>
    event Action? Restored;

    void Publish(string topic, string message);

    IDisposable Subscribe(string topic, Action<string> handler);
}

/// <summary>One node, no Redis: nobody else to tell.</summary>
public sealed class LocalNodeBus : INodeBus
{
    public bool IsShared => false;

    public event Action? Restored { add { } remove { } }

    public void Publish(string topic, string message)
    {
    }

    public IDisposable Subscribe(string topic, Action<string> handler) => Unsubscribe.None;

    private sealed class Unsubscribe : IDisposable
    {
        public static readonly Unsubscribe None = new();

        public void Dispose()
        {
        }
    }
}

/// <summary>
/// Redis publish/subscribe between the nodes of one installation (channels <c>{ChannelPrefix}:{topic}</c>). The
/// multiplexer reconnects by itself and re-subscribes; an outage is logged once as a warning and its end as information.
/// </summary>
public sealed class RedisNodeBus : INodeBus, IDisposable
{
    private readonly ConnectionMultiplexer redis;
    private readonly string prefix;
    private readonly string self;
    private readonly ILogger<RedisNodeBus> logger;
    private int down;

    public RedisNodeBus(NodeIdentity node, Microsoft.Extensions.Options.IOptions<RedisOptions> options, ILogger<RedisNodeBus> logger)
    {
        (prefix, self, this.logger) = (options.Value.ChannelPrefix, node.Id + "|", logger);
        var config = ConfigurationOptions.Parse(options.Value.Configuration!);
        config.AbortOnConnectFail = false; // start and keep serving without Redis; polling covers until it is back
        // While Redis is away a command fails at once instead of waiting in the backlog for the 5 s timeout: every caller
        // (rate limits, failed-attempt counts, lookups) falls back to this node's own state, and a public request or a
        // sign-in during an outage is not held up 5 s by each call.
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ClientName = $"hotline-{node.Id}";
        redis = ConnectionMultiplexer.Connect(config);
        redis.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription && Interlocked.Exchange(ref down, 1) == 0)
                logger.LogWarning("Redis unreachable ({FailureType}): other nodes' changes arrive by polling until it is back", e.FailureType);
        };
        redis.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType != ConnectionType.Subscription || Interlocked.Exchange(ref down, 0) == 0)
                return;
            logger.LogInformation("Redis reachable again: reloading shared caches");
            ThreadPool.QueueUserWorkItem(_ => Restored?.Invoke());
        };
        if (!redis.IsConnected)
            logger.LogWarning("Redis {Configuration} not reachable at start; retrying in the background", options.Value.Configuration);
    }

    public bool IsShared => true;

    public bool IsConnected => redis.IsConnected;

    /// <summary>The shared keys' database, for state the nodes keep together (failed attempts); keys start with <see cref="KeyPrefix"/>.</summary>
    public IDatabase Database => redis.GetDatabase();

    /// <summary>The installation's prefix (<see cref="RedisOptions.ChannelPrefix"/>), for keys as for channels.</summary>
    public string KeyPrefix => prefix;

    public event Action? Restored;

    public void Publish(string topic, string message)
    {
        try
        {
            redis.GetSubscriber().Publish(Channel(topic), self + message, CommandFlags.FireAndForget);
        }
        catch (RedisException ex) // down: the other nodes catch up by polling and reload on Restored
        {
            logger.LogDebug(ex, "Publishing {Topic} to the other nodes failed", topic);
        }
    }

    public IDisposable Subscribe(string topic, Action<string> handler)
    {
        var channel = Channel(topic);
        Action<RedisChannel, RedisValue> receive = (_, value) =>
        {
            var text = (string?)value;
            if (text is null || text.StartsWith(self, StringComparison.Ordinal))
                return;
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            try
            {
                handler(text[(bar + 1)..]);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Handling {Topic} from another node failed", topic);
            }
        };
        // Fire and forget: the subscription is kept by the multiplexer and made (again) whenever it connects, so a node
        // that starts while Redis is down does not wait for it or fail.
        redis.GetSubscriber().Subscribe(channel, receive, CommandFlags.FireAndForget);
        return new Subscription(() => redis.GetSubscriber().Unsubscribe(channel, receive, CommandFlags.FireAndForget));
    }

    private RedisChannel Channel(string topic) => RedisChannel.Literal($"{prefix}:{topic}");

    public void Dispose() => redis.Dispose();

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
