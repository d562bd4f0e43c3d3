using System.Text.Json;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Microsoft.AspNetCore.Identity;

namespace Hotline.Server.Access;

/// <summary>Creates people and integration keys, with the same rules whether called from the API, a command or the seed.</summary>
public sealed class UserAdministration(
    UserManager<HotlineUser> users, RoleManager<IdentityRole> roles, HotlineDbContext db, ReferenceData reference,
    TimeProvider clock, Security.ConsoleSessionStore sessions, ILogger<UserAdministration> logger)
{
    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
        }
    }

    public async Task<HotlineUser> CreateUserAsync(NewUser request)
    {
        var errors = Validate(request.Role, request.DepartmentCode);
        if (string.IsNullOrWhiteSpace(request.UserName))
            errors.Add(new("userName", ErrorCodes.Required));
        if (string.IsNullOrWhiteSpace(request.Password))
            errors.Add(new("password", ErrorCodes.Required));
        if (errors.Count > 0)
            throw new RequestValidationException(errors);

        var user = new HotlineUser
        {
            UserName = request.UserName,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? request.UserName : request.DisplayName,
            Email = request.Email,
            DepartmentCode = request.Role == Roles.DepartmentHandler ? request.DepartmentCode : null,
        };
        var created = await users.CreateAsync(user, request.Password);
        if (!created.Succeeded)
            throw new RequestValidationException(created.Errors.Select(e => new FieldError(
                e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "userName", "Identity", e.Description)).ToList());
        await users.AddToRoleAsync(user, request.Role);
        logger.LogInformation("User {UserId} created with role {Role}", user.Id, request.Role);
        return user;
    }

    public async Task<(ApiKey Row, string Key)> CreateApiKeyAsync(string name, string role, string? departmentCode, CancellationToken ct)
    {
        var errors = Validate(role, departmentCode);
        if (string.IsNullOrWhiteSpace(name))
            errors.Add(new("name", ErrorCodes.Required));
        if (errors.Count > 0)
            throw new RequestValidationException(errors);

        var (key, prefix, hash) = ApiKeys.Generate();
        var row = new ApiKey
        {
            Name = name, Prefix = prefix, SecretHash = hash, Role = role,
            DepartmentCode = role == Roles.DepartmentHandler ? departmentCode : null,
            CreatedAt = clock.GetUtcNow(),
        };
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("API key {ApiKeyId} ({Prefix}) created with role {Role}", row.Id, prefix, role);
        return (row, key);
    }

    /// <summary>
    /// Changes a person's name, role or department. A new role or department ends their sessions and live connections:
    /// they sign in again and get the access that goes with it, never a mix of the old and the new.
    /// </summary>
    public async Task<HotlineUser?> UpdateUserAsync(string id, UserChange change, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
            return null;
        var currentRole = (await users.GetRolesAsync(user)).FirstOrDefault();
        var role = change.Role ?? currentRole;
        var department = role == Roles.DepartmentHandler ? change.DepartmentCode ?? user.DepartmentCode : null;
        var errors = Validate(role, department);
        if (change.DisplayName is { } name && TextRules.Check("displayName", name.Trim(), TicketDraftValidator.MaxName) is { } nameError)
            errors.Add(nameError);
        if (errors.Count > 0)
            throw new RequestValidationException(errors);

        var accessChanged = role != currentRole || department != user.DepartmentCode;
        if (!string.IsNullOrWhiteSpace(change.DisplayName))
            user.DisplayName = change.DisplayName.Trim();
        user.DepartmentCode = department;
        Check(await users.UpdateAsync(user));
        if (role != currentRole)
        {
            if (currentRole is not null)
                Check(await users.RemoveFromRoleAsync(user, currentRole));
            Check(await users.AddToRoleAsync(user, role!));
        }
        if (accessChanged)
        {
            await users.UpdateSecurityStampAsync(user);
            await sessions.RemoveAllAsync(user.Id, ct);
            logger.LogInformation("User {UserId} now has role {Role}; their sessions ended", user.Id, role);
        }
        return user;
    }

    /// <summary>停用/启用: a deactivated person cannot sign in, and their sessions and live connections end now.</summary>
    public async Task<HotlineUser?> SetActiveAsync(string id, bool active, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
            return null;
        user.DeactivatedAt = active ? null : user.DeactivatedAt ?? clock.GetUtcNow();
        Check(await users.UpdateAsync(user));
        if (!active)
        {
            await users.UpdateSecurityStampAsync(user);
            await sessions.RemoveAllAsync(user.Id, ct);
        }
        logger.LogInformation("User {UserId} {State}", user.Id, active ? "activated" : "deactivated");
        return user;
    }

    /// <summary>A new password (the person's own change, or an admin's reset) ends every session of the person, on every device.</summary>
    public async Task<bool> SetPasswordAsync(string id, string? currentPassword, string? newPassword, bool byAdmin, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
            return false;
        if (string.IsNullOrWhiteSpace(newPassword))
            throw new RequestValidationException([new("newPassword", ErrorCodes.Required)]);
        IdentityResult result;
        if (byAdmin)
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            result = await users.ResetPasswordAsync(user, token, newPassword);
        }
        else
        {
            if (string.IsNullOrEmpty(currentPassword))
                throw new RequestValidationException([new("currentPassword", ErrorCodes.Required)]);
            result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        }
        if (!result.Succeeded)
            throw new RequestValidationException(result.Errors.Select(e => new FieldError(
                e.Code == "PasswordMismatch" ? "currentPassword" : "newPassword", "Identity", e.Description)).ToList());
        await sessions.RemoveAllAsync(user.Id, ct);
        logger.LogInformation("Password of user {UserId} changed{ByAdmin}; their sessions ended", user.Id, byAdmin ? " by an admin" : "");
        return true;
    }

    /// <summary>Signs a person out everywhere (a lost phone, a shared computer).</summary>
    public async Task<bool> EndSessionsAsync(string id, CancellationToken ct)
    {
        if (await users.FindByIdAsync(id) is not { } user)
            return false;
        await users.UpdateSecurityStampAsync(user);
        await sessions.RemoveAllAsync(user.Id, ct);
        return true;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new RequestValidationException(result.Errors.Select(e => new FieldError("$", "Identity", e.Description)).ToList());
    }

    /// <summary>Development only: the demo logins README lists. Idempotent.</summary>
    public async Task SeedDemoUsersAsync(string file)
    {
        await using var stream = File.OpenRead(file);
        var demo = await JsonSerializer.DeserializeAsync<List<NewUser>>(stream, JsonSerializerOptions.Web) ?? [];
        foreach (var u in demo)
        {
            if (await users.FindByNameAsync(u.UserName) is null)
                await CreateUserAsync(u);
        }
    }

    /// <summary>Outside Development there are no default passwords: the first admin comes from this (command or setting).</summary>
    public async Task<bool> EnsureAdminAsync(string userName, string password)
    {
        if (await users.FindByNameAsync(userName) is not null)
            return false;
        await CreateUserAsync(new NewUser(userName, "系统管理员", Roles.Admin, null, password, null));
        return true;
    }

    private List<FieldError> Validate(string? role, string? departmentCode)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(role))
            errors.Add(new("role", ErrorCodes.Required));
        else if (!Roles.IsKnown(role))
            errors.Add(new("role", "UnknownRole", role));
        else if (role == Roles.DepartmentHandler)
        {
            if (string.IsNullOrWhiteSpace(departmentCode))
                errors.Add(new("departmentCode", ErrorCodes.Required));
            else if (!reference.IsDepartment(departmentCode))
                errors.Add(new("departmentCode", ErrorCodes.UnknownDepartment, departmentCode));
        }
        return errors;
    }
}

public sealed record NewUser(string UserName, string? DisplayName, string Role, string? DepartmentCode, string Password, string? Email);

/// <summary>The body of PUT /api/admin/users/{id}: what to change (absent fields stay as they are).</summary>
public sealed record UserChange(string? DisplayName, string? Role, string? DepartmentCode);
