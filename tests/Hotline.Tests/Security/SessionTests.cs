using Microsoft.AspNetCore.SignalR.Client;

namespace Hotline.Tests.Security;

/// <summary>
/// A sign-in lives on the server: signing out, a new password, a new role or department, a deactivated account and a
/// revoked API key end it at once, with the hub connections opened under it.
/// </summary>
public sealed class SessionTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task A_copied_cookie_stops_working_after_sign_out()
    {
        await SecurityKit.CreateUserAsync(Factory, "copy.agent", Roles.Agent);
        var cookie = await SecurityKit.SignInAsync(Factory, "copy.agent");
        var browser = SecurityKit.WithCookie(Factory, cookie);
        var thief = SecurityKit.WithCookie(Factory, cookie);
        await Api.GetAsync(thief, "/api/auth/me");

        using var logout = await browser.PostAsync("/api/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/tickets")).StatusCode);
    }

    [Fact]
    public async Task Signing_out_on_one_device_leaves_the_others_signed_in()
    {
        await SecurityKit.CreateUserAsync(Factory, "two.devices", Roles.Agent);
        var phone = SecurityKit.WithCookie(Factory, await SecurityKit.SignInAsync(Factory, "two.devices"));
        var desk = SecurityKit.WithCookie(Factory, await SecurityKit.SignInAsync(Factory, "two.devices"));

        await phone.PostAsync("/api/auth/logout", null);

        await Api.GetAsync(desk, "/api/auth/me");
    }

    [Fact]
    public async Task Changing_ones_password_signs_out_every_device()
    {
        await SecurityKit.CreateUserAsync(Factory, "new.password", Roles.Dispatcher);
        var here = await SecurityKit.SignInAsync(Factory, "new.password");
        var elsewhere = SecurityKit.WithCookie(Factory, await SecurityKit.SignInAsync(Factory, "new.password"));

        using var changed = await Api.PostAsync(SecurityKit.WithCookie(Factory, here), "/api/auth/password",
            new JsonObject { ["currentPassword"] = SecurityKit.Password, ["newPassword"] = "Another-horse-10" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SecurityKit.WithCookie(Factory, here).GetAsync("/api/auth/me")).StatusCode);
        await SecurityKit.SignInAsync(Factory, "new.password", "Another-horse-10");
        using var old = await Api.PostAsync(Factory.CreateClient(), "/api/auth/login", new JsonObject { ["userName"] = "new.password", ["password"] = SecurityKit.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
    }

    [Fact]
    public async Task Signing_in_again_gives_a_new_session_key_and_ends_the_one_the_browser_had()
    {
        await SecurityKit.CreateUserAsync(Factory, "fixation.victim", Roles.Supervisor);
        await SecurityKit.CreateUserAsync(Factory, "fixation.attacker", Roles.Agent);
        // A page on another port of the host can plant a cookie: the attacker's own, valid one.
        var planted = await SecurityKit.SignInAsync(Factory, "fixation.attacker");

        var victims = await SecurityKit.SignInAsync(Factory, "fixation.victim", cookieHeader: planted);

        Assert.NotEqual(planted, victims);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SecurityKit.WithCookie(Factory, planted).GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal("测试 fixation.victim", (await Api.GetAsync(SecurityKit.WithCookie(Factory, victims), "/api/auth/me")).Str("name"));
    }

    [Fact]
    public async Task A_wrong_current_password_changes_nothing()
    {
        await SecurityKit.CreateUserAsync(Factory, "wrong.current", Roles.Agent);
        var browser = SecurityKit.WithCookie(Factory, await SecurityKit.SignInAsync(Factory, "wrong.current"));

        using var refused = await Api.PostAsync(browser, "/api/auth/password", new JsonObject { ["currentPassword"] = "guess", ["newPassword"] = "Another-horse-10" });

        var problem = await SecurityKit.ProblemAsync(refused, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("currentPassword", out _));
        await Api.GetAsync(browser, "/api/auth/me");
    }

    public static TheoryData<string> AdminChanges() => ["reset-password", "deactivate", "change-role", "change-department", "sign-out-everywhere"];

    [Theory]
    [MemberData(nameof(AdminChanges))]
    public async Task An_admins_change_to_a_person_ends_their_sessions_and_hub_connections(string change)
    {
        var userName = $"changed.{change}";
        var id = await SecurityKit.CreateUserAsync(Factory, userName, Roles.DepartmentHandler, "scjg");
        var cookie = await SecurityKit.SignInAsync(Factory, userName);
        await using var hub = await HubProbe.ConnectAsync(Factory, cookie: cookie);
        var admin = await Factory.ClientAsync(Roles.Admin);

        using var response = change switch
        {
            "reset-password" => await Api.PostAsync(admin, $"/api/admin/users/{id}/password", new JsonObject { ["newPassword"] = "Reset-horse-11" }),
            "deactivate" => await Api.PostAsync(admin, $"/api/admin/users/{id}/deactivate", new JsonObject()),
            "change-role" => await PutAsync(admin, $"/api/admin/users/{id}", new JsonObject { ["role"] = Roles.Agent }),
            "change-department" => await PutAsync(admin, $"/api/admin/users/{id}", new JsonObject { ["departmentCode"] = "zjj" }),
            _ => await admin.DeleteAsync($"/api/admin/users/{id}/sessions"),
        };
        Assert.True(response.IsSuccessStatusCode, $"{change}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");

        Assert.Equal(HttpStatusCode.Unauthorized, (await SecurityKit.WithCookie(Factory, cookie).GetAsync("/api/auth/me")).StatusCode);
        await hub.Closed.Task.WaitAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_new_role_applies_from_the_next_sign_in()
    {
        var id = await SecurityKit.CreateUserAsync(Factory, "promoted", Roles.Agent);
        using var changed = await PutAsync(await Factory.ClientAsync(Roles.Admin), $"/api/admin/users/{id}", new JsonObject { ["role"] = Roles.Supervisor });
        var user = await Api.ExpectAsync(changed, HttpStatusCode.OK);
        Assert.Equal([Roles.Supervisor], user.GetProperty("roles").Strings());

        var me = await Api.GetAsync(SecurityKit.WithCookie(Factory, await SecurityKit.SignInAsync(Factory, "promoted")), "/api/auth/me");

        Assert.Equal(Roles.Supervisor, me.Str("role"));
    }

    [Fact]
    public async Task A_deactivated_account_cannot_sign_in_until_reactivated()
    {
        var id = await SecurityKit.CreateUserAsync(Factory, "leaver", Roles.Agent);
        var admin = await Factory.ClientAsync(Roles.Admin);
        using (var off = await Api.PostAsync(admin, $"/api/admin/users/{id}/deactivate", new JsonObject()))
            Assert.False((await Api.ExpectAsync(off, HttpStatusCode.OK)).GetProperty("active").GetBoolean());

        using var refused = await Api.PostAsync(Factory.CreateClient(), "/api/auth/login", new JsonObject { ["userName"] = "leaver", ["password"] = SecurityKit.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode); // the same answer as a wrong password

        using (var on = await Api.PostAsync(admin, $"/api/admin/users/{id}/activate", new JsonObject()))
            await Api.ExpectAsync(on, HttpStatusCode.OK);
        await SecurityKit.SignInAsync(Factory, "leaver");
    }

    [Fact]
    public async Task Signing_out_ends_the_hub_connection_opened_with_the_cookie()
    {
        await SecurityKit.CreateUserAsync(Factory, "hub.leaver", Roles.Supervisor);
        var cookie = await SecurityKit.SignInAsync(Factory, "hub.leaver");
        await using var hub = await HubProbe.ConnectAsync(Factory, cookie: cookie);

        await SecurityKit.WithCookie(Factory, cookie).PostAsync("/api/auth/logout", null);

        await hub.Closed.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => HubProbe.ConnectAsync(Factory, cookie: cookie));
    }

    [Fact]
    public async Task A_revoked_api_key_loses_its_open_hub_connection_and_cannot_catch_up()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using var created = await Api.PostAsync(admin, "/api/admin/api-keys", new JsonObject { ["name"] = "外部坐席系统", ["role"] = Roles.Dispatcher });
        var key = await Api.ExpectAsync(created, HttpStatusCode.Created);
        await using var hub = await HubProbe.ConnectAsync(Factory, apiKey: key.Str("key"));
        await hub.Connection.InvokeAsync<List<JsonElement>>("Since", 0L);

        using var revoked = await admin.DeleteAsync($"/api/admin/api-keys/{key.GetProperty("id").GetInt32()}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        await hub.Closed.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await Assert.ThrowsAnyAsync<Exception>(() => hub.Connection.InvokeAsync<List<JsonElement>>("Since", 0L));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => HubProbe.ConnectAsync(Factory, apiKey: key.Str("key")));
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_and_the_server_keeps_only_a_hash_of_its_key()
    {
        await SecurityKit.CreateUserAsync(Factory, "hashed.session", Roles.Agent);
        using var client = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        using var login = await Api.PostAsync(client, "/api/auth/login", new JsonObject { ["userName"] = "hashed.session", ["password"] = SecurityKit.Password });

        var setCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("hotline.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        await using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateAsyncScope(Factory.Services);
        var db = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Hotline.Server.Data.HotlineDbContext>(scope.ServiceProvider);
        Assert.All(db.ConsoleSessions.Select(s => s.Id).ToList(), id => Assert.Matches("^[0-9a-f]{64}$", id));
    }

    [Fact]
    public async Task A_password_shorter_than_twelve_characters_is_refused()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);

        using var refused = await Api.PostAsync(admin, "/api/admin/users", new JsonObject { ["userName"] = "short.pw", ["role"] = "Agent", ["password"] = "Short-pw-11" });
        using var accepted = await Api.PostAsync(admin, "/api/admin/users", new JsonObject { ["userName"] = "long.pw", ["role"] = "Agent", ["password"] = "Longer-pw-12" });

        Assert.True((await SecurityKit.ProblemAsync(refused, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("password", out _));
        await Api.ExpectAsync(accepted, HttpStatusCode.Created);
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string url, JsonNode body) =>
        client.PutAsync(url, JsonContent.Create(body));
}
