using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Ratings;

/// <summary><c>Hotline:RequesterLinks:*</c>: the public address requesters follow and how long a rating link lives.</summary>
public sealed class RequesterLinkOptions
{
    public const string Section = "Hotline:RequesterLinks";

    /// <summary>The address requesters reach the public pages at (rating, self-service), as written into emails.</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>How long a rating link in an email stays valid.</summary>
    [Range(1, 365)]
    public int RatingLinkDays { get; set; } = 15;

    /// <summary>
    /// The legacy secret (at least 32 characters) that signed rating links, access codes and policy push links before
    /// they moved to Data Protection and stored codes. Nothing new is signed with it; while it is set (or
    /// <c>data/keys/requester-links.secret</c> exists) what it signed is still accepted. Never generated any more.
    /// </summary>
    public string? Secret { get; set; }
}

/// <summary>What a rating token said when it was read back.</summary>
public enum RatingTokenStatus
{
    Valid,
    Expired,
    /// <summary>Malformed or not signed by us (tampered, forged).</summary>
    Invalid,
}

/// <summary>A rating token read back: which ticket, and which rating round (the ticket's reopen count when it was issued).</summary>
public sealed record RatingTokenReading(RatingTokenStatus Status, string? Number = null, int Round = 0, DateTimeOffset ExpiresAt = default);

/// <summary>
/// The links a requester gets by email, signed so they need no login: the 好差评 rating link (expiring, for one rating
/// round of one ticket; single use is enforced by the rating itself being recorded once per round) and the self-service
/// policy pushes' unsubscribe and click links. Each is an ASP.NET Core Data Protection payload (the keys the
/// application already keeps, rotated and shared as configured) under a purpose of its own; a rating link's expiry is
/// checked against the business clock (<see cref="TimeProvider"/>), which Data Protection's own time-limited protector
/// cannot do, since it reads the system clock. Nothing is stored per link; a forged or altered one is refused. What the
/// legacy secret signed before (HMAC formats, access codes of tickets registered before <see cref="AccessCodes"/>) is
/// read only while that secret exists. Access codes themselves are issued and checked by <see cref="AccessCodes"/>.
/// </summary>
public sealed class RequesterLinks
{
    private const int AccessCodeDigits = 8;
    private readonly byte[]? legacyKey;
    private readonly RequesterLinkOptions options;
    private readonly TimeProvider time;
    private readonly IDataProtector ratingLinks;
    private readonly IDataProtectionProvider protection;

    public RequesterLinks(IOptions<RequesterLinkOptions> options, IOptions<HotlineOptions> hotline, IHostEnvironment env, TimeProvider time,
        IDataProtectionProvider protection)
    {
        this.options = options.Value;
        this.time = time;
        ratingLinks = protection.CreateProtector("Hotline.Ratings.RatingLink.v2");
        this.protection = protection;
        legacyKey = LoadLegacyKey(this.options.Secret, Path.Combine(DatabaseSetup.ResolveDataPath(env, hotline.Value), "keys", "requester-links.secret"));
    }

    /// <summary>Whether a legacy secret is there, so what it signed (old links, old tickets' codes) is still accepted.</summary>
    public bool HasLegacySecret => legacyKey is not null;

    /// <summary>The rating round a ticket is in now: each rectification (reopen) asks for a new rating.</summary>
    public static int RoundOf(Ticket ticket) => ticket.ReopenCount;

    /// <summary>
    /// The code emailed for a ticket registered before codes were stored: the HMAC of its number under the legacy secret,
    /// reduced to 8 digits; null without the legacy secret.
    /// </summary>
    public string? LegacyAccessCode(string number)
    {
        if (legacyKey is null)
            return null;
        var mac = Sign(legacyKey, "access", number);
        // Little-endian explicitly: every instance, whatever its CPU, derives the same code from the same secret.
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(mac) % 100_000_000UL;
        return value.ToString("D" + AccessCodeDigits, CultureInfo.InvariantCulture);
    }

