using Hotline.Domain.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Hotline.Server.Data;

namespace Hotline.Server.Access;

public static class AccessApi
{
    public sealed record LoginRequest(string? UserName, string? Password);
    public sealed record CurrentUser(string Id, string Name, string Role, string? DepartmentCode);
    public sealed record NewApiKeyRequest(string? Name, string? Role, string? DepartmentCode);
    public sealed record NewApiKey(int Id, string Name, string Role, string? DepartmentCode, string Key);
    public sealed record UserView(string Id, string UserName, string DisplayName, string? DepartmentCode, IList<string> Roles);

    public static void MapAccess(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/api/auth").WithTags("Sign-in");
        auth.MapPost("/login", async Task<Results<NoContent, UnauthorizedHttpResult>> (LoginRequest body, SignInManager<HotlineUser> signIn) =>
        {
            var result = await signIn.PasswordSignInAsync(body.UserName ?? "", body.Password ?? "", isPersistent: false, lockoutOnFailure: true);
            return result.Succeeded ? TypedResults.NoContent() : TypedResults.Unauthorized();
        }).WithSummary("Cookie sign-in for the console and scripts");
        auth.MapPost("/logout", async (SignInManager<HotlineUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.NoContent();
        }).RequireAuthorization();
        auth.MapGet("/me", (HttpContext http) =>
        {
            var a = http.User.ToActor();
            return TypedResults.Ok(new CurrentUser(a.Id, a.Name, a.Role, a.DepartmentCode));
        }).RequireAuthorization(Policies.Staff);

        // The console's sign-in form posts here (static server rendering, antiforgery token included).
        routes.MapPost("/account/login", async ([FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl,
            SignInManager<HotlineUser> signIn) =>
        {
            var result = await signIn.PasswordSignInAsync(userName ?? "", password ?? "", isPersistent: false, lockoutOnFailure: true);
            var target = string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//", StringComparison.Ordinal) ? "/" : returnUrl;
            return result.Succeeded ? Results.LocalRedirect(target) : Results.LocalRedirect($"/login?failed=1&returnUrl={Uri.EscapeDataString(target)}");
        }).ExcludeFromDescription();
        routes.MapPost("/account/logout", async (HttpContext http, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery, SignInManager<HotlineUser> signIn) =>
        {
            await antiforgery.ValidateRequestAsync(http); // no form fields bound, so check the token explicitly
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
                list.Add(new UserView(u.Id, u.UserName!, u.DisplayName, u.DepartmentCode, await users.GetRolesAsync(u)));
            return TypedResults.Ok(list);
        });
        admin.MapPost("/api-keys", async (NewApiKeyRequest body, UserAdministration users, CancellationToken ct) =>
        {
            var (row, key) = await users.CreateApiKeyAsync(body.Name ?? "", body.Role ?? "", body.DepartmentCode, ct);
            return TypedResults.Created($"/api/admin/api-keys/{row.Id}", new NewApiKey(row.Id, row.Name, row.Role, row.DepartmentCode, key));
        }).WithDescription("The key is shown once; only its hash is stored.");
        admin.MapGet("/api-keys", async (HotlineDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id)
                .Select(k => new { k.Id, k.Name, k.Prefix, k.Role, k.DepartmentCode, k.CreatedAt, k.RevokedAt }).ToListAsync(ct)));
        admin.MapDelete("/api-keys/{id:int}", async Task<Results<NoContent, NotFound>> (int id, HotlineDbContext db, TimeProvider clock, Nodes.SharedCaches caches, CancellationToken ct) =>
        {
            var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
            if (key is null)
                return TypedResults.NotFound();
            key.RevokedAt ??= clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            caches.EvictApiKey(key.Prefix);
            return TypedResults.NoContent();
        });
    }
}
