using Hotline.Server.Problems;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Security;

/// <summary>Which pages may open the hub and the console, and send the console's cookie with a change.</summary>
public sealed class OriginPolicy(IOptions<SecurityOptions> options)
{
    /// <summary>True without an Origin header (no browser sent it) or for the site's own origin or a configured one.</summary>
    public bool Allows(HttpContext http)
    {
        if (!http.Request.Headers.TryGetValue("Origin", out var values))
            return true;
        var origin = values.ToString();
        if (string.Equals(origin, $"{http.Request.Scheme}://{http.Request.Host.Value}", StringComparison.OrdinalIgnoreCase))
            return true;
        return options.Value.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>
/// Checks every request can be refused for before it reaches an endpoint, in one place:
/// <list type="bullet">
/// <item>The live hub and the console's circuits (WebSockets need no CORS, and the browser sends the cookie to another
/// port of the same host) open only from an allowed origin (403 otherwise).</item>
/// <item>A change (POST, PUT, PATCH, DELETE) under <c>/api</c> carried by the console's cookie comes from an allowed
/// origin, and is JSON (which a form on another site cannot send and a script there cannot send without a CORS
/// preflight, which Hotline never grants), has no body (sign-out, a DELETE), or carries the antiforgery token (a
/// multipart upload). API-key callers are exempt: no browser adds their key by itself.</item>
/// </list>
/// </summary>
public static class RequestGuards
{
    private static readonly string[] Changes = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    public static IApplicationBuilder UseRequestGuards(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            var origins = http.RequestServices.GetRequiredService<OriginPolicy>();
            var path = http.Request.Path;
            if ((path.StartsWithSegments("/hubs") || path.StartsWithSegments("/_blazor")) && !origins.Allows(http))
            {
                await RefuseAsync(http, StatusCodes.Status403Forbidden, "Title.OriginNotAllowed");
                return;
            }
            if (path.StartsWithSegments("/api") && IsCookieChange(http))
            {
                if (!origins.Allows(http))
                {
                    await RefuseAsync(http, StatusCodes.Status403Forbidden, "Title.OriginNotAllowed");
                    return;
                }
                if (!IsJson(http.Request.ContentType) && HasBody(http.Request)
                    && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
                {
                    await RefuseAsync(http, StatusCodes.Status400BadRequest, "Title.Antiforgery");
                    return;
                }
            }
            await next(http);
        });

    /// <summary>A change sent with the console's cookie (an API key wins when both are present, as in authentication).</summary>
    private static bool IsCookieChange(HttpContext http) =>
        Changes.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase)
        && !http.Request.Headers.ContainsKey(Access.ApiKeyAuthenticationHandler.Header)
        && http.User.Identity is { IsAuthenticated: true, AuthenticationType: var type } && type == IdentityConstants.ApplicationScheme;

    /// <summary>A browser's bodiless cross-site POST always carries Origin, which the origin check has refused already.</summary>
    private static bool HasBody(HttpRequest request) => request.ContentLength is > 0 || request.ContentType is not null || request.Headers.TransferEncoding.Count > 0;

    private static bool IsJson(string? contentType) =>
        contentType is not null && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static async Task RefuseAsync(HttpContext http, int status, string titleKey)
    {
        var text = http.RequestServices.GetRequiredService<IStringLocalizer<Messages>>();
        http.Response.StatusCode = status;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = text[titleKey] },
        });
    }
}

/// <summary>
/// Headers on every answer: no MIME sniffing, no referrer (a rating link's token must not leak), no framing, and a
/// Content-Security-Policy that lets pages load scripts, styles and connections only from this site (MudBlazor sets
/// inline styles, so styles allow them). API answers hold personal data and are not stored by caches.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The API reference (Scalar) runs its configuration as an inline script.</summary>
    public const string ApiDocsContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/api/docs") ? ApiDocsContentSecurityPolicy : ContentSecurityPolicy;
                if (http.Request.Path.StartsWithSegments("/api") && !headers.ContainsKey("Cache-Control"))
                    headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            await next(http);
        });
}
