using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Tickets;

public sealed class LifecycleTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task A_ticket_goes_from_registration_through_return_and_reopening_to_closed_with_every_step_in_its_history()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var scjg = await Factory.HandlerAsync("scjg");
        var cgj = await Factory.HandlerAsync("cgj");
        var supervisor = await Factory.SupervisorAsync();
        var number = (await Api.RegisterAsync(agent)).Number();

        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        Factory.Clock.Advance(TimeSpan.FromMinutes(30));
        var returned = await Api.ActAsync(scjg, number, "return", Api.Return());
        Assert.Equal("Returned", returned.Str("status"));
        Assert.Equal(1, returned.GetProperty("returnCount").GetInt32());

        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("cgj"));
        await Api.ActAsync(cgj, number, "sign-for");
        var replied = await Api.ActAsync(cgj, number, "reply", Api.Reply());
        Assert.Equal("Replied", replied.Str("status"));
        Assert.Equal("Resolved", replied.Str("replyResult"));

        await Api.ActAsync(supervisor, number, "reopen", Api.Reopen());
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("cgj"));
        await Api.ActAsync(cgj, number, "sign-for");
        await Api.ActAsync(cgj, number, "reply", Api.Reply("PartiallyResolved"));
        var closed = await Api.ActAsync(agent, number, "close");

        Assert.Equal("Closed", closed.Str("status"));
        Assert.Equal(1, closed.GetProperty("reopenCount").GetInt32());
        var history = await Api.GetAsync(agent, $"/api/tickets/{number}/events");
        Assert.Equal(
            ["register", "dispatch", "return", "dispatch", "sign-for", "reply", "reopen", "dispatch", "sign-for", "reply", "close"],
            history.EnumerateArray().Select(e => e.Str("action")).ToArray());
        Assert.Equal(Enumerable.Range(1, 11), history.EnumerateArray().Select(e => e.GetProperty("version").GetInt32()));
        Assert.Equal(closed.GetProperty("version").GetInt32(), history.GetArrayLength());
        var sequence = history.EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequence.Order(), sequence);
    }

    [Fact]
    public async Task The_ticket_row_equals_the_replay_of_its_events()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var handler = await Factory.HandlerAsync("cgj");
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "投影一致"))).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("cgj"));
        await Api.ActAsync(handler, number, "sign-for");
        await Api.ActAsync(handler, number, "reply", Api.Reply());

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var row = await db.Tickets.AsNoTracking().SingleAsync(t => t.Number == number);
        var events = await db.TicketEvents.AsNoTracking().Where(e => e.TicketId == row.Id).OrderBy(e => e.Version).ToListAsync();
        var replayed = Ticket.Replay(events);

        foreach (var property in typeof(Ticket).GetProperties().Where(p => p.Name is not (nameof(Ticket.IdempotencyKey) or nameof(Ticket.IdempotencyFingerprint))))
        {
            var expected = property.GetValue(row);
            var actual = property.GetValue(replayed);
            if (expected is System.Collections.IEnumerable list and not string)
                Assert.Equal(list.Cast<object>(), ((System.Collections.IEnumerable)actual!).Cast<object>());
            else
                Assert.True(Equals(expected, actual), $"{property.Name}: row {expected} vs replay {actual}");
        }
    }

    [Fact]
    public async Task An_action_not_allowed_in_the_current_state_is_409_with_the_allowed_actions_and_changes_nothing()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var ticket = await Api.RegisterAsync(agent);

        using var response = await Api.ActionAsync(dispatcher, ticket.Number(), "close", 1);

        var problem = await Api.ExpectAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(409, problem.GetProperty("status").GetInt32());
        Assert.Equal("Registered", problem.Str("ticketStatus"));
        Assert.Equal(["resolve-at-intake", "dispatch", "mark-duplicate", "withdraw", "attach-file"], problem.GetProperty("allowedActions").Strings());
        Assert.Contains("已登记", problem.Str("detail"), StringComparison.Ordinal);
        var after = await Api.GetAsync(agent, $"/api/tickets/{ticket.Number()}");
        Assert.Equal(1, after.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_stale_version_is_409_with_the_current_version_and_never_overwrites()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var number = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));

        // A second dispatcher still looking at version 1 tries to dispatch elsewhere.
        using var stale = await Api.ActionAsync(dispatcher, number, "dispatch", 1, Api.Dispatch("cgj"));

        var problem = await Api.ExpectAsync(stale, HttpStatusCode.Conflict);
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt32());
        var current = await Api.GetAsync(dispatcher, $"/api/tickets/{number}");
        Assert.Equal("scjg", current.GetProperty("assignedDepartment").Str("code"));
    }

    [Fact]
    public async Task Two_simultaneous_actions_on_one_version_let_exactly_one_win()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var number = (await Api.RegisterAsync(agent)).Number();

        var responses = await Task.WhenAll(
            Api.ActionAsync(dispatcher, number, "dispatch", 1, Api.Dispatch("scjg")),
            Api.ActionAsync(dispatcher, number, "dispatch", 1, Api.Dispatch("cgj")),
            Api.ActionAsync(agent, number, "resolve-at-intake", 1, new JsonObject { ["answer"] = "已当场答复。" }));

        var statuses = string.Join(", ", await Task.WhenAll(responses.Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}")));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) == 1, statuses);
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.Conflict) == 2, statuses);
        var history = await Api.GetAsync(agent, $"/api/tickets/{number}/events");
        Assert.Equal(2, history.GetArrayLength());
    }

    [Fact]
    public async Task An_agent_answers_a_consultation_at_intake_and_closes_it()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent, Api.Citizen(type: "Consultation", category: "policy"))).Number();

        var resolved = await Api.ActAsync(agent, number, "resolve-at-intake", new JsonObject { ["answer"] = "根据惠企政策，符合条件的小微企业可申请稳岗返还。" });
        Assert.Equal("ResolvedAtIntake", resolved.Str("status"));
        Assert.Equal(["close", "rate", "record-revisit", "attach-file"], resolved.GetProperty("allowedActions").Strings()); // 回访: the answer is rated too

        var closed = await Api.ActAsync(agent, number, "close");
        Assert.Equal("Closed", closed.Str("status"));
    }

    [Fact]
    public async Task Each_action_body_is_validated_with_field_names()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var handler = await Factory.HandlerAsync("scjg");
        var number = (await Api.RegisterAsync(agent)).Number();

        using var noDepartment = await Api.ActionAsync(dispatcher, number, "dispatch", 1, new JsonObject { ["departmentCode"] = "nowhere" });
        var errors = (await Api.ExpectAsync(noDepartment, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("departmentCode", out _));

        using var noVersion = await Api.PostAsync(dispatcher, $"/api/tickets/{number}/actions/dispatch", Api.Dispatch("scjg"));
        errors = (await Api.ExpectAsync(noVersion, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("expectedVersion", out _));

        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(handler, number, "sign-for");
        using var explainedWithoutBasis = await Api.ActionAsync(handler, number, "reply", 3, new JsonObject { ["result"] = "Explained", ["resolution"] = "无法解决。" });
        errors = (await Api.ExpectAsync(explainedWithoutBasis, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("legalBasis", out _));

        using var badReason = await Api.ActionAsync(handler, number, "return", 3, new JsonObject { ["reason"] = "Bored", ["explanation"] = "x" });
        await Api.ExpectAsync(badReason, HttpStatusCode.BadRequest);
        Assert.Equal(3, (await Api.GetAsync(agent, $"/api/tickets/{number}")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_role_that_may_never_take_an_action_gets_403_and_an_unknown_action_404()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent)).Number();

        using var agentDispatches = await Api.ActionAsync(agent, number, "dispatch", 1, Api.Dispatch("scjg"));
        await Api.ExpectAsync(agentDispatches, HttpStatusCode.Forbidden);

        using var unknown = await Api.ActionAsync(agent, number, "teleport", 1);
        var problem = await Api.ExpectAsync(unknown, HttpStatusCode.NotFound);
        var known = problem.GetProperty("knownActions").Strings();
        Assert.Contains("dispatch", known);
        Assert.DoesNotContain("attach-file", known); // files go to /attachments
    }
}
