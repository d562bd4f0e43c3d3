using Hotline.Domain.Access;
using Hotline.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Hotline.Server.Access;

public static class AccessSetup
{
    /// <summary>The default scheme: an API key when the request carries one, otherwise the console's cookie.</summary>
    public const string Scheme = "Hotline";

    public static IHostApplicationBuilder AddHotlineAccess(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Scheme;
                o.DefaultChallengeScheme = Scheme;
            })
            .AddPolicyScheme(Scheme, "API key or cookie", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "hotline.auth";
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/access-denied"; // a page in the console's language with a way back, not a 404
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(10); // one shift
            // An API caller gets a status code, not an HTML redirect.
            o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx, StatusCodes.Status403Forbidden);
        });

        services.AddIdentityCore<HotlineUser>(o =>
            {
                o.Password.RequiredLength = 12; // OWASP ASVS 2.1.1
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = false; // no lockout anyone could trigger by trying a name: ConsoleSignIn backs off instead
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<HotlineDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<HotlineClaimsFactory>()
            .AddDefaultTokenProviders();

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.RequireAuthenticatedUser().RequireRole(Roles.All))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));
        services.AddCascadingAuthenticationState();
        services.AddScoped<UserAdministration>();
        services.AddMemoryCache();
        services.AddSingleton<ApiKeyCache>();
        return builder;
    }

    private static Task RedirectOrStatus(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/hubs"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}

public static class Policies
{
    public const string Staff = "staff";
    public const string Admin = "admin";
}
