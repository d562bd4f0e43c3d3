using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Tickets;

public sealed class RegistrationTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task A_registered_ticket_gets_a_number_from_its_registration_date_and_the_agent_as_owner()
    {
        var agent = await Factory.AgentAsync();
        var ticket = await Api.RegisterAsync(agent, Api.Citizen(title: "编号测试"));

        Assert.Matches(@"^HL20261123\d{6}$", ticket.Number());
        Assert.Equal("Registered", ticket.Str("status"));
        Assert.Equal(1, ticket.GetProperty("version").GetInt32());
        Assert.StartsWith("test Agent", ticket.GetProperty("owner").Str("name"), StringComparison.Ordinal);
        Assert.Equal("城市管理", ticket.Str("categoryName"));
    }

    [Fact]
    public async Task Concurrent_registrations_get_unique_consecutive_numbers()
    {
        var agent = await Factory.AgentAsync();
        var tickets = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Api.RegisterAsync(agent, Api.Citizen(title: $"并发登记 {i}"))));

        var sequences = tickets.Select(t => int.Parse(t.Number()[10..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(40, sequences.Distinct().Count());
        Assert.Equal(sequences.First() + 39, sequences.Last());
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_same_ticket_and_stores_only_one()
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen(title: "幂等登记");

        var first = await Api.RegisterAsync(agent, body, "call-20261123-0001");
        using var retry = await Api.PostAsync(agent, "/api/tickets", body, "call-20261123-0001");
        var second = await Api.ExpectAsync(retry, HttpStatusCode.OK);

        Assert.Equal(first.Number(), second.Number());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await CountAsync("幂等登记"));
    }

    [Fact]
    public async Task Simultaneous_retries_with_one_key_still_make_one_ticket()
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen(title: "并发幂等");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Api.PostAsync(agent, "/api/tickets", body, "same-key-concurrent")));

        var numbers = new HashSet<string>();
        foreach (var r in responses)
        {
            Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK);
            numbers.Add((await r.Content.ReadFromJsonAsync<JsonElement>()).Number());
        }
        Assert.Single(numbers);
        Assert.Equal(1, await CountAsync("并发幂等"));
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_for_a_different_ticket_is_refused_with_422()
    {
        var agent = await Factory.AgentAsync();
        var first = await Api.RegisterAsync(agent, Api.Citizen(title: "第一张"), "reused-key");

        using var response = await Api.PostAsync(agent, "/api/tickets", Api.Citizen(title: "第二张，不同内容"), "reused-key");
        var problem = await Api.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);

        Assert.Equal(first.Number(), problem.Str("ticketNumber"));
        Assert.Equal(0, await CountAsync("第二张，不同内容"));
    }

    [Fact]
    public async Task The_same_key_from_two_callers_makes_two_tickets()
    {
        var agentA = await Factory.AgentAsync();
        var agentB = await Factory.AgentAsync();

        var a = await Api.RegisterAsync(agentA, Api.Citizen(title: "各自的键"), "shared-key");
        var b = await Api.RegisterAsync(agentB, Api.Citizen(title: "各自的键"), "shared-key");

        Assert.NotEqual(a.Number(), b.Number());
    }

    [Fact]
    public async Task An_enterprise_with_a_valid_credit_code_is_registered_with_its_contact()
    {
        var agent = await Factory.AgentAsync();
        var ticket = await Api.RegisterAsync(agent, Api.Enterprise());

        var requester = ticket.GetProperty("requester");
        Assert.Equal("Enterprise", requester.Str("kind"));
        Assert.Equal(Api.ValidCreditCode, requester.Str("creditCode"));
        Assert.Equal("李经理", requester.Str("contactPerson"));
    }

    [Fact]
    public async Task Roles_that_do_not_take_calls_cannot_register()
    {
        var handler = await Factory.HandlerAsync("scjg");
        using var response = await Api.PostAsync(handler, "/api/tickets", Api.Citizen(title: "承办人不能登记"));
        await Api.ExpectAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(0, await CountAsync("承办人不能登记"));
    }

    private async Task<int> CountAsync(string title)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().Tickets.CountAsync(t => t.Title == title);
    }
}
