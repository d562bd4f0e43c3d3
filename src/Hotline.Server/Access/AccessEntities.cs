using Microsoft.AspNetCore.Identity;

namespace Hotline.Server.Access;

/// <summary>A person who signs in to the console. A department handler is bound to one department.</summary>
public sealed class HotlineUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public string? DepartmentCode { get; set; }

    /// <summary>When an admin deactivated the account (停用): it cannot sign in, and its sessions ended then. Null while active.</summary>
    public DateTimeOffset? DeactivatedAt { get; set; }
}

/// <summary>
/// An integration's credential (telephony, department systems). Only a SHA-256 hash of the secret is stored; the
/// prefix finds the row. A key acts with exactly one role and, for department handlers, one department.
/// </summary>
public sealed class ApiKey
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required byte[] SecretHash { get; set; }
    public required string Role { get; set; }
    public string? DepartmentCode { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
