using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Ratings;

/// <summary>整改: an unsatisfied rating sends the ticket back for another round, and too many rounds send it to the leaders.</summary>
public sealed class RectificationTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    private async Task RateAsync(string number, string level)
    {
        using var response = await Api.PostAsync(await Factory.AgentAsync(), $"/api/tickets/{number}/rating",
            new JsonObject { ["level"] = level, ["resolved"] = false, ["comment"] = "问题依旧" });
        await Api.ExpectAsync(response, HttpStatusCode.Created);
    }

    private static async Task<string[]> QueueAsync(string queue, HttpClient client) =>
        (await Api.GetAsync(client, $"/api/queues/{queue}")).EnumerateArray().Select(t => t.Number()).ToArray();

    [Fact]
    public async Task Unsatisfied_rating_through_the_link_reopens_the_ticket_for_rectification_and_the_next_reply_asks_for_a_new_rating()
    {
        var number = await RepliedTicketAsync(Factory);
        var firstLink = await RatingPathAsync(Factory, number);
        var client = Factory.CreateClient();

        await PostFormAsync(client, firstLink, "rate", new() { ["Form.Level"] = "Dissatisfied", ["Form.Resolved"] = "false", ["Form.Comment"] = "超市还在卖" });

        var supervisor = await Factory.SupervisorAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var ticket = await Api.GetAsync(supervisor, $"/api/tickets/{number}");
        Assert.Equal("Reopened", ticket.Str("status"));
        Assert.Equal([1], ticket.GetProperty("openSupervisionOrders").EnumerateArray().Select(o => o.GetInt32()));
        var tail = (await EventsAsync(Factory, number)).TakeLast(3).Select(e => (e.Str("action"), e.Str("actorRole"))).ToArray();
        Assert.Equal([("rate", "Requester"), ("reopen", "Admin"), ("supervise", "Admin")], tail);
        Assert.Contains(number, await QueueAsync("dispatch", dispatcher));
        Assert.Contains(number, await QueueAsync("supervision", supervisor));
        var rating = await Api.GetAsync(dispatcher, $"/api/tickets/{number}/rating");
        Assert.Equal("scjg", rating.Str("proposedDepartmentCode")); // the previous department, proposed again
        Assert.Equal("scjg", (await Api.GetAsync(dispatcher, $"/api/tickets/{number}/routing"))[0].Str("departmentCode"));
        Assert.Equal(1, rating.GetProperty("round").GetInt32());
        Assert.True(!rating.TryGetProperty("rating", out var current) || current.ValueKind == JsonValueKind.Null); // round 1 is not rated yet
        Assert.Equal("Dissatisfied", rating.GetProperty("latest").Str("level"));
        var clocks = (await Api.GetAsync(supervisor, $"/api/tickets/{number}/sla")).EnumerateArray().ToDictionary(c => c.Str("kind"));
        Assert.NotNull(clocks["Revisit"].GetProperty("stoppedAt").GetString());
        Assert.False(clocks["Dispatch"].TryGetProperty("stoppedAt", out var stopped) && stopped.ValueKind != JsonValueKind.Null);

        // The old link now shows the recorded rating; the second reply brings a new link for round 1.
        Assert.Contains("不满意", (await GetPageAsync(client, firstLink)).Html, StringComparison.Ordinal);
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        await AnswerAsync(Factory, number);
        var secondLink = await RatingPathAsync(Factory, number);
        Assert.NotEqual(firstLink, secondLink);
        var (status, html) = await PostFormAsync(client, secondLink, "rate", new() { ["Form.Level"] = "Satisfied", ["Form.Resolved"] = "true" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("感谢您的评价", html, StringComparison.Ordinal);

        var ratings = (await Api.GetAsync(supervisor, $"/api/tickets/{number}/ratings")).EnumerateArray().Select(r => (r.GetProperty("round").GetInt32(), r.Str("level"))).ToArray();
        Assert.Equal([(0, "Dissatisfied"), (1, "Satisfied")], ratings);
        Assert.Equal("Replied", (await Api.GetAsync(supervisor, $"/api/tickets/{number}")).Str("status"));
    }

    [Fact]
    public async Task A_link_of_an_earlier_round_that_was_never_used_says_a_newer_one_applies()
    {
        var number = await RepliedTicketAsync(Factory);
        var oldLink = await RatingPathAsync(Factory, number);
        await Api.ActAsync(await Factory.SupervisorAsync(), number, "reopen", Api.Reopen());

        var (status, html) = await GetPageAsync(Factory.CreateClient(), oldLink);

        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Contains("请使用最新答复通知中的评价链接", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_two_rounds_of_rectification_an_unsatisfied_rating_goes_to_the_leaders_queue()
    {
        var number = await RepliedTicketAsync(Factory);
        var dispatcher = await Factory.DispatcherAsync();
        var leader = await Factory.ClientAsync(Roles.Leader);
        for (var round = 0; round < 2; round++)
        {
            await RateAsync(number, "Dissatisfied");
            Assert.DoesNotContain(number, await QueueAsync("leader", leader));
            await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
            await AnswerAsync(Factory, number);
        }

        await RateAsync(number, "Dissatisfied");

        var ticket = await Api.GetAsync(leader, $"/api/tickets/{number}");
        Assert.True(ticket.GetProperty("inLeaderQueue").GetBoolean());
        Assert.Equal(("Reopened", 3), (ticket.Str("status"), ticket.GetProperty("reopenCount").GetInt32()));
        Assert.Contains(number, await QueueAsync("leader", leader));
        Assert.Equal(["rate", "reopen", "escalate-to-leader"], (await EventsAsync(Factory, number)).TakeLast(3).Select(e => e.Str("action")));
        await Api.ActAsync(leader, number, "leader-instruct", new JsonObject { ["instructions"] = "请分管领导牵头督办", ["dueAt"] = (HotlineFactory.Start + TimeSpan.FromDays(5)).ToString("O") });
    }

    [Fact]
    public async Task The_rated_department_appeals_once_and_only_a_supervisor_decides()
    {
        var number = await RepliedTicketAsync(Factory);
        await RateAsync(number, "Dissatisfied");
        var scjg = await Factory.HandlerAsync("scjg");
        var zjj = await Factory.HandlerAsync("zjj");

        await Api.ActAsync(scjg, number, "appeal-rating", new JsonObject { ["reason"] = "诉求超出法定职责，已依法解释。" });
        var current = (await Api.GetAsync(scjg, $"/api/tickets/{number}")).GetProperty("version").GetInt32();
        using var twice = await Api.ActionAsync(scjg, number, "appeal-rating", current, new JsonObject { ["reason"] = "再次申诉" });
        Assert.Equal("AlreadyAppealed", (await Api.ExpectAsync(twice, HttpStatusCode.Conflict)).Str("code"));
        using var byOther = await Api.ActionAsync(zjj, number, "appeal-rating", current, new JsonObject { ["reason"] = "不是我们" });
        await Api.ExpectAsync(byOther, HttpStatusCode.NotFound); // another department does not even see the ticket
        using var byHandler = await Api.ActionAsync(scjg, number, "decide-appeal", current, new JsonObject { ["upheld"] = true, ["comment"] = "自己批" });
        await Api.ExpectAsync(byHandler, HttpStatusCode.Forbidden);

        var supervisor = await Factory.SupervisorAsync();
        Assert.Contains(number, (await Api.GetAsync(supervisor, "/api/ratings/appeals")).EnumerateArray().Select(a => a.Str("number")));
        await Api.ActAsync(supervisor, number, "decide-appeal", new JsonObject { ["upheld"] = false, ["comment"] = "答复未说明依据，申诉不成立。" });
        var rating = (await Api.GetAsync(supervisor, $"/api/tickets/{number}/ratings")).EnumerateArray().Single();
        Assert.Equal(("Rejected", true), (rating.Str("appeal"), rating.GetProperty("countsInScore").GetBoolean()));
        Assert.DoesNotContain(number, (await Api.GetAsync(supervisor, "/api/ratings/appeals")).EnumerateArray().Select(a => a.Str("number")));
    }
}
