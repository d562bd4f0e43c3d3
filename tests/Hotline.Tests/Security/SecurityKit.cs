using Hotline.Server.Access;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Security;

/// <summary>People with passwords, their cookies (copied the way an attacker would copy them), and what the database holds.</summary>
internal static class SecurityKit
{
    public const string Password = "Correct-horse-9";

    /// <summary>Creates a console user; returns the user's id.</summary>
    public static async Task<string> CreateUserAsync(HotlineFactory factory, string userName, string role, string? department = null, string password = Password)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserAdministration>()
            .CreateUserAsync(new NewUser(userName, $"测试 {userName}", role, department, password, null));
        return user.Id;
    }

    /// <summary>Signs in through the API and returns the sign-in cookie as a Cookie header value ("hotline.auth=...").</summary>
    public static async Task<string> SignInAsync(HotlineFactory factory, string userName, string password = Password, string? cookieHeader = null)
    {
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = factory.ClientOptions.BaseAddress });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = JsonContent.Create(new { userName, password }),
        };
        if (cookieHeader is not null)
            request.Headers.Add("Cookie", cookieHeader);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"Sign-in of {userName} gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return CookieFrom(response, "hotline.auth") ?? throw new InvalidOperationException("No sign-in cookie was set.");
    }

    /// <summary>"name=value" of a cookie the response sets, or null.</summary>
    public static string? CookieFrom(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Select(c => c.Split(';')[0]).FirstOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal))
            : null;

    /// <summary>A client that sends exactly this Cookie header on every request (no cookie handling of its own).</summary>
    public static HttpClient WithCookie(HotlineFactory factory, string cookie)
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = factory.ClientOptions.BaseAddress });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var problem = await Api.ExpectAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return problem;
    }

    /// <summary>Row counts and the highest ids of what a request could have written: equal before and after means nothing was stored.</summary>
    public static async Task<string> DatabaseStateAsync(HotlineFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var tickets = await db.Tickets.AsNoTracking().OrderBy(t => t.Id).Select(t => new { t.Id, t.Version, t.Status }).ToListAsync();
        return string.Join(";", [
            string.Join(",", tickets.Select(t => $"{t.Id}:{t.Version}:{t.Status}")),
            $"events={await db.TicketEvents.CountAsync()}", $"attachments={await db.Attachments.CountAsync()}",
            $"clocks={await db.SlaClocks.CountAsync()}", $"outbox={await db.OutboxEmails.CountAsync()}", $"ratings={await db.Ratings.CountAsync()}",
            $"keys={await db.ApiKeys.CountAsync()}", $"users={await db.Users.CountAsync()}", $"rules={await db.RoutingRules.CountAsync()}",
            $"policies={await db.SlaPolicies.CountAsync()}", $"days={await db.CalendarDays.CountAsync()}", $"templates={await db.EmailTemplates.CountAsync()}",
        ]);
    }
}
