using System.Security.Claims;
using Hotline.Domain.Access;
using Hotline.Server.Access;
using Microsoft.AspNetCore.Identity;

namespace Hotline.Server.Telephony;

/// <summary>
/// 坐席: which extension (分机号) an agent answers on. Kept as an Identity user claim (no table of its own), set by the
/// agent in the console; one extension belongs to one person at a time, so taking it moves it.
/// </summary>
public sealed partial class AgentSeats(IServiceScopeFactory scopes)
{
    public const string ExtensionClaim = "hotline:extension";
    public const int MaxExtension = 20;

    /// <summary>The people a telephony system may pop a call to: those who register tickets.</summary>
    public static readonly IReadOnlyList<string> AnsweringRoles = [Roles.Agent, Roles.Dispatcher, Roles.Admin];

    public sealed record Seat(string UserId, string UserName, Actor Actor, string? Extension);

    public static bool IsValidExtension(string extension) => ExtensionPattern().IsMatch(extension);

    public async Task<Seat?> FindByUserNameAsync(string userName)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<HotlineUser>>();
        return await SeatAsync(users, await users.FindByNameAsync(userName));
    }

    public async Task<Seat?> FindByExtensionAsync(string extension)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<HotlineUser>>();
        var holders = await users.GetUsersForClaimAsync(new Claim(ExtensionClaim, extension));
        return await SeatAsync(users, holders.FirstOrDefault());
    }

    public async Task<string?> ExtensionOfAsync(string userId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<HotlineUser>>();
        return await users.FindByIdAsync(userId) is { } user
            ? (await users.GetClaimsAsync(user)).FirstOrDefault(c => c.Type == ExtensionClaim)?.Value
            : null;
    }

    /// <summary>Sets (or with null clears) the user's extension, taking it from whoever had it.</summary>
    public async Task SetExtensionAsync(string userId, string? extension)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<HotlineUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException($"No user {userId}.");
        if (extension is not null)
        {
            foreach (var holder in await users.GetUsersForClaimAsync(new Claim(ExtensionClaim, extension)))
                await users.RemoveClaimsAsync(holder, [new Claim(ExtensionClaim, extension)]);
        }
        await users.RemoveClaimsAsync(user, (await users.GetClaimsAsync(user)).Where(c => c.Type == ExtensionClaim));
        if (extension is not null)
            await users.AddClaimAsync(user, new Claim(ExtensionClaim, extension));
    }

    private static async Task<Seat?> SeatAsync(UserManager<HotlineUser> users, HotlineUser? user)
    {
        if (user is null)
            return null;
        var role = (await users.GetRolesAsync(user)).FirstOrDefault() ?? "";
        var extension = (await users.GetClaimsAsync(user)).FirstOrDefault(c => c.Type == ExtensionClaim)?.Value;
        return new Seat(user.Id, user.UserName ?? "", new Actor(user.Id, user.DisplayName, role, user.DepartmentCode), extension);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9]{2,20}\\z")]
    private static partial System.Text.RegularExpressions.Regex ExtensionPattern();
}
