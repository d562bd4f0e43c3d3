using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http;

namespace Hotline.Server.Security;

/// <summary>
/// <c>Security:*</c>: who may open the console and the hub from which page, the cookie behind TLS, which proxies are
/// trusted for the client address and scheme, and the back-off after failed sign-ins, API keys and access codes.
/// </summary>
public sealed class SecurityOptions : IValidatableObject
{
    public const string Section = "Security";

    /// <summary>
    /// Origins (<c>https://hotline.example.gov.cn</c>) besides the site's own from which a browser may open the hub or a
    /// console circuit, or send a cookie-authenticated change. Empty: the site's own origin only.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// <c>SameAsRequest</c> (default): the sign-in, device and antiforgery cookies are <c>Secure</c> whenever the request
    /// came over HTTPS, also through a proxy that says so (<see cref="KnownProxies"/>). <c>Always</c> behind TLS only.
    /// </summary>
    public CookieSecurePolicy CookieSecure { get; set; } = CookieSecurePolicy.SameAsRequest;

    /// <summary>
    /// Reverse proxies (IP addresses) whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed; loopback
    /// always is. The client address from them is what the rate limits count.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks (<c>10.0.0.0/8</c>) of trusted reverse proxies, as <see cref="KnownProxies"/>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>Sends <c>Strict-Transport-Security</c> on HTTPS responses (not in Development).</summary>
    public bool Hsts { get; set; } = true;

    /// <summary>How long a node keeps a console session it read from the database before reading it again (revocation reaches other nodes within this).</summary>
    [Range(0, 60)]
    public int SessionCacheSeconds { get; set; } = 5;

    /// <summary>Failed console sign-ins from one client address, whatever the account.</summary>
    public BackOffOptions LoginPerClient { get; set; } = new() { FreeFailures = 20, FirstDelaySeconds = 1, MaxDelaySeconds = 300, ForgetAfterSeconds = 3600 };

    /// <summary>
    /// Failed sign-ins to one account from browsers it has never signed in from (no device cookie for it). An attacker
    /// can slow these down, never the browsers the person already uses (<see cref="LoginPerDevice"/>).
    /// </summary>
    public BackOffOptions LoginPerAccount { get; set; } = new() { FreeFailures = 5, FirstDelaySeconds = 1, MaxDelaySeconds = 300, ForgetAfterSeconds = 3600 };

    /// <summary>Failed sign-ins to one account from one browser it signed in from before (its device cookie).</summary>
    public BackOffOptions LoginPerDevice { get; set; } = new() { FreeFailures = 5, FirstDelaySeconds = 1, MaxDelaySeconds = 300, ForgetAfterSeconds = 3600 };

    /// <summary>Requests with a wrong, unknown, revoked or malformed API key from one client address.</summary>
    public BackOffOptions ApiKeyPerClient { get; set; } = new() { FreeFailures = 20, FirstDelaySeconds = 1, MaxDelaySeconds = 300, ForgetAfterSeconds = 3600 };

    /// <summary>Wrong access codes for one ticket on the self-service page (/track), from anywhere.</summary>
    public BackOffOptions TrackPerTicket { get; set; } = new() { FreeFailures = 5, FirstDelaySeconds = 30, MaxDelaySeconds = 3600, ForgetAfterSeconds = 86400 };

    /// <summary>Wrong access codes on the self-service page from one client address, whatever the ticket.</summary>
    public BackOffOptions TrackPerClient { get; set; } = new() { FreeFailures = 10, FirstDelaySeconds = 30, MaxDelaySeconds = 3600, ForgetAfterSeconds = 86400 };

    /// <summary>
    /// Distinct phone numbers and credit codes one person (who sees confidential reporters masked) may look up in an
    /// hour and still be told that a confidential earlier matter exists; past it the notice is withheld, so the notice
    /// cannot be used to try out the hidden digits of a masked number.
    /// </summary>
    [Range(1, 100_000)]
    public int ConfidentialNoticesPerHour { get; set; } = 60;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        foreach (var (name, value) in new (string, BackOffOptions)[]
        {
            (nameof(LoginPerClient), LoginPerClient), (nameof(LoginPerAccount), LoginPerAccount), (nameof(LoginPerDevice), LoginPerDevice),
            (nameof(ApiKeyPerClient), ApiKeyPerClient), (nameof(TrackPerTicket), TrackPerTicket), (nameof(TrackPerClient), TrackPerClient),
        })
        {
            var inner = new List<ValidationResult>();
            if (!Validator.TryValidateObject(value, new ValidationContext(value), inner, validateAllProperties: true))
                results.AddRange(inner.Select(r => new ValidationResult($"{name}: {r.ErrorMessage}", r.MemberNames.Select(m => $"{name}.{m}"))));
            if (value.MaxDelaySeconds < value.FirstDelaySeconds)
                results.Add(new ValidationResult($"{name}: MaxDelaySeconds must not be below FirstDelaySeconds.", [$"{name}.{nameof(BackOffOptions.MaxDelaySeconds)}"]));
        }
        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/")
                results.Add(new ValidationResult($"AllowedOrigins: '{origin}' is not an origin (scheme://host[:port]).", [nameof(AllowedOrigins)]));
        }
        foreach (var proxy in KnownProxies)
        {
            if (!System.Net.IPAddress.TryParse(proxy, out _))
                results.Add(new ValidationResult($"KnownProxies: '{proxy}' is not an IP address.", [nameof(KnownProxies)]));
        }
        foreach (var network in KnownNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
                results.Add(new ValidationResult($"KnownNetworks: '{network}' is not a network (10.0.0.0/8).", [nameof(KnownNetworks)]));
        }
        return results;
    }
}

/// <summary>
/// Back-off after failures: the first <see cref="FreeFailures"/> cost nothing; each one after waits twice as long as
/// the one before, from <see cref="FirstDelaySeconds"/> up to <see cref="MaxDelaySeconds"/>. A key with no failure for
/// <see cref="ForgetAfterSeconds"/> starts afresh. Nothing is ever locked for good.
/// </summary>
public sealed class BackOffOptions
{
    [Range(0, 1_000_000)]
    public int FreeFailures { get; set; } = 5;

    [Range(1, 3600)]
    public int FirstDelaySeconds { get; set; } = 1;

    [Range(1, 86_400)]
    public int MaxDelaySeconds { get; set; } = 300;

    [Range(1, 7 * 86_400)]
    public int ForgetAfterSeconds { get; set; } = 3600;
}
