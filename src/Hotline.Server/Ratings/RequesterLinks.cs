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
    /// The secret (at least 32 characters) behind the access codes and the policy pushes' links, and behind the rating
    /// links written before they moved to Data Protection (still read until they expire). Several instances must share
    /// it; when empty, one is generated once into <c>data/keys/requester-links.secret</c>.
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
/// access code (查询码) shown in the first email. The rating link is an ASP.NET Core Data Protection payload (the keys
/// the application already keeps, rotated and shared as configured); its expiry is checked against the business clock
/// (<see cref="TimeProvider"/>), which Data Protection's own time-limited protector cannot do, since it reads the system
/// clock. The access code a person types is 8 digits, an HMAC-SHA256 of the ticket number under a server secret, as are
/// the rating links of the earlier format, read until they expire. Nothing is stored per link; a forged or altered one is
/// refused.
/// </summary>
public sealed class RequesterLinks
{
    private const int AccessCodeDigits = 8;
    private readonly byte[] key;
    private readonly RequesterLinkOptions options;
    private readonly TimeProvider time;
    private readonly IDataProtector ratingLinks;

    public RequesterLinks(IOptions<RequesterLinkOptions> options, IOptions<HotlineOptions> hotline, IHostEnvironment env, TimeProvider time,
        IDataProtectionProvider protection)
    {
        this.options = options.Value;
        this.time = time;
        ratingLinks = protection.CreateProtector("Hotline.Ratings.RatingLink.v2");
        key = LoadKey(this.options.Secret, Path.Combine(DatabaseSetup.ResolveDataPath(env, hotline.Value), "keys", "requester-links.secret"));
    }

    /// <summary>The rating round a ticket is in now: each rectification (reopen) asks for a new rating.</summary>
    public static int RoundOf(Ticket ticket) => ticket.ReopenCount;

    /// <summary>The 8-digit code that, with the ticket number, opens the self-service page.</summary>
    public string AccessCode(string number)
    {
        var mac = Sign("access", number);
        // Little-endian explicitly: every instance, whatever its CPU, derives the same code from the same secret.
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(mac) % 100_000_000UL;
        return value.ToString("D" + AccessCodeDigits, CultureInfo.InvariantCulture);
    }

    public bool CheckAccessCode(string number, string? code) =>
        code is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(AccessCode(number)), Encoding.ASCII.GetBytes(code.Trim()));

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
        if (parts is not { Length: 2 } || !TryFromBase64Url(parts[0], out var payloadBytes) || !TryFromBase64Url(parts[1], out var mac))
            return new(RatingTokenStatus.Invalid);
        var payload = Encoding.UTF8.GetString(payloadBytes);
        return CryptographicOperations.FixedTimeEquals(mac, Sign("rating", payload)) ? ReadPayload(payload) : new(RatingTokenStatus.Invalid);
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
    /// A signed public link for another purpose (a policy push's unsubscribe and click links): the value and its MAC,
    /// readable back with <see cref="ReadSigned"/>. Same secret, so every instance signs alike.
    /// </summary>
    public Uri SignedUrl(string path, string purpose, string value) =>
        Public($"{path}/{Base64Url(System.Text.Encoding.UTF8.GetBytes(value))}.{Base64Url(Sign(purpose, value))[..22]}");

    /// <summary>The value of a token made by <see cref="SignedUrl"/>, or null when it is malformed or not ours.</summary>
    public string? ReadSigned(string purpose, string? token)
    {
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (token is null || dot <= 0)
            return null;
        try
        {
            var value = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Pad(token[..dot])));
            var expected = Base64Url(Sign(purpose, value))[..22];
            return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(token[(dot + 1)..])) ? value : null;
        }
        catch (FormatException)
        {
            return null;
        }

        static string Pad(string s) => s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - s.Length % 4) % 4);
    }

    private byte[] Sign(string purpose, string value) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{purpose}:{value}"));

    private static byte[] LoadKey(string? configured, string file)
    {
        if (!string.IsNullOrEmpty(configured))
            return configured.Length >= 32
                ? Encoding.UTF8.GetBytes(configured)
                : throw new OptionsValidationException(RequesterLinkOptions.Section, typeof(RequesterLinkOptions), ["Secret must be at least 32 characters."]);
        if (File.Exists(file))
            return Convert.FromBase64String(File.ReadAllText(file).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var generated = RandomNumberGenerator.GetBytes(32);
        try
        {
            // CreateNew: if another instance sharing the folder wrote it first, use theirs.
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(generated)));
            return generated;
        }
        catch (IOException) when (File.Exists(file))
        {
            return Convert.FromBase64String(File.ReadAllText(file).Trim());
        }
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
