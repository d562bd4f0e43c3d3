using Microsoft.AspNetCore.Hosting;

namespace Hotline.Tests.Routing;

public sealed class RoutingTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task A_registered_ticket_gets_proposals_from_the_seeded_rules_with_the_rule_and_score_behind_each()
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen(title: "夜间施工噪音扰民", category: "um-construction-noise");
        body["description"] = "隔壁工地每天夜间施工到凌晨两点，施工噪音很大。";
        var number = (await Api.RegisterAsync(agent, body)).Number();
        var dispatcher = await Factory.DispatcherAsync();

        var proposals = await Api.GetAsync(dispatcher, $"/api/tickets/{number}/routing");

        var best = proposals[0];
        Assert.Equal("cgj", best.Str("departmentCode"));
        Assert.Equal("常州市城市管理局", best.Str("departmentName"));
        Assert.Equal("construction-noise-night", best.Str("ruleCode"));
        Assert.Equal(["sthj"], best.GetProperty("coHandlingDepartmentCodes").Strings());
        Assert.True(best.GetProperty("confidence").GetDouble() > 0);
    }

    [Fact]
    public async Task An_enterprise_ticket_is_proposed_to_the_enterprise_service_desk()
    {
        var agent = await Factory.AgentAsync();
        using var preview = await Api.PostAsync(agent, "/api/routing/preview", Api.Enterprise());
        var proposals = await Api.ExpectAsync(preview, HttpStatusCode.OK);

        var best = proposals[0];
        Assert.Equal("scjg", best.Str("departmentCode"));
        Assert.Equal("enterprise-startup-desk", best.Str("ruleCode"));
        Assert.True(best.GetProperty("enterpriseDesk").GetBoolean());

        var number = (await Api.RegisterAsync(agent, Api.Enterprise())).Number();
        var dispatcher = await Factory.DispatcherAsync();
        var dispatched = await Api.ActAsync(dispatcher, number, "dispatch", new JsonObject { ["departmentCode"] = "scjg", ["enterpriseDesk"] = true });
        Assert.True(dispatched.GetProperty("atEnterpriseDesk").GetBoolean());
    }

    [Fact]
    public async Task Dispatching_to_a_desk_a_department_does_not_have_is_refused()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var number = (await Api.RegisterAsync(agent)).Number();

        using var response = await Api.ActionAsync(dispatcher, number, "dispatch", 1, new JsonObject { ["departmentCode"] = "cgj", ["enterpriseDesk"] = true });

        var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("enterpriseDesk", out _));
    }

    [Fact]
    public async Task Department_handlers_do_not_see_routing_proposals()
    {
        var handler = await Factory.HandlerAsync("scjg");
        using var response = await Api.PostAsync(handler, "/api/routing/preview", Api.Citizen());
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_admin_edits_rules_through_the_api_and_proposals_follow_at_once()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        var rule = new JsonObject
        {
            ["code"] = "garbage-xinbei", ["name"] = "新北区垃圾清运", ["priority"] = 5, ["categoryCode"] = "um-garbage", ["districtCode"] = "xinbei",
            ["mainDepartmentCode"] = "xinbei-gov", ["coHandlingDepartmentCodes"] = new JsonArray("cgj"),
        };
        using var put = await admin.PutAsJsonAsync("/api/routing/rules/garbage-xinbei", rule);
        await Api.ExpectAsync(put, HttpStatusCode.OK);

        var draft = Api.Citizen(category: "um-garbage");
        draft["districtCode"] = "xinbei";
        using var preview = await Api.PostAsync(admin, "/api/routing/preview", draft);
        Assert.Equal("xinbei-gov", (await Api.ExpectAsync(preview, HttpStatusCode.OK))[0].Str("departmentCode"));

        using var delete = await admin.DeleteAsync("/api/routing/rules/garbage-xinbei");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var after = await Api.PostAsync(admin, "/api/routing/preview", draft);
        Assert.Equal("cgj", (await Api.ExpectAsync(after, HttpStatusCode.OK))[0].Str("departmentCode"));
    }

    [Fact]
    public async Task A_rule_with_unknown_codes_or_no_criteria_is_refused_with_field_names()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        var bad = new JsonObject { ["code"] = "bad", ["name"] = "坏规则", ["categoryCode"] = "nothing", ["mainDepartmentCode"] = "nowhere" };
        using var response = await admin.PutAsJsonAsync("/api/routing/rules/bad", bad);
        var errors = (await Api.ExpectAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("categoryCode", out _));
        Assert.True(errors.TryGetProperty("mainDepartmentCode", out _));

        var dispatcher = await Factory.DispatcherAsync();
        using var forbidden = await dispatcher.PutAsJsonAsync("/api/routing/rules/bad", bad);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }
}

/// <summary>With Routing:AutoDispatch on, a confident rule dispatches at registration; a weak match waits for a dispatcher.</summary>
public sealed class AutoDispatchTests
{
    [Fact]
    public async Task A_confident_match_is_dispatched_by_the_system_in_the_same_registration()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var auto = factory.WithWebHostBuilder(b => b
                .UseSetting("Routing:AutoDispatch", "true")
                .UseSetting("Routing:AutoDispatchMinConfidence", "0.5"));
            var agent = auto.CreateClient();
            agent.DefaultRequestHeaders.Add("X-Api-Key", await factory.ApiKeyAsync(Roles.Agent));

            var noisy = Api.Citizen(title: "夜间施工噪音扰民", category: "um-construction-noise");
            noisy["description"] = "工地夜间施工，施工噪音很大，半夜施工影响休息。";
            var dispatched = await Api.RegisterAsync(agent, noisy);
            var weak = await Api.RegisterAsync(agent, Api.Citizen(title: "咨询垃圾分类", category: "um-garbage"));

            Assert.Equal("Dispatched", dispatched.Str("status"));
            Assert.Equal("cgj", dispatched.GetProperty("assignedDepartment").Str("code"));
            var history = await Api.GetAsync(agent, $"/api/tickets/{dispatched.Number()}/events");
            Assert.Equal(["register", "dispatch"], history.EnumerateArray().Select(e => e.Str("action")));
            Assert.Equal("system", history[1].GetProperty("actor").Str("id"));
            Assert.Equal("Registered", weak.Str("status"));
            await auto.DisposeAsync();
        });
    }
}
