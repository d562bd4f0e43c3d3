using Hotline.Server.Nodes;
using StackExchange.Redis;

namespace Hotline.Server.Security;

/// <summary>
/// The failure counts of every node in one place (Redis), so an attacker who spreads guesses over the balancer's nodes
/// meets the same back-off as one who stays on one node. Each decision is one Lua script run atomically on Redis, with
/// the time taken from this node's <see cref="TimeProvider"/> (Redis's own clock is used only to expire idle keys).
/// While Redis is unreachable the node falls back to counting in its own memory (<see cref="MemoryAttemptLimiter"/>):
/// the limits then hold per node, never not at all.
/// </summary>
public sealed class RedisAttemptLimiter(RedisNodeBus bus, TimeProvider time, ILogger<RedisAttemptLimiter> logger) : IAttemptLimiter
{
    // Fields: f failures, l last failure (ms), b blocked until (ms), r free failures of the policy last applied.
    // ARGV: now, free, forget after, first delay, max delay (all ms but free), mode ("begin" or "fail").
    // Returns the wait in ms, or -1 when the key may try now. Same rule as MemoryAttemptLimiter.Fail.
    private const string FailScript = """
        local now = tonumber(ARGV[1])
        local free = tonumber(ARGV[2])
        local forget = tonumber(ARGV[3])
        local h = redis.call('HMGET', KEYS[1], 'f', 'l', 'b')
        local f = tonumber(h[1]) or 0
        local l = tonumber(h[2]) or 0
        local b = tonumber(h[3]) or 0
        if ARGV[6] == 'begin' and b > now then return b - now end
        if now - l > forget then f = 0 end
        f = f + 1
        local over = f - free
        if over > 0 then
          local d = math.floor(tonumber(ARGV[4]) * 2 ^ math.min(over - 1, 30))
          b = now + math.min(d, tonumber(ARGV[5]))
        end
        redis.call('HSET', KEYS[1], 'f', f, 'l', now, 'b', b, 'r', free)
        redis.call('PEXPIRE', KEYS[1], math.floor(math.max(forget, b - now)) + 60000)
        if ARGV[6] == 'fail' and b > now then return b - now end
        return -1
        """;

    // Takes one failure back; unblocks when the failures are within the free ones again.
    private const string SucceedScript = """
        local f = tonumber(redis.call('HGET', KEYS[1], 'f'))
        if not f then return 0 end
        f = math.max(0, f - 1)
        redis.call('HSET', KEYS[1], 'f', f)
        if f <= (tonumber(redis.call('HGET', KEYS[1], 'r')) or 0) then redis.call('HSET', KEYS[1], 'b', 0) end
        return 0
        """;

    private readonly MemoryAttemptLimiter local = new(time);
    private readonly RedisOutage outage = new(logger, "failed attempts are counted per node");

    public async ValueTask<TimeSpan?> WaitAsync(string key, CancellationToken ct)
    {
        try
        {
            var blocked = (long?)await bus.Database.HashGetAsync(Key(key), "b") ?? 0;
            outage.Up();
            return Wait(blocked, Now());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            outage.Down(ex);
            return await local.WaitAsync(key, ct);
        }
    }

    public async ValueTask<TimeSpan?> FailAsync(string key, BackOffOptions policy, CancellationToken ct) =>
        await CountAsync(key, policy, "fail") is { } shared ? shared.Wait : await local.FailAsync(key, policy, ct);

    public async ValueTask<TimeSpan?> TryBeginAsync(string key, BackOffOptions policy, CancellationToken ct) =>
        await CountAsync(key, policy, "begin") is { } shared ? shared.Wait : await local.TryBeginAsync(key, policy, ct);

    public async ValueTask SucceededAsync(string key, bool forget, CancellationToken ct)
    {
        try
        {
            if (forget)
                await bus.Database.KeyDeleteAsync(Key(key));
            else
                await bus.Database.ScriptEvaluateAsync(SucceedScript, [Key(key)]);
            outage.Up();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            outage.Down(ex);
        }
        await local.SucceededAsync(key, forget, ct); // harmless when the attempt was counted on Redis
    }

    /// <summary>The answer Redis gave; null when it could not be asked.</summary>
    private sealed record Shared(TimeSpan? Wait);

    private async Task<Shared?> CountAsync(string key, BackOffOptions policy, string mode)
    {
        try
        {
            var result = (long)await bus.Database.ScriptEvaluateAsync(FailScript, [Key(key)],
            [
                Now(), policy.FreeFailures, policy.ForgetAfterSeconds * 1000L, policy.FirstDelaySeconds * 1000L,
                policy.MaxDelaySeconds * 1000L, mode,
            ]);
            outage.Up();
            return new Shared(result < 0 ? null : TimeSpan.FromMilliseconds(result));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            outage.Down(ex);
            return null;
        }
    }

    private static TimeSpan? Wait(long blockedUntil, long now) => blockedUntil > now ? TimeSpan.FromMilliseconds(blockedUntil - now) : null;

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private RedisKey Key(string key) => $"{bus.KeyPrefix}:attempts:{key}";

}

/// <summary>Logs a Redis outage once when it starts (a warning) and once when it ends, not at every call that meets it.</summary>
public sealed class RedisOutage(ILogger logger, string meanwhile)
{
    private int down;

    public void Down(Exception ex)
    {
        if (Interlocked.Exchange(ref down, 1) == 0)
            logger.LogWarning(ex, "Redis unreachable: {Meanwhile} until it is back", meanwhile);
    }

    public void Up()
    {
        if (Interlocked.Exchange(ref down, 0) == 1)
            logger.LogInformation("Redis reachable again: counted across the nodes again");
    }
}
