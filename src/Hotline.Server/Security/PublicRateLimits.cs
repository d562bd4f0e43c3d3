using System.Diagnostics;
using System.Globalization;
using System.Threading.RateLimiting;
using Hotline.Server.Nodes;
using Microsoft.AspNetCore.RateLimiting;
using StackExchange.Redis;

namespace Hotline.Server.Security;

/// <summary>
/// The public pages' per-minute limits per client address (the Q&amp;A page, /track, /rate, the enterprise forms): one
/// fixed window per policy, address and minute. On one node the window is counted in memory; with several nodes
/// (<see cref="RedisRateWindows"/> registered) it is counted in Redis, so requests spread over the balancer's nodes meet
/// one limit, not one per node.
/// </summary>
public static class PublicRateLimits
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Adds <paramref name="policy"/>: at most <paramref name="perMinute"/> requests a minute from one client address; 429 with Retry-After beyond.</summary>
    public static RateLimiterOptions AddPerMinutePolicy(this RateLimiterOptions options, string policy, Func<HttpContext, int> perMinute)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = (context, _) =>
        {
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return ValueTask.CompletedTask; // the body is the problem document UseStatusCodePages writes for the 429
        };
        options.AddPolicy(policy, http =>
        {
            var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            var limit = perMinute(http);
            return http.RequestServices.GetService<RedisRateWindows>() is { } shared
                ? RateLimitPartition.Get(address, _ => new SharedWindowLimiter(shared, $"{policy}:{address}", limit))
                : RateLimitPartition.GetFixedWindowLimiter(address, _ => LocalWindow(limit));
        });
        return options;
    }

    internal static FixedWindowRateLimiterOptions LocalWindow(int limit) =>
        new() { PermitLimit = limit, Window = Window, QueueLimit = 0 };
}

/// <summary>
/// The per-minute windows of every node in Redis: one counter per policy, address and minute of this node's clock, raised
/// and given its expiry in one script (one round trip). Answers null while Redis is unreachable (logged once).
/// </summary>
public sealed class RedisRateWindows(RedisNodeBus bus, TimeProvider time, ILogger<RedisRateWindows> logger)
{
    // KEYS[1] the window's counter; ARGV[1] permits asked, ARGV[2] the counter's lifetime in ms. Returns the new count.
    private const string CountScript = """
        local n = redis.call('INCRBY', KEYS[1], tonumber(ARGV[1]))
        if n == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
        return n
        """;

    private readonly RedisOutage outage = new(logger, "the public pages' per-minute limits are counted per node");

    /// <summary>The requests counted in the current minute with these <paramref name="permits"/>, and the time to the next minute; null when Redis is down.</summary>
    public async Task<(long Count, TimeSpan ResetIn)?> CountAsync(string key, int permits)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var window = (long)PublicRateLimits.Window.TotalMilliseconds;
        var minute = now / window;
        try
        {
            // Kept a little past its minute, so a node whose clock lags slightly still finds it.
            var count = (long)await bus.Database.ScriptEvaluateAsync(CountScript,
                [(RedisKey)$"{bus.KeyPrefix}:rate:{key}:{minute}"], [permits, window + 10_000]);
            outage.Up();
            return (count, TimeSpan.FromMilliseconds((minute + 1) * window - now));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            outage.Down(ex);
            return null;
        }
    }
}

/// <summary>
/// One client address's window under one policy, counted in Redis; during an outage in this node's memory
/// (<see cref="FixedWindowRateLimiter"/>, as on a single node). It answers only asynchronously: the rate-limiting
/// middleware asks <see cref="RateLimiter.AttemptAcquire(int)"/> first and, refused, waits on
/// <see cref="RateLimiter.AcquireAsync(int, CancellationToken)"/>.
/// </summary>
internal sealed class SharedWindowLimiter(RedisRateWindows windows, string key, int limit) : RateLimiter
{
    private readonly FixedWindowRateLimiter local = new(PublicRateLimits.LocalWindow(limit));
    private long lastUsed = Stopwatch.GetTimestamp();

    // Idle (and so disposable by the partitioned limiter) unless its local window still counts requests of an outage.
    public override TimeSpan? IdleDuration => local.IdleDuration is null ? null : Stopwatch.GetElapsedTime(Interlocked.Read(ref lastUsed));

    public override RateLimiterStatistics? GetStatistics() => local.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => WindowLease.Ask;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref lastUsed, Stopwatch.GetTimestamp());
        if (permitCount == 0)
            return WindowLease.Granted;
        if (await windows.CountAsync(key, permitCount) is not { } shared)
            return await local.AcquireAsync(permitCount, cancellationToken);
        return shared.Count <= limit ? WindowLease.Granted : new WindowLease(false, shared.ResetIn);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            local.Dispose();
        base.Dispose(disposing);
    }

    private sealed class WindowLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly WindowLease Granted = new(true, null);

        /// <summary>Not an answer: the shared count is only known asynchronously.</summary>
        public static readonly WindowLease Ask = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
