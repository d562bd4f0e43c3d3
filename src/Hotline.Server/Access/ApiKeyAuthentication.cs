using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Hotline.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Access;

/// <summary>
/// Integrations send <c>X-Api-Key: hl_{prefix}_{secret}</c>. The prefix finds the key; the secret is compared with
/// its stored SHA-256 in constant time. Secrets are 32 random bytes, so a fast hash is enough (no password stretching needed).
/// A client address that keeps sending bad keys waits (429 with Retry-After, <see cref="Security.SecurityOptions.ApiKeyPerClient"/>)
/// before its keys are even looked at; a good key takes nothing back, so no key can be used to guess between others.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyCache keys,
    Security.IAttemptLimiter attempts, IOptions<Security.SecurityOptions> security)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    private const string WaitItem = "hotline:api-key-wait";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values))
            return AuthenticateResult.NoResult();
        var client = $"apikey-client:{Security.ClientAddress.Of(Context)}";
        if (await attempts.WaitAsync(client, Context.RequestAborted) is { } wait)
        {
            Context.Items[WaitItem] = wait;
            return AuthenticateResult.Fail("Too many bad API keys from this address.");
        }
        if (!ApiKeys.TryParse(values.ToString(), out var prefix, out var secret))
            return await FailedAsync(client, "Malformed API key.");

        var key = await keys.FindAsync(prefix, Context.RequestAborted);
        if (key is null || key.RevokedAt is not null || !CryptographicOperations.FixedTimeEquals(key.SecretHash, ApiKeys.Hash(secret)))
            return await FailedAsync(client, "Unknown or revoked API key.");

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"apikey:{key.Id}"),
            new(ClaimTypes.Name, key.Name),
            new(HotlineClaims.DisplayName, key.Name),
            new(ClaimTypes.Role, key.Role),
            new(HotlineClaims.ApiKeyPrefix, key.Prefix),
        };
        if (key.DepartmentCode is not null)
            claims.Add(new Claim(HotlineClaims.Department, key.DepartmentCode));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private async Task<AuthenticateResult> FailedAsync(string client, string reason)
    {
        if (await attempts.FailAsync(client, security.Value.ApiKeyPerClient, Context.RequestAborted) is { } wait)
            Context.Items[WaitItem] = wait;
        return AuthenticateResult.Fail(reason);
    }

    /// <summary>401, or 429 with Retry-After while the client address waits.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[WaitItem] is TimeSpan wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }
        return base.HandleChallengeAsync(properties);
    }
}

/// <summary>
/// Integrations call many times a second with the same key: its row is kept in memory for a short while instead of
/// read on every request. Revoking a key evicts it here at once; another instance notices within <see cref="Lifetime"/>.
/// </summary>
public sealed class ApiKeyCache : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly IDbContextFactory<HotlineDbContext> contexts;
    private readonly IMemoryCache cache;
    private readonly IDisposable subscription;

    public ApiKeyCache(IDbContextFactory<HotlineDbContext> contexts, IMemoryCache cache, Security.IRevocationBus revocations)
    {
        (this.contexts, this.cache) = (contexts, cache);
        // A key revoked on any node is forgotten on this one at once.
        subscription = revocations.Subscribe(r =>
        {
            if (r.ApiKeyPrefix is { } prefix)
                Evict(prefix);
        });
    }

    public void Dispose() => subscription.Dispose();

    public async Task<ApiKey?> FindAsync(string prefix, CancellationToken ct)
    {
        if (cache.TryGetValue(CacheKey(prefix), out ApiKey? cached))
            return cached;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == prefix, ct);
        if (key is not null)
            cache.Set(CacheKey(prefix), key, Lifetime); // unknown prefixes are not cached: guessing must not fill memory
        return key;
    }

    public void Evict(string prefix) => cache.Remove(CacheKey(prefix));

    private static string CacheKey(string prefix) => $"apikey:{prefix}";
}

public static class ApiKeys
{
    public static (string Key, string Prefix, byte[] Hash) Generate()
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return ($"hl_{prefix}_{secret}", prefix, Hash(secret));
    }

    public static bool TryParse(string value, out string prefix, out string secret)
    {
        prefix = secret = "";
        var parts = value.Split('_', 3);
        if (parts.Length != 3 || parts[0] != "hl" || parts[1].Length != 8 || parts[2].Length < 20)
            return false;
        (prefix, secret) = (parts[1], parts[2]);
        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
