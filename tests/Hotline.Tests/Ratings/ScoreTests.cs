using Hotline.Server.Ratings;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Ratings;

/// <summary>满意率 per department and period, with upheld appeals out of the score but on record.</summary>
public sealed class ScoreTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    private async Task RateAsync(string number, string level, bool resolved)
    {
        using var response = await Api.PostAsync(await Factory.AgentAsync(), $"/api/tickets/{number}/rating", new JsonObject { ["level"] = level, ["resolved"] = resolved });
        await Api.ExpectAsync(response, HttpStatusCode.Created);
    }

    private async Task<JsonElement> ScoreAsync(string department, string from = "2026-11-23", string to = "2026-11-23") =>
        Assert.Single((await Api.GetAsync(await Factory.SupervisorAsync(), $"/api/ratings/summary?from={from}&to={to}&department={department}")).EnumerateArray());

    [Fact]
    public async Task An_upheld_appeal_takes_the_rating_out_of_the_departments_score_but_keeps_it_on_record()
    {
        var satisfied = await RepliedTicketAsync(Factory, department: "zjj");
        var basically = await RepliedTicketAsync(Factory, department: "zjj");
        var unsatisfied = await RepliedTicketAsync(Factory, department: "zjj");
        await RateAsync(satisfied, "Satisfied", true);
        await RateAsync(basically, "BasicallySatisfied", false);
        await RateAsync(unsatisfied, "Dissatisfied", false);

        var before = await ScoreAsync("zjj");
        Assert.Equal((3, 2, 0.6667, 1, 0), (before.GetProperty("rated").GetInt32(), before.GetProperty("satisfied").GetInt32(),
            before.GetProperty("satisfactionRate").GetDouble(), before.GetProperty("resolved").GetInt32(), before.GetProperty("appealsUpheld").GetInt32()));

        await Api.ActAsync(await Factory.HandlerAsync("zjj"), unsatisfied, "appeal-rating", new JsonObject { ["reason"] = "诉求人要求拆除合法建筑，不属可支持诉求。" });
        Assert.Equal(1, (await ScoreAsync("zjj")).GetProperty("appealsPending").GetInt32());
        await Api.ActAsync(await Factory.SupervisorAsync(), unsatisfied, "decide-appeal", new JsonObject { ["upheld"] = true, ["comment"] = "经核实，答复依法合规，申诉成立。" });

        var after = await ScoreAsync("zjj");
        Assert.Equal((2, 2, 1.0, 1, 0), (after.GetProperty("rated").GetInt32(), after.GetProperty("satisfied").GetInt32(),
            after.GetProperty("satisfactionRate").GetDouble(), after.GetProperty("appealsUpheld").GetInt32(), after.GetProperty("appealsPending").GetInt32()));
        var onRecord = (await Api.GetAsync(await Factory.SupervisorAsync(), $"/api/tickets/{unsatisfied}/ratings")).EnumerateArray().Single();
        Assert.Equal(("Dissatisfied", "Upheld", false), (onRecord.Str("level"), onRecord.Str("appeal"), onRecord.GetProperty("countsInScore").GetBoolean()));

        // The period bounds are local days; the service the leaders' console will call gives the same answer.
        Assert.Empty((await Api.GetAsync(await Factory.SupervisorAsync(), "/api/ratings/summary?from=2026-11-24&department=zjj")).EnumerateArray());
        await using var scope = Factory.Services.CreateAsyncScope();
        var scores = await scope.ServiceProvider.GetRequiredService<RatingScores>().SummaryAsync(new DateOnly(2026, 11, 23), null, "zjj", CancellationToken.None);
        Assert.Equal(1.0, Assert.Single(scores).SatisfactionRate);
    }

    [Fact]
    public async Task Only_supervisors_leaders_and_admins_read_the_scores()
    {
        using var response = await (await Factory.AgentAsync()).GetAsync("/api/ratings/summary");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await Api.GetAsync(await Factory.ClientAsync(Roles.Leader), "/api/ratings/summary");
    }
}
