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
    TimeProvider clock, ILogger<UserAdministration> logger)
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
