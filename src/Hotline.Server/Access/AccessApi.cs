using Hotline.Domain.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Hotline.Server.Data;
using Hotline.Server.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Localization;

namespace Hotline.Server.Access;

public static class AccessApi
{
    public sealed record LoginRequest(string? UserName, string? Password);
    public sealed record CurrentUser(string Id, string Name, string Role, string? DepartmentCode);
    public sealed record NewApiKeyRequest(string? Name, string? Role, string? DepartmentCode);
    public sealed record NewApiKey(int Id, string Name, string Role, string? DepartmentCode, string Key);
    public sealed record UserView(string Id, string UserName, string DisplayName, string? DepartmentCode, IList<string> Roles, bool Active = true);
    public sealed record AntiforgeryTokenView(string HeaderName, string Token);
    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);
    public sealed record PasswordReset(string? NewPassword);

    public static void MapAccess(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/api/auth").WithTags("Sign-in");
        auth.MapPost("/login", async Task<Results<NoContent, UnauthorizedHttpResult, ProblemHttpResult>> (LoginRequest body, HttpContext http,
            ConsoleSignIn signIn, IStringLocalizer<Messages> text, CancellationToken ct) =>
        {
            var result = await signIn.SignInAsync(http, body.UserName, body.Password, ct);
            return result.Outcome switch
            {
                SignInOutcome.SignedIn => TypedResults.NoContent(),
                SignInOutcome.Throttled => TooManyAttempts(http, text, result.RetryAfterSeconds),
                _ => TypedResults.Unauthorized(),
            };
        }).WithSummary("Cookie sign-in for the console and scripts")
          .WithDescription("Repeated failures back off per client address and per account (429 with Retry-After); browsers that signed in as the account before keep their own count.");
        auth.MapPost("/logout", async (SignInManager<HotlineUser> signIn) =>
        {
            await signIn.SignOutAsync(); // deletes the server-side session: a copied cookie stops working at once
            return TypedResults.NoContent();
        }).RequireAuthorization();
        auth.MapGet("/me", (HttpContext http) =>
        {
            var a = http.User.ToActor();
            return TypedResults.Ok(new CurrentUser(a.Id, a.Name, a.Role, a.DepartmentCode));
        }).RequireAuthorization(Policies.Staff);
        auth.MapGet("/antiforgery", (HttpContext http, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(http);
            return TypedResults.Ok(new AntiforgeryTokenView(tokens.HeaderName!, tokens.RequestToken!));
        }).RequireAuthorization(Policies.Staff)
          .WithSummary("A token for cookie-authenticated scripts that post forms (multipart attachments): send it in the named header");
        auth.MapPost("/password", async Task<Results<NoContent, ForbidHttpResult>> (PasswordChange body, HttpContext http, UserAdministration users,
            SignInManager<HotlineUser> signIn, CancellationToken ct) =>
        {
            var id = http.User.ToActor().Id;
            if (id.StartsWith("apikey:", StringComparison.Ordinal))
                return TypedResults.Forbid(); // an API key has no password
            await users.SetPasswordAsync(id, body.CurrentPassword, body.NewPassword, byAdmin: false, ct);
            await signIn.SignOutAsync(); // every session ended, this one too: the browser signs in again with the new password
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.Staff)
          .WithSummary("Change one's own password: signs out every device, this one included");

        // The console's sign-in form posts here (static server rendering, antiforgery token included).
        routes.MapPost("/account/login", async ([FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl,
            HttpContext http, ConsoleSignIn signIn, CancellationToken ct) =>
        {
            var result = await signIn.SignInAsync(http, userName, password, ct);
            var target = LocalUrls.OrHome(returnUrl);
            return result.Outcome switch
            {
                SignInOutcome.SignedIn => Results.LocalRedirect(target),
                SignInOutcome.Throttled => Results.LocalRedirect($"/login?wait={result.RetryAfterSeconds}&returnUrl={Uri.EscapeDataString(target)}"),
                _ => Results.LocalRedirect($"/login?failed=1&returnUrl={Uri.EscapeDataString(target)}"),
            };
        }).ExcludeFromDescription();
        routes.MapPost("/account/logout", async (HttpContext http, IAntiforgery antiforgery, SignInManager<HotlineUser> signIn) =>
        {
            await antiforgery.ValidateRequestAsync(http); // no form fields bound, so check the token explicitly (a bad one is 400)
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/login");
        }).ExcludeFromDescription();

        var admin = routes.MapGroup("/api/admin").WithTags("Administration").RequireAuthorization(Policies.Admin);
        admin.MapPost("/users", async (NewUser body, UserAdministration users) =>
        {
            var user = await users.CreateUserAsync(body);
            return TypedResults.Created($"/api/admin/users/{user.Id}", new UserView(user.Id, user.UserName!, user.DisplayName, user.DepartmentCode, [body.Role]));
        });
        admin.MapGet("/users", async (UserManager<HotlineUser> users, CancellationToken ct) =>
        {
            var list = new List<UserView>();
            foreach (var u in await users.Users.OrderBy(u => u.UserName).ToListAsync(ct))
                list.Add(await ViewAsync(users, u));
            return TypedResults.Ok(list);
        });
        admin.MapPut("/users/{id}", async Task<Results<Ok<UserView>, NotFound>> (string id, UserChange body, UserAdministration admins,
            UserManager<HotlineUser> users, CancellationToken ct) =>
            await admins.UpdateUserAsync(id, body, ct) is { } user ? TypedResults.Ok(await ViewAsync(users, user)) : TypedResults.NotFound())
            .WithSummary("Change a person's display name, role or department; a new role or department signs them out everywhere");
        admin.MapPost("/users/{id}/deactivate", async Task<Results<Ok<UserView>, NotFound>> (string id, UserAdministration admins,
            UserManager<HotlineUser> users, CancellationToken ct) =>
            await admins.SetActiveAsync(id, active: false, ct) is { } user ? TypedResults.Ok(await ViewAsync(users, user)) : TypedResults.NotFound())
            .WithSummary("Deactivate an account (停用): it cannot sign in, and its sessions, hub connections and console pages end now");
        admin.MapPost("/users/{id}/activate", async Task<Results<Ok<UserView>, NotFound>> (string id, UserAdministration admins,
            UserManager<HotlineUser> users, CancellationToken ct) =>
            await admins.SetActiveAsync(id, active: true, ct) is { } user ? TypedResults.Ok(await ViewAsync(users, user)) : TypedResults.NotFound());
        admin.MapPost("/users/{id}/password", async Task<Results<NoContent, NotFound>> (string id, PasswordReset body, UserAdministration admins, CancellationToken ct) =>
            await admins.SetPasswordAsync(id, null, body.NewPassword, byAdmin: true, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Set a new password for a person; signs them out everywhere");
        admin.MapDelete("/users/{id}/sessions", async Task<Results<NoContent, NotFound>> (string id, UserAdministration admins, CancellationToken ct) =>
            await admins.EndSessionsAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Sign a person out everywhere: sessions, hub connections and console pages");
        admin.MapPost("/api-keys", async (NewApiKeyRequest body, UserAdministration users, CancellationToken ct) =>
        {
            var (row, key) = await users.CreateApiKeyAsync(body.Name ?? "", body.Role ?? "", body.DepartmentCode, ct);
            return TypedResults.Created($"/api/admin/api-keys/{row.Id}", new NewApiKey(row.Id, row.Name, row.Role, row.DepartmentCode, key));
        }).WithDescription("The key is shown once; only its hash is stored.");
        admin.MapGet("/api-keys", async (HotlineDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id)
                .Select(k => new { k.Id, k.Name, k.Prefix, k.Role, k.DepartmentCode, k.CreatedAt, k.RevokedAt }).ToListAsync(ct)));
        admin.MapDelete("/api-keys/{id:int}", async Task<Results<NoContent, NotFound>> (int id, HotlineDbContext db, TimeProvider clock,
            IRevocationBus revocations, CancellationToken ct) =>
        {
            var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
            if (key is null)
                return TypedResults.NotFound();
            key.RevokedAt ??= clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            // Every node forgets the key's row and ends the hub connections opened with it.
            await revocations.PublishAsync(new Revocation { PrincipalId = $"apikey:{key.Id}", ApiKeyPrefix = key.Prefix }, ct);
            return TypedResults.NoContent();
        }).WithSummary("Revoke an API key: it stops working at once, and its open hub connections end");
    }

    private static async Task<UserView> ViewAsync(UserManager<HotlineUser> users, HotlineUser u) =>
        new(u.Id, u.UserName!, u.DisplayName, u.DepartmentCode, await users.GetRolesAsync(u), u.DeactivatedAt is null);

    private static ProblemHttpResult TooManyAttempts(HttpContext http, IStringLocalizer<Messages> text, int seconds)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: text["Title.TooManyAttempts"],
            detail: text["Detail.TooManyAttempts", seconds], extensions: new Dictionary<string, object?> { ["retryAfter"] = seconds });
    }
}
