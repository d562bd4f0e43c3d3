using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Security;

/// <summary>
/// Registration of the security controls (see docs/security.md): server-side sessions and their revocation, sign-in
/// back-off, origin and antiforgery checks, headers, trusted proxies and the strict JSON rules.
/// </summary>
public static class SecuritySetup
{
    public static IHostApplicationBuilder AddHotlineSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Failed attempts in this node's memory, unless several nodes share them in Redis (AddNodes registered that first).
        services.TryAddSingleton<IAttemptLimiter, MemoryAttemptLimiter>();
        services.TryAddSingleton<ILookupAllowance, MemoryLookupAllowance>();
        services.AddSingleton<IRevocationBus, RevocationBus>();

        services.AddSingleton<ConsoleSessionStore>();
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, UseConsoleSessionStore>();
        services.AddHostedService<SessionCleanup>();
        services.AddSingleton<LiveAccess>();
        services.AddScoped<PrincipalCheck>();
        services.AddScoped<AuthenticationStateProvider, ConsoleAuthenticationState>();
        services.Configure<HubOptions>(o => o.AddFilter<HubAccessFilter>());
        services.AddSingleton<OriginPolicy>();
        services.AddSingleton<DeviceCookies>();
        services.AddScoped<ConsoleSignIn>();
        services.AddSingleton<Tickets.ConfidentialNotices>();

        services.AddOptions<CookieAuthenticationOptions>(Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme)
            .Configure<IOptions<SecurityOptions>>((cookie, security) => cookie.Cookie.SecurePolicy = security.Value.CookieSecure);
        services.AddAntiforgery();
        services.AddOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>()
            .Configure<IOptions<SecurityOptions>>((antiforgery, security) =>
            {
                antiforgery.HeaderName = "X-CSRF-TOKEN";
                antiforgery.Cookie.SecurePolicy = security.Value.CookieSecure;
            });
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SecurityOptions>>((forwarded, security) =>
        {
            // The client address and scheme come from X-Forwarded-* only when a trusted proxy (loopback by default) sent them.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in security.Value.KnownProxies)
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in security.Value.KnownNetworks)
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        services.ConfigureAll<OpenApiOptions>(o => o.AddSchemaTransformer<StrictJsonSchemas>());
        return builder;
    }

    /// <summary>
    /// First in the pipeline: the real client address and scheme, the security headers on every answer, and a sign-in
    /// that starts from no session (<see cref="ConsoleSignIn.PreviousSessionItem"/>).
    /// </summary>
    public static WebApplication UseHotlineSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment() && app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.Hsts)
            app.UseHsts(); // HTTPS answers only
        app.UseSecurityHeaders();
        app.Use((http, next) =>
        {
            if (HttpMethods.IsPost(http.Request.Method) && (http.Request.Path == "/api/auth/login" || http.Request.Path == "/account/login"))
                ConsoleSignIn.SetPreviousSessionAside(http);
            return next(http);
        });
        return app;
    }
}

/// <summary>Deletes expired console sessions once an hour (expired rows are refused anyway; this only keeps the table small).</summary>
public sealed class SessionCleanup(ConsoleSessionStore sessions, TimeProvider time, ILogger<SessionCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                if (await sessions.DeleteExpiredAsync(stoppingToken) is > 0 and var deleted)
                    logger.LogInformation("{Count} expired console sessions deleted", deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Deleting expired console sessions failed; trying again in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
