using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Access;

public sealed class AuthenticationTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task An_anonymous_api_call_is_401_problem_not_a_login_page()
    {
        using var response = await Factory.CreateClient().GetAsync("/api/tickets");

        var problem = await Api.ExpectAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("请先登录。", problem.Str("title"));
    }

    [Theory]
    [InlineData("hl_deadbeef_0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("not-a-key")]
    public async Task A_wrong_or_malformed_api_key_is_401(string key)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        using var response = await client.GetAsync("/api/tickets");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Only_a_hash_of_the_api_key_is_stored_and_a_revoked_key_stops_working()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using var created = await Api.PostAsync(admin, "/api/admin/api-keys", new JsonObject { ["name"] = "话务系统", ["role"] = "Agent" });
        var body = await Api.ExpectAsync(created, HttpStatusCode.Created);
        var key = body.Str("key");
        var secret = key.Split('_')[2];

        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var row = await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().ApiKeys.SingleAsync(k => k.Id == body.GetProperty("id").GetInt32());
            Assert.Equal(Hotline.Server.Access.ApiKeys.Hash(secret), row.SecretHash);
            Assert.DoesNotContain(secret, System.Text.Encoding.UTF8.GetString(row.SecretHash), StringComparison.Ordinal);
        }

        var telephony = Factory.CreateClient();
        telephony.DefaultRequestHeaders.Add("X-Api-Key", key);
        Assert.Equal(HttpStatusCode.OK, (await telephony.GetAsync("/api/tickets")).StatusCode);

        using var revoke = await admin.DeleteAsync($"/api/admin/api-keys/{body.GetProperty("id").GetInt32()}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await telephony.GetAsync("/api/tickets")).StatusCode);
    }

    [Fact]
    public async Task A_handler_key_needs_a_known_department()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using var response = await Api.PostAsync(admin, "/api/admin/api-keys", new JsonObject { ["name"] = "部门系统", ["role"] = "DepartmentHandler", ["departmentCode"] = "nowhere" });

        var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("departmentCode", out _));
    }

    [Theory]
    [InlineData(Roles.Agent)]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.Leader)]
    public async Task Administration_is_for_admins_only(string role)
    {
        var client = await Factory.ClientAsync(role);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/admin/users")).StatusCode);
        using var create = await Api.PostAsync(client, "/api/admin/api-keys", new JsonObject { ["name"] = "x", ["role"] = "Admin" });
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
    }

    [Fact]
    public async Task A_person_created_by_an_admin_signs_in_with_a_cookie_and_acts_with_their_role_and_department()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using var created = await Api.PostAsync(admin, "/api/admin/users", new JsonObject
        {
            ["userName"] = "chen.handler", ["displayName"] = "城管局 陈工", ["role"] = "DepartmentHandler", ["departmentCode"] = "cgj", ["password"] = "Correct-horse-9",
        });
        await Api.ExpectAsync(created, HttpStatusCode.Created);

        var browser = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        using var wrong = await Api.PostAsync(browser, "/api/auth/login", new JsonObject { ["userName"] = "chen.handler", ["password"] = "nope" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var login = await Api.PostAsync(browser, "/api/auth/login", new JsonObject { ["userName"] = "chen.handler", ["password"] = "Correct-horse-9" });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);

        var me = await Api.GetAsync(browser, "/api/auth/me");
        Assert.Equal("城管局 陈工", me.Str("name"));
        Assert.Equal("DepartmentHandler", me.Str("role"));
        Assert.Equal("cgj", me.Str("departmentCode"));
    }

    [Fact]
    public async Task A_weak_password_is_refused_with_the_field_named()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using var response = await Api.PostAsync(admin, "/api/admin/users", new JsonObject { ["userName"] = "weak", ["role"] = "Agent", ["password"] = "123" });
        var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }
}
