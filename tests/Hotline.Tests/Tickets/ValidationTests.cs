using System.Text;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Tickets;

/// <summary>Bad input gets an RFC 7807 problem naming the field, in the caller's language, and nothing stored changes.</summary>
public sealed class ValidationTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task Malformed_json_is_400_in_chinese_by_default()
    {
        var agent = await Factory.AgentAsync();
        using var response = await agent.PostAsync("/api/tickets", new StringContent("{\"type\": \"Complaint\", \"title\": ", Encoding.UTF8, "application/json"));

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("请求体不是有效的 JSON。", problem.Str("title"));
    }

    [Fact]
    public async Task An_unknown_enum_value_names_its_field()
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen();
        body["type"] = "Gossip";

        using var response = await Api.PostAsync(agent, "/api/tickets", body);

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("type", out _));
    }

    [Fact]
    public async Task Missing_fields_are_each_named_in_english_when_asked()
    {
        var agent = await Factory.ClientAsync(Roles.Agent, acceptLanguage: "en");
        using var response = await Api.PostAsync(agent, "/api/tickets", new JsonObject { ["requester"] = new JsonObject() });

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("One or more fields are invalid.", problem.Str("title"));
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "type", "channel", "requester.kind" })
            Assert.Equal("This field is required.", errors.GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task Text_fields_are_required_and_bounded()
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen();
        body["title"] = "";
        body["description"] = new string('诉', 4001);
        body["requester"]!["name"] = " ";

        using var response = await Api.PostAsync(agent, "/api/tickets", body);

        var errors = (await ExpectProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal("必填项。", errors.GetProperty("title")[0].GetString());
        Assert.Equal("长度不能超过 4000 个字符。", errors.GetProperty("description")[0].GetString());
        Assert.Equal("必填项。", errors.GetProperty("requester.name")[0].GetString());
    }

    [Theory]
    [InlineData("91320400MA1X2Y3K5A")] // wrong check character
    [InlineData("91320400MA1X2Y3K")] // too short
    [InlineData("9132O400MA1X2Y3K5A")] // letter in the division code
    public async Task A_wrong_unified_social_credit_code_is_refused(string creditCode)
    {
        if (creditCode == Api.ValidCreditCode)
            return;
        var agent = await Factory.ClientAsync(Roles.Agent, acceptLanguage: "en-US");
        using var response = await Api.PostAsync(agent, "/api/tickets", Api.Enterprise(creditCode: creditCode, title: "信用代码错误"));

        var errors = (await ExpectProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("GB 32100-2015", errors.GetProperty("requester.creditCode")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("信用代码错误"));
    }

    [Fact]
    public async Task An_unknown_category_or_district_is_refused()
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen(category: "no-such-category");
        body["districtCode"] = "atlantis";

        using var response = await Api.PostAsync(agent, "/api/tickets", body);

        var errors = (await ExpectProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal("未知的诉求分类：no-such-category。", errors.GetProperty("categoryCode")[0].GetString());
        Assert.Equal("未知的区域：atlantis。", errors.GetProperty("districtCode")[0].GetString());
    }

    [Fact]
    public async Task Invalid_phone_and_email_are_named()
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen(phone: "12345");
        body["requester"]!["email"] = "not-an-email";

        using var response = await Api.PostAsync(agent, "/api/tickets", body);

        var errors = (await ExpectProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("requester.phone", out _));
        Assert.True(errors.TryGetProperty("requester.email", out _));
    }

    [Fact]
    public async Task An_oversized_body_is_413_and_nothing_is_stored()
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen(title: "超大请求");
        body["description"] = new string('a', 70_000);

        using var response = await Api.PostAsync(agent, "/api/tickets", body);

        var problem = await ExpectProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("请求体过大。", problem.Str("title"));
        Assert.Equal(0, await CountAsync("超大请求"));
    }

    internal static async Task<JsonElement> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var problem = await Api.ExpectAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    internal async Task<int> CountAsync(string title)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().Tickets.CountAsync(t => t.Title == title);
    }
}
