using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Hotline.Server.Nodes;
using StackExchange.Redis;

namespace Hotline.Server.Security;

/// <summary>
/// How many distinct values (phone numbers, credit codes) one person has looked up in the current hour, for
/// <see cref="Tickets.ConfidentialNotices"/>. The hour starts with the person's first lookup; a value already looked up in
/// it is free again.
/// </summary>
public interface ILookupAllowance
{
    /// <summary>Spends one of <paramref name="perHour"/> distinct lookups of <paramref name="viewerId"/> on <paramref name="value"/>; false when none is left.</summary>
    ValueTask<bool> SpendAsync(string viewerId, string value, int perHour, CancellationToken ct);
}

/// <summary>The allowances in this process's memory (one node); stale ones are dropped once there are many.</summary>
public sealed class MemoryLookupAllowance(TimeProvider time) : ILookupAllowance
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset WindowStart, HashSet<string> Values)> allowances = new(StringComparer.Ordinal);

    public ValueTask<bool> SpendAsync(string viewerId, string value, int perHour, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (allowances.Count > 10_000)
        {
            foreach (var (key, entry) in allowances)
            {
                if (now - entry.WindowStart > Hour)
                    allowances.TryRemove(key, out _);
            }
        }
        var current = allowances.AddOrUpdate(viewerId, _ => (now, []), (_, e) => now - e.WindowStart > Hour ? (now, []) : e);
        lock (current.Values)
        {
            if (current.Values.Contains(value))
                return ValueTask.FromResult(true);
            if (current.Values.Count >= perHour)
                return ValueTask.FromResult(false);
            current.Values.Add(value);
            return ValueTask.FromResult(true);
        }
    }
}

/// <summary>
/// The allowances of every node in Redis, so looking up through several nodes spends one allowance. The values are kept
/// only as SHA-256 digests (a phone number is personal data), in two keys per person that expire with the hour. While
/// Redis is unreachable each node falls back to its own memory.
/// </summary>
public sealed class RedisLookupAllowance(RedisNodeBus bus, TimeProvider time, ILogger<RedisLookupAllowance> logger) : ILookupAllowance
{
    // KEYS: the hour's start, the set of digests. ARGV: now (ms), hour (ms), limit, digest. 1 = spent (or already), 0 = none left.
    private const string SpendScript = """
        local now = tonumber(ARGV[1])
        local hour = tonumber(ARGV[2])
        local start = tonumber(redis.call('GET', KEYS[1]))
        if not start or now - start > hour then
          redis.call('DEL', KEYS[2])
          redis.call('SET', KEYS[1], now, 'PX', 2 * hour)
        end
        if redis.call('SISMEMBER', KEYS[2], ARGV[4]) == 1 then return 1 end
        if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 0 end
        redis.call('SADD', KEYS[2], ARGV[4])
        redis.call('PEXPIRE', KEYS[2], 2 * hour)
        return 1
        """;

    private readonly MemoryLookupAllowance local = new(time);
    private readonly RedisOutage outage = new(logger, "lookup allowances are counted per node");

    public async ValueTask<bool> SpendAsync(string viewerId, string value, int perHour, CancellationToken ct)
    {
        // One hash slot per person ({…}), so the script's two keys may live on one Redis Cluster shard.
        var prefix = $"{bus.KeyPrefix}:lookups:{{{viewerId}}}";
        try
        {
            var spent = (long)await bus.Database.ScriptEvaluateAsync(SpendScript, [prefix + ":start", prefix + ":values"],
                [time.GetUtcNow().ToUnixTimeMilliseconds(), (long)TimeSpan.FromHours(1).TotalMilliseconds, perHour, Digest(value)]);
            outage.Up();
            return spent == 1;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            outage.Down(ex);
            return await local.SpendAsync(viewerId, value, perHour, ct);
        }
    }

    private static string Digest(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
