using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Hotline.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Security;

/// <summary>
/// A console sign-in held on the server (会话): the cookie carries only a random key, the database holds the sign-in
/// under the key's SHA-256. Signing out deletes the row, so a copied cookie stops working at once; a changed password,
/// role or department, or a deactivated account deletes all the person's rows.
/// </summary>
public sealed class ConsoleSession
{
    /// <summary>SHA-256 of the cookie's key, hex: the database never holds a usable key.</summary>
    public required string Id { get; set; }
    public required string UserId { get; set; }
    /// <summary>The serialized sign-in (claims and cookie properties).</summary>
    public required byte[] Ticket { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
}

public static class SessionClaims
{
    /// <summary>The session's id (<see cref="ConsoleSession.Id"/>) in the signed-in principal, so live connections can be matched to it.</summary>
    public const string SessionId = "hotline:session";
}

/// <summary>
/// The cookie handler's server-side ticket store over <c>console_sessions</c>. Each node keeps what it read for
/// <see cref="SecurityOptions.SessionCacheSeconds"/>; a revocation drops it here at once and, through
/// <see cref="IRevocationBus"/>, on the other nodes.
/// </summary>
public sealed class ConsoleSessionStore : ITicketStore, IDisposable
{
    private readonly IDbContextFactory<HotlineDbContext> contexts;
    private readonly TimeProvider time;
    private readonly IRevocationBus revocations;
    private readonly SecurityOptions options;
    private readonly ConcurrentDictionary<string, (AuthenticationTicket Ticket, string UserId, DateTimeOffset ReadAt)> cache = new(StringComparer.Ordinal);
    private readonly IDisposable subscription;

    public ConsoleSessionStore(IDbContextFactory<HotlineDbContext> contexts, TimeProvider time, IRevocationBus revocations, IOptions<SecurityOptions> options)
    {
        (this.contexts, this.time, this.revocations, this.options) = (contexts, time, revocations, options.Value);
        subscription = revocations.Subscribe(Forget);
    }

    public static string IdOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var id = IdOf(key);
        Tag(ticket, id);
        await using var db = await contexts.CreateDbContextAsync();
        db.ConsoleSessions.Add(new ConsoleSession
        {
            Id = id, UserId = UserIdOf(ticket), Ticket = TicketSerializer.Default.Serialize(ticket),
            CreatedAt = time.GetUtcNow(), ExpiresAt = ticket.Properties.ExpiresUtc,
        });
        await db.SaveChangesAsync();
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        var id = IdOf(key);
        Tag(ticket, id); // a refreshed principal (security stamp check) is rebuilt without the session's id
        await using var db = await contexts.CreateDbContextAsync();
        var updated = await db.ConsoleSessions.Where(s => s.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Ticket, TicketSerializer.Default.Serialize(ticket))
            .SetProperty(s => s.ExpiresAt, ticket.Properties.ExpiresUtc));
        if (updated == 1)
            cache[id] = (ticket, UserIdOf(ticket), time.GetUtcNow());
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var id = IdOf(key);
        var now = time.GetUtcNow();
        if (cache.TryGetValue(id, out var cached) && now - cached.ReadAt < TimeSpan.FromSeconds(options.SessionCacheSeconds))
            return cached.Ticket.Properties.ExpiresUtc is { } expires && expires <= now ? null : cached.Ticket;
        await using var db = await contexts.CreateDbContextAsync();
        var row = await db.ConsoleSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id);
        if (row is null)
        {
            cache.TryRemove(id, out _);
            return null;
        }
        if (row.ExpiresAt is { } expiry && expiry <= now)
        {
            await db.ConsoleSessions.Where(s => s.Id == id).ExecuteDeleteAsync();
            cache.TryRemove(id, out _);
            return null;
        }
        var ticket = TicketSerializer.Default.Deserialize(row.Ticket);
        if (ticket is null)
            return null;
        if (options.SessionCacheSeconds > 0)
            cache[id] = (ticket, row.UserId, now);
        return ticket;
    }

    /// <summary>Sign-out: the row goes, and so do the session's hub connections and console circuits.</summary>
    public async Task RemoveAsync(string key)
    {
        var id = IdOf(key);
        await using (var db = await contexts.CreateDbContextAsync())
            await db.ConsoleSessions.Where(s => s.Id == id).ExecuteDeleteAsync();
        cache.TryRemove(id, out _);
        await revocations.PublishAsync(Revocation.Session(id), CancellationToken.None);
    }

    /// <summary>Ends every session of a person (password, role or department changed, account deactivated, signed out everywhere).</summary>
    public async Task<int> RemoveAllAsync(string userId, CancellationToken ct)
    {
        int removed;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            removed = await db.ConsoleSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);
        await revocations.PublishAsync(Revocation.Principal(userId), ct);
        return removed;
    }

    /// <summary>Whether the session still exists (for revalidating a console circuit).</summary>
    public async Task<bool> ExistsAsync(string sessionId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ConsoleSessions.AnyAsync(s => s.Id == sessionId && (s.ExpiresAt == null || s.ExpiresAt > time.GetUtcNow()), ct);
    }

    /// <summary>Deletes sessions past their expiry (the cookie handler deletes them too when it meets one).</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        return await db.ConsoleSessions.Where(s => s.ExpiresAt != null && s.ExpiresAt <= now).ExecuteDeleteAsync(ct);
    }

    private void Forget(Revocation revocation)
    {
        if (revocation.SessionId is not null)
            cache.TryRemove(revocation.SessionId, out _);
        if (revocation.PrincipalId is not null)
        {
            foreach (var (id, entry) in cache)
            {
                if (entry.UserId == revocation.PrincipalId)
                    cache.TryRemove(id, out _);
            }
        }
    }

    private static void Tag(AuthenticationTicket ticket, string id)
    {
        var identity = ticket.Principal.Identities.First();
        foreach (var old in identity.FindAll(SessionClaims.SessionId).ToList())
            identity.RemoveClaim(old);
        identity.AddClaim(new Claim(SessionClaims.SessionId, id));
    }

    private static string UserIdOf(AuthenticationTicket ticket) =>
        ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("A console sign-in without a user id.");

    public void Dispose() => subscription.Dispose();
}

/// <summary>Puts the store into the Identity cookie's options (the store is a singleton from the container).</summary>
public sealed class UseConsoleSessionStore(ConsoleSessionStore store) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name == Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme)
            options.SessionStore = store;
    }
}
