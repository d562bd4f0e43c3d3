using System.Collections.Concurrent;

namespace Hotline.Server.Security;

/// <summary>
/// Counts failures per key (a client address, an account, a ticket) and answers how long the key must wait before its
/// next attempt is even looked at. One node keeps the counts in memory (<see cref="MemoryAttemptLimiter"/>); several
/// nodes share them through another implementation (Redis) behind this interface.
/// </summary>
public interface IAttemptLimiter
{
    /// <summary>How long <paramref name="key"/> must still wait; null when it may try now.</summary>
    ValueTask<TimeSpan?> WaitAsync(string key, CancellationToken ct);

    /// <summary>Counts a failure; returns the wait it now has (null while its free failures last).</summary>
    ValueTask<TimeSpan?> FailAsync(string key, BackOffOptions policy, CancellationToken ct);

    /// <summary>
    /// In one step: the wait if the key must wait, or else null and the attempt counted as a failure until
    /// <see cref="SucceededAsync"/> says otherwise. A burst of simultaneous attempts cannot all slip in before the first fails.
    /// </summary>
    ValueTask<TimeSpan?> TryBeginAsync(string key, BackOffOptions policy, CancellationToken ct);

    /// <summary>
    /// The attempt begun with <see cref="TryBeginAsync"/> succeeded (or was not judged): <paramref name="forget"/> drops
    /// all the key's failures (an account its owner got right), otherwise only this attempt's is taken back (a client
    /// address, which a successful sign-in to one's own account must not clear for guesses at others).
    /// </summary>
    ValueTask SucceededAsync(string key, bool forget, CancellationToken ct);
}

/// <summary>The keys' failures in this process's memory, bounded: stale keys are dropped, and the table never exceeds <see cref="MaxKeys"/>.</summary>
public sealed class MemoryAttemptLimiter(TimeProvider time) : IAttemptLimiter
{
    public const int MaxKeys = 100_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    private sealed class Entry
    {
        public int Failures;
        public int Free;
        public DateTimeOffset LastFailure;
        public DateTimeOffset BlockedUntil;
        public TimeSpan ForgetAfter;
    }

    public ValueTask<TimeSpan?> WaitAsync(string key, CancellationToken ct)
    {
        if (!entries.TryGetValue(key, out var entry))
            return ValueTask.FromResult<TimeSpan?>(null);
        lock (entry)
            return ValueTask.FromResult(Wait(entry, time.GetUtcNow()));
    }

    public ValueTask<TimeSpan?> FailAsync(string key, BackOffOptions policy, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var entry = EntryFor(key, now);
        lock (entry)
        {
            Fail(entry, policy, now);
            return ValueTask.FromResult(Wait(entry, now));
        }
    }

    public ValueTask<TimeSpan?> TryBeginAsync(string key, BackOffOptions policy, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var entry = EntryFor(key, now);
        lock (entry)
        {
            if (Wait(entry, now) is { } wait)
                return ValueTask.FromResult<TimeSpan?>(wait);
            Fail(entry, policy, now);
            return ValueTask.FromResult<TimeSpan?>(null);
        }
    }

    public ValueTask SucceededAsync(string key, bool forget, CancellationToken ct)
    {
        if (forget)
        {
            entries.TryRemove(key, out _);
        }
        else if (entries.TryGetValue(key, out var entry))
        {
            lock (entry)
            {
                entry.Failures = Math.Max(0, entry.Failures - 1);
                if (entry.Failures <= entry.Free)
                    entry.BlockedUntil = default;
            }
        }
        return ValueTask.CompletedTask;
    }

    private static TimeSpan? Wait(Entry entry, DateTimeOffset now) => entry.BlockedUntil > now ? entry.BlockedUntil - now : null;

    private static void Fail(Entry entry, BackOffOptions policy, DateTimeOffset now)
    {
        entry.ForgetAfter = TimeSpan.FromSeconds(policy.ForgetAfterSeconds);
        entry.Free = policy.FreeFailures;
        if (now - entry.LastFailure > entry.ForgetAfter)
            entry.Failures = 0;
        entry.Failures++;
        entry.LastFailure = now;
        var over = entry.Failures - policy.FreeFailures;
        if (over > 0)
            entry.BlockedUntil = now + TimeSpan.FromSeconds(Math.Min(policy.MaxDelaySeconds, policy.FirstDelaySeconds * Math.Pow(2, Math.Min(over - 1, 30))));
    }

    private Entry EntryFor(string key, DateTimeOffset now)
    {
        if (entries.Count >= MaxKeys && !entries.ContainsKey(key))
            Prune(now);
        return entries.GetOrAdd(key, _ => new Entry());
    }

    /// <summary>Drops keys whose failures are forgotten; if the table is still full, those not waiting (guessing must not fill memory).</summary>
    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in entries)
        {
            lock (entry)
            {
                if (now - entry.LastFailure > entry.ForgetAfter)
                    entries.TryRemove(key, out _);
            }
        }
        if (entries.Count < MaxKeys)
            return;
        foreach (var (key, entry) in entries)
        {
            lock (entry)
            {
                if (entry.BlockedUntil <= now)
                    entries.TryRemove(key, out _);
            }
        }
    }
}

/// <summary>Thrown when a key must wait: 429 with Retry-After in whole seconds.</summary>
public sealed class TooManyAttemptsException(TimeSpan retryAfter) : Exception("Too many failed attempts; wait before trying again.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}
