using System.Security.Cryptography;
using System.Text.Json;
using Hotline.Server.Access;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Security;

/// <summary>The client's address as the rate limits count it (after trusted proxies' X-Forwarded-For).</summary>
public static class ClientAddress
{
    public static string Of(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

public enum SignInOutcome
{
    SignedIn,
    /// <summary>Wrong name or password, or a deactivated account: the same answer for each.</summary>
    Refused,
    /// <summary>Too many failures from this address or for this account from unknown browsers: wait <see cref="SignInResult.RetryAfter"/>.</summary>
    Throttled,
}

public sealed record SignInResult(SignInOutcome Outcome, TimeSpan RetryAfter = default)
{
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

/// <summary>
/// 登录: password sign-in for the console and scripts, the same for the form and the API. An unknown name costs the
/// same password hash as a wrong password, so the answer's timing does not tell whether a user exists. Failures back
/// off per client address and per account; the account's back-off does not apply to browsers the person signed in
/// from before (a device cookie, as OWASP's "device cookies" describe), so nobody can lock someone else out by trying
/// their name. Nothing locks an account for good.
/// </summary>
public sealed class ConsoleSignIn(
    UserManager<HotlineUser> users, SignInManager<HotlineUser> signIn, IPasswordHasher<HotlineUser> hasher, IAttemptLimiter attempts,
    DeviceCookies devices, ConsoleSessionStore sessions, IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> cookies,
    IOptions<SecurityOptions> options, ILogger<ConsoleSignIn> logger)
{
    /// <summary>The sign-in cookie a sign-in request came with, set aside so the new sign-in gets a new session key.</summary>
    public const string PreviousSessionItem = "hotline:previous-session";
    private const string CookieName = "hotline.auth";
    private const string SessionIdClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";
    private static readonly HotlineUser Nobody = new() { Id = "nobody", UserName = "nobody" };
    private static string? nobodyHash;

    /// <summary>
    /// Removes the sign-in cookie from a sign-in request before authentication reads it. The cookie handler would
    /// otherwise keep that cookie's session key for the new sign-in, so a key planted in the browser (a page on another
    /// port of the host can set cookies for it) would then carry the victim's sign-in: session fixation.
    /// </summary>
    public static void SetPreviousSessionAside(HttpContext http)
    {
        if (http.Request.Cookies[CookieName] is not { } previous)
            return;
        http.Items[PreviousSessionItem] = previous;
        // The other cookies stay exactly as the browser sent them (no decoding and encoding again).
        http.Request.Headers.Cookie = string.Join("; ", http.Request.Headers.Cookie
            .SelectMany(header => (header ?? "").Split(';'))
            .Select(pair => pair.Trim())
            .Where(pair => pair.Length > 0 && !pair.StartsWith(CookieName, StringComparison.Ordinal)));
    }

    public async Task<SignInResult> SignInAsync(HttpContext http, string? userName, string? password, CancellationToken ct)
    {
        var o = options.Value;
        var name = users.NormalizeName(userName?.Trim() ?? "") ?? "";
        var client = $"login-client:{ClientAddress.Of(http)}";
        if (await attempts.TryBeginAsync(client, o.LoginPerClient, ct) is { } clientWait)
            return Throttled(clientWait, "client");

        var user = name.Length == 0 ? null : await users.FindByNameAsync(name);
        var device = user is null ? null : devices.Read(http, user.Id);
        var (accountKey, accountPolicy) = device is null ? ($"login-account:{name}", o.LoginPerAccount) : ($"login-device:{name}:{device}", o.LoginPerDevice);
        if (await attempts.TryBeginAsync(accountKey, accountPolicy, ct) is { } accountWait)
        {
            await attempts.SucceededAsync(client, forget: false, ct); // not judged: the address is not charged for it
            return Throttled(accountWait, device is null ? "account" : "device");
        }

        if (!await PasswordMatchesAsync(user, password ?? "") || user!.DeactivatedAt is not null)
        {
            logger.LogInformation("Sign-in refused for {UserId}", user?.Id ?? "(unknown name)");
            return new(SignInOutcome.Refused);
        }

        await attempts.SucceededAsync(accountKey, forget: true, ct);
        await attempts.SucceededAsync(client, forget: false, ct);
        await signIn.SignInAsync(user, isPersistent: false);
        await EndPreviousSessionAsync(http);
        devices.Issue(http, user.Id, device);
        logger.LogInformation("User {UserId} signed in", user.Id);
        return new(SignInOutcome.SignedIn);
    }

    /// <summary>The session this browser had before signing in again ends (whoever it belonged to).</summary>
    private async Task EndPreviousSessionAsync(HttpContext http)
    {
        if (http.Items[PreviousSessionItem] is not string previous)
            return;
        var ticket = cookies.Get(Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme).TicketDataFormat.Unprotect(previous);
        if (ticket?.Principal.FindFirst(SessionIdClaim)?.Value is { } key)
            await sessions.RemoveAsync(key);
    }

    /// <summary>Exactly one password hash verification whether or not the user exists.</summary>
    private async Task<bool> PasswordMatchesAsync(HotlineUser? user, string password)
    {
        if (user is not null && user.PasswordHash is not null)
            return await users.CheckPasswordAsync(user, password);
        nobodyHash ??= hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
        hasher.VerifyHashedPassword(Nobody, nobodyHash, password);
        return false;
    }

    private SignInResult Throttled(TimeSpan wait, string scope)
    {
        logger.LogWarning("Sign-in throttled by the {Scope} back-off for {Seconds} s", scope, (int)Math.Ceiling(wait.TotalSeconds));
        return new(SignInOutcome.Throttled, wait);
    }
}

/// <summary>
/// The device cookie (<c>hotline.device</c>): a browser's random id and the accounts that signed in from it, protected
/// with the data-protection key ring. It proves nothing but "this browser has signed in as this person before", which
/// is enough to keep the person out of the back-off an attacker triggers for their name elsewhere.
/// </summary>
public sealed class DeviceCookies(IDataProtectionProvider protection, IOptions<SecurityOptions> options, TimeProvider time)
{
    public const string CookieName = "hotline.device";
    private const int MaxAccounts = 20;
    private readonly IDataProtector protector = protection.CreateProtector("Hotline.DeviceCookie.v1");

    private sealed record Device(string Id, List<string> Users);

    /// <summary>The browser's device id when it has signed in as <paramref name="userId"/> before; null otherwise.</summary>
    public string? Read(HttpContext http, string userId) =>
        ReadDevice(http) is { } device && device.Users.Contains(userId) ? device.Id : null;

    public void Issue(HttpContext http, string userId, string? knownId)
    {
        var device = ReadDevice(http) ?? new Device(knownId ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), []);
        if (!device.Users.Contains(userId))
            device.Users.Insert(0, userId);
        var value = protector.Protect(JsonSerializer.Serialize(device with { Users = device.Users.Take(MaxAccounts).ToList() }));
        http.Response.Cookies.Append(CookieName, value, new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Strict,
            Secure = options.Value.CookieSecure == Microsoft.AspNetCore.Http.CookieSecurePolicy.Always || http.Request.IsHttps,
            Expires = time.GetUtcNow().AddYears(1),
            Path = "/",
        });
    }

    private Device? ReadDevice(HttpContext http)
    {
        if (http.Request.Cookies[CookieName] is not { Length: > 0 } raw)
            return null;
        try
        {
            return JsonSerializer.Deserialize<Device>(protector.Unprotect(raw));
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            return null; // not ours, or from a key ring long gone
        }
    }
}