    /// <summary>Whether <paramref name="code"/> is the legacy code of a ticket registered before codes were stored (constant time).</summary>
    public bool CheckLegacyAccessCode(string number, string? code) =>
        LegacyAccessCode(number) is { } expected && code is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(code.Trim()));

    /// <summary>A token for rating <paramref name="number"/> in <paramref name="round"/>, valid for the configured days from now.</summary>
    public string RatingToken(string number, int round)
    {
        var expires = time.GetUtcNow().AddDays(options.RatingLinkDays).ToUnixTimeSeconds();
        var payload = $"{number}|{round.ToString(CultureInfo.InvariantCulture)}|{expires.ToString(CultureInfo.InvariantCulture)}";
        return WebEncoders.Base64UrlEncode(ratingLinks.Protect(Encoding.UTF8.GetBytes(payload)));
    }

    public RatingTokenReading ReadRatingToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return new(RatingTokenStatus.Invalid);
        if (token.Contains('.', StringComparison.Ordinal))
            return ReadEarlierRatingToken(token);
        string payload;
        try
        {
            payload = Encoding.UTF8.GetString(ratingLinks.Unprotect(WebEncoders.Base64UrlDecode(token)));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return new(RatingTokenStatus.Invalid);
        }
        return ReadPayload(payload);
    }

    /// <summary>
    /// A link of the earlier format, <c>base64url(payload).base64url(HMAC)</c> under the secret, as emailed before rating
    /// links moved to Data Protection: it keeps working until it expires (<see cref="RequesterLinkOptions.RatingLinkDays"/>).
    /// </summary>
    private RatingTokenReading ReadEarlierRatingToken(string token)
    {
        var parts = token.Split('.');
        if (legacyKey is null || parts is not { Length: 2 } || !TryFromBase64Url(parts[0], out var payloadBytes) || !TryFromBase64Url(parts[1], out var mac))
            return new(RatingTokenStatus.Invalid);
        var payload = Encoding.UTF8.GetString(payloadBytes);
        return CryptographicOperations.FixedTimeEquals(mac, Sign(legacyKey, "rating", payload)) ? ReadPayload(payload) : new(RatingTokenStatus.Invalid);
    }

    private RatingTokenReading ReadPayload(string payload)
    {
        var fields = payload.Split('|');
        if (fields.Length != 3
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var round)
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expiresUnix)
            || expiresUnix > DateTimeOffset.MaxValue.ToUnixTimeSeconds()) // an expiry no clock can hold is not ours
            return new(RatingTokenStatus.Invalid);
        var expires = DateTimeOffset.FromUnixTimeSeconds(expiresUnix);
        return new(time.GetUtcNow() >= expires ? RatingTokenStatus.Expired : RatingTokenStatus.Valid, fields[0], round, expires);
    }

    /// <summary>The public rating page for the ticket's current round.</summary>
    public Uri RatingUrl(Ticket ticket) => Public($"rate/{RatingToken(ticket.Number, RoundOf(ticket))}");

    /// <summary>The public self-service page for a ticket (the requester types the access code there).</summary>
    public Uri SelfServiceUrl(string number) => Public($"track?number={Uri.EscapeDataString(number)}");

    private Uri Public(string relative) => new(new Uri(options.PublicBaseUrl.TrimEnd('/') + "/"), relative);

    /// <summary>
    /// A protected public link for another purpose (a policy push's unsubscribe and click links, which stay valid without
    /// end): the value under Data Protection with a purpose string per link kind, readable back with <see cref="ReadSigned"/>.
    /// </summary>
    public Uri SignedUrl(string path, string purpose, string value) =>
        Public($"{path}/{WebEncoders.Base64UrlEncode(LinkProtector(purpose).Protect(Encoding.UTF8.GetBytes(value)))}");

    /// <summary>
    /// The value of a token made by <see cref="SignedUrl"/>, or null when it is malformed or not ours. A token of the
    /// legacy format (<c>base64url(value).MAC</c>, the only one with a dot) is read while the legacy secret exists.
    /// </summary>
    public string? ReadSigned(string purpose, string? token)
    {
        if (string.IsNullOrEmpty(token))
            return null;
        if (token.Contains('.', StringComparison.Ordinal))
            return ReadLegacySigned(purpose, token);
        try
        {
            return Encoding.UTF8.GetString(LinkProtector(purpose).Unprotect(WebEncoders.Base64UrlDecode(token)));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }

    private IDataProtector LinkProtector(string purpose) => protection.CreateProtector("Hotline.PublicLinks", purpose, "v2");

    private string? ReadLegacySigned(string purpose, string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (legacyKey is null || dot <= 0 || !TryFromBase64Url(token[..dot], out var bytes))
            return null;
        var value = Encoding.UTF8.GetString(bytes);
        var expected = Base64Url(Sign(legacyKey, purpose, value))[..22];
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(token[(dot + 1)..])) ? value : null;
    }

    private static byte[] Sign(byte[] key, string purpose, string value) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{purpose}:{value}"));

    private static byte[]? LoadLegacyKey(string? configured, string file)
    {
        if (!string.IsNullOrEmpty(configured))
            return configured.Length >= 32
                ? Encoding.UTF8.GetBytes(configured)
                : throw new OptionsValidationException(RequesterLinkOptions.Section, typeof(RequesterLinkOptions), ["Secret must be at least 32 characters."]);
        return File.Exists(file) ? Convert.FromBase64String(File.ReadAllText(file).Trim()) : null;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        bytes = new byte[s.Length];
        if (Convert.TryFromBase64String(s, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }
        return false;
    }
}
