using Hotline.Server.Sla;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Ratings;

/// <summary>回访: phone callers without an email are called back with a script, and the outcome ends the task.</summary>
public sealed class RevisitTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    private static JsonObject PhoneCallerWithoutEmail(string title)
    {
        var body = Api.Citizen(title: title, category: "con-food-safety");
        body["requester"]!.AsObject().Remove("email");
        return body;
    }

    private async Task<JsonElement[]> TasksAsync() =>
        (await Api.GetAsync(await Factory.AgentAsync(), "/api/ratings/revisits")).EnumerateArray().ToArray();

    [Fact]
    public async Task A_phone_caller_without_an_email_gets_a_revisit_task_with_a_script_and_one_with_an_email_gets_the_link()
    {
        var phoneOnly = await RepliedTicketAsync(Factory, PhoneCallerWithoutEmail("菜市场缺斤短两"));
        var withEmail = await RepliedTicketAsync(Factory);

        var tasks = await TasksAsync();

        var task = Assert.Single(tasks, t => t.Str("number") == phoneOnly);
        Assert.DoesNotContain(tasks, t => t.Str("number") == withEmail);
        Assert.Equal("13812345678", task.Str("requesterPhone"));
        Assert.Contains("您之前投诉的“菜市场缺斤短两”", task.Str("script"), StringComparison.Ordinal);
        Assert.Contains(phoneOnly, task.Str("script"), StringComparison.Ordinal);
        Assert.Contains("常州市市场监督管理局", task.Str("script"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recording_a_reached_revisit_with_a_rating_records_a_phone_rating_and_stops_the_revisit_clock()
    {
        var number = await RepliedTicketAsync(Factory, PhoneCallerWithoutEmail("农贸市场电子秤作弊"));
        var agent = await Factory.AgentAsync();

        await Api.ActAsync(agent, number, "record-revisit", new JsonObject { ["reached"] = true, ["level"] = "Satisfied", ["resolved"] = true, ["notes"] = "市民表示已处理到位" });

        Assert.DoesNotContain(await TasksAsync(), t => t.Str("number") == number);
        var rating = (await Api.GetAsync(agent, $"/api/tickets/{number}/rating")).GetProperty("rating");
        Assert.Equal(("Satisfied", "Phone"), (rating.Str("level"), rating.Str("channel")));
        Assert.Equal(["record-revisit", "rate"], (await EventsAsync(Factory, number)).TakeLast(2).Select(e => e.Str("action")));
        var revisit = (await Api.GetAsync(agent, $"/api/tickets/{number}/sla")).EnumerateArray().Single(c => c.Str("kind") == "Revisit");
        Assert.NotNull(revisit.GetProperty("stoppedAt").GetString());
    }

    [Fact]
    public async Task An_unsatisfied_rating_on_the_phone_starts_rectification_like_any_other()
    {
        var number = await RepliedTicketAsync(Factory, PhoneCallerWithoutEmail("超市价签与结算价不符"));

        await Api.ActAsync(await Factory.AgentAsync(), number, "record-revisit", new JsonObject { ["reached"] = true, ["level"] = "Dissatisfied", ["resolved"] = false });

        Assert.Equal(["record-revisit", "rate", "reopen", "supervise"], (await EventsAsync(Factory, number)).TakeLast(4).Select(e => e.Str("action")));
    }

    [Fact]
    public async Task An_unreached_revisit_is_recorded_without_a_rating_and_a_rating_on_it_is_refused()
    {
        var number = await RepliedTicketAsync(Factory, PhoneCallerWithoutEmail("快递柜收费不合理"));
        var agent = await Factory.AgentAsync();
        var version = (await Api.GetAsync(agent, $"/api/tickets/{number}")).GetProperty("version").GetInt32();

        using var refused = await Api.ActionAsync(agent, number, "record-revisit", version, new JsonObject { ["reached"] = false, ["level"] = "Satisfied" });
        await Api.ExpectAsync(refused, HttpStatusCode.BadRequest);
        await Api.ActAsync(agent, number, "record-revisit", new JsonObject { ["reached"] = false, ["notes"] = "三次拨打无人接听" });

        Assert.Empty((await Api.GetAsync(agent, $"/api/tickets/{number}/ratings")).EnumerateArray());
        Assert.DoesNotContain(await TasksAsync(), t => t.Str("number") == number);
    }

    [Fact]
    public Task A_requester_with_an_email_who_did_not_rate_in_time_is_called_back_too() => HotlineFactory.RunAsync(async factory =>
    {
        var number = await RepliedTicketAsync(factory);
        var agent = await factory.AgentAsync();
        Assert.DoesNotContain((await Api.GetAsync(agent, "/api/ratings/revisits")).EnumerateArray(), t => t.Str("number") == number);

        var revisit = (await Api.GetAsync(agent, $"/api/tickets/{number}/sla")).EnumerateArray().Single(c => c.Str("kind") == "Revisit");
        factory.Clock.SetUtcNow(revisit.GetProperty("dueAt").GetDateTimeOffset().AddMinutes(1).ToUniversalTime());
        var sweeper = factory.Services.GetRequiredService<SlaSweeper>();
        for (var i = 0; i < 3; i++)
            await sweeper.SweepAsync(CancellationToken.None);

        var task = Assert.Single((await Api.GetAsync(agent, "/api/ratings/revisits")).EnumerateArray(), t => t.Str("number") == number);
        Assert.True(task.GetProperty("overdue").GetBoolean());
    });
}
