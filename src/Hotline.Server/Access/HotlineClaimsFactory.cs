using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Access;

/// <summary>Adds the display name and department to a console user's cookie, so each request knows them without a query.</summary>
public sealed class HotlineClaimsFactory(UserManager<HotlineUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<HotlineUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(HotlineUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(HotlineClaims.DisplayName, user.DisplayName));
        if (user.DepartmentCode is not null)
            identity.AddClaim(new Claim(HotlineClaims.Department, user.DepartmentCode));
        return identity;
    }
}
