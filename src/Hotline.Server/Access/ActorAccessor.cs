using System.Security.Claims;
using Hotline.Domain.Access;

namespace Hotline.Server.Access;

public static class HotlineClaims
{
    public const string Department = "hotline:department";
    public const string DisplayName = "hotline:display_name";
    /// <summary>An API key's prefix, so a revocation can find the key's cached row.</summary>
    public const string ApiKeyPrefix = "hotline:api_key_prefix";

    /// <summary>The acting person or integration, as the domain sees it.</summary>
    public static Actor ToActor(this ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Signed-in principal has no id.");
        var name = user.FindFirstValue(DisplayName) ?? user.Identity?.Name ?? id;
        var role = user.FindFirstValue(ClaimTypes.Role) ?? "";
        return new Actor(id, name, role, user.FindFirstValue(Department));
    }
}
