using Hotline.Server.Ratings;
using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Ratings;

/// <summary>The public rating page (/rate/{token}) reached through the signed link a requester gets after the reply.</summary>
public sealed class RatingLinkTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    private static Dictionary<string, string> Rating(string level, bool resolved, string comment = "") => new()
    {
        ["Form.Level"] = level, ["Form.Resolved"] = resolved ? "true" : "false", ["Form.Comment"] = comment,
    };

    [Fact]
    public async Task A_valid_link_shows_the_reply_and_the_scale_records_the_rating_once_and_shows_it_on_the_next_visit()
    {
        var number = await RepliedTicketAsync(Factory);
        var path = await RatingPathAsync(Factory, number);
        var client = Factory.CreateClient();

        var (status, html) = await GetPageAsync(client, path);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(number, html, StringComparison.Ordinal);
        Assert.Contains("已责令超市下架过期牛奶", html, StringComparison.Ordinal);
        Assert.Contains("市场监督管理局", html, StringComparison.Ordinal);
        Assert.Contains("value=\"BasicallySatisfied\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"VerySatisfied\"", html, StringComparison.Ordinal); // the default three-level scale

        var (posted, thanks) = await PostFormAsync(client, path, "rate", Rating("BasicallySatisfied", true, "处理及时"));
        Assert.Equal(HttpStatusCode.OK, posted);
        Assert.Contains("感谢您的评价", thanks, StringComparison.Ordinal);

        var (again, recorded) = await GetPageAsync(client, path);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Contains("基本满意", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", recorded, StringComparison.Ordinal);

        var rating = await Api.GetAsync(await Factory.AgentAsync(), $"/api/tickets/{number}/rating");
        Assert.Equal(("BasicallySatisfied", "Link", true, "处理及时"), (rating.GetProperty("rating").Str("level"), rating.GetProperty("rating").Str("channel"),
            rating.GetProperty("rating").GetProperty("resolved").GetBoolean(), rating.GetProperty("rating").Str("comment")));
        Assert.False(rating.GetProperty("canRate").GetBoolean());
        var rated = (await EventsAsync(Factory, number)).Last();
        Assert.Equal(("rate", "Requester"), (rated.Str("action"), rated.Str("actorRole")));
    }

    /// <summary>Bug: the post answered 200 with a Location header and the filled form again, so the requester saw no thanks.</summary>
    [Fact]
    public async Task Submitting_a_rating_redirects_to_a_thank_you_page_that_shows_the_rating_and_no_form()
    {
        var number = await RepliedTicketAsync(Factory);
        var path = await RatingPathAsync(Factory, number);
        var client = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var posted = await PostFormResponseAsync(client, path, "rate", Rating("Dissatisfied", false, "问题没有解决"));

        Assert.True(posted.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"{(int)posted.StatusCode}");
        Assert.EndsWith("?thanks=1", posted.Headers.Location?.ToString(), StringComparison.Ordinal);
        var (status, thanks) = await GetPageAsync(client, posted.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("感谢您的评价！", thanks, StringComparison.Ordinal);
        Assert.Contains("不满意", thanks, StringComparison.Ordinal);
        Assert.Contains("问题没有解决", thanks, StringComparison.Ordinal);
        Assert.Contains("已责令超市下架过期牛奶", thanks, StringComparison.Ordinal); // the answer rated, though rectification has reopened the ticket
        Assert.DoesNotContain("<form", thanks, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reused_link_cannot_rate_twice_the_first_rating_stays()
    {
        var number = await RepliedTicketAsync(Factory);
        var path = await RatingPathAsync(Factory, number);
        var client = Factory.CreateClient();
        var first = await GetPageAsync(client, path);

        await PostFormAsync(client, path, "rate", Rating("Satisfied", true));
        // A second browser tab that still shows the form posts again: refused (409) with a message saying why.
        var values = new Dictionary<string, string>(Rating("Dissatisfied", false)) { ["_handler"] = "rate" };
        var token = System.Text.RegularExpressions.Regex.Match(first.Html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        values["__RequestVerificationToken"] = WebUtility.HtmlDecode(token);
        using var again = await client.PostAsync(path, new FormUrlEncodedContent(values));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("同一评价链接不能重复评价", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var (_, html) = await GetPageAsync(client, path);
        Assert.Contains("满意", html, StringComparison.Ordinal);
        Assert.DoesNotContain("不满意", html, StringComparison.Ordinal);
        var ratings = await Api.GetAsync(await Factory.AgentAsync(), $"/api/tickets/{number}/ratings");
        Assert.Equal("Satisfied", Assert.Single(ratings.EnumerateArray()).Str("level"));
        Assert.Equal("Replied", (await Api.GetAsync(await Factory.AgentAsync(), $"/api/tickets/{number}")).Str("status"));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        var number = await RepliedTicketAsync(Factory);
        var path = await RatingPathAsync(Factory, number);
        using var response = await Factory.CreateClient().PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>(Rating("Satisfied", true)) { ["_handler"] = "rate" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await Api.GetAsync(await Factory.AgentAsync(), $"/api/tickets/{number}/ratings")).EnumerateArray());
    }

    [Fact]
    public async Task A_missing_choice_is_asked_for_again_and_nothing_is_recorded()
    {
        var number = await RepliedTicketAsync(Factory);
        var path = await RatingPathAsync(Factory, number);

        var (status, html) = await PostFormAsync(Factory.CreateClient(), path, "rate", new() { ["Form.Comment"] = "忘了选" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("请选择满意程度", html, StringComparison.Ordinal);
        Assert.Contains("请选择问题是否已解决", html, StringComparison.Ordinal);
        Assert.Empty((await Api.GetAsync(await Factory.AgentAsync(), $"/api/tickets/{number}/ratings")).EnumerateArray());
    }

    [Fact]
    public async Task A_tampered_or_forged_link_is_refused_with_a_clear_page()
    {
        var mine = await RepliedTicketAsync(Factory);
        var other = await RepliedTicketAsync(Factory);
        var token = (await RatingPathAsync(Factory, mine))["/rate/".Length..];
        var client = Factory.CreateClient();

        var futureRound = Service<RequesterLinks>(Factory).RatingToken(other, 5); // signed, but for a round the ticket never reached
        foreach (var bad in new[] { Tampered(token, other), Forged(other, 0, HotlineFactory.Start.AddDays(3)), "not-a-token", token[..^3], futureRound })
        {
            var (status, html) = await GetPageAsync(client, "/rate/" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("该评价链接无效", html, StringComparison.Ordinal);
            Assert.DoesNotContain(other, html, StringComparison.Ordinal);
        }
        Assert.Empty((await Api.GetAsync(await Factory.AgentAsync(), $"/api/tickets/{other}/ratings")).EnumerateArray());
    }

    [Fact]
    public async Task The_page_switches_to_english()
    {
        var path = await RatingPathAsync(Factory, await RepliedTicketAsync(Factory));
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        var (_, html) = await GetPageAsync(client, path);

        Assert.Contains("How satisfied are you with the result?", html, StringComparison.Ordinal);
        Assert.Contains("culture=zh-CN", html, StringComparison.Ordinal);
        // Bug: the department that answered was named in Chinese on the English page.
        Assert.Contains("Changzhou Administration for Market Regulation", html, StringComparison.Ordinal);
        Assert.DoesNotContain("常州市市场监督管理局", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rating_api_answers_409_with_the_rating_on_record_for_a_second_rating()
    {
        var number = await RepliedTicketAsync(Factory);
        var agent = await Factory.AgentAsync();

        using var first = await Api.PostAsync(agent, $"/api/tickets/{number}/rating", new JsonObject { ["level"] = "Satisfied", ["resolved"] = true, ["channel"] = "Phone" });
        var created = await Api.ExpectAsync(first, HttpStatusCode.Created);
        using var second = await Api.PostAsync(agent, $"/api/tickets/{number}/rating", new JsonObject { ["level"] = "Dissatisfied", ["resolved"] = false });
        var conflict = await Api.ExpectAsync(second, HttpStatusCode.Conflict);

        Assert.Equal(("Satisfied", "Phone"), (created.Str("level"), created.Str("channel")));
        Assert.Equal("AlreadyRated", conflict.Str("code"));
        Assert.Equal("Satisfied", conflict.GetProperty("rating").Str("level"));
    }

    [Fact]
    public async Task The_rating_api_refuses_a_level_off_the_scale_and_a_ticket_not_yet_answered()
    {
        var agent = await Factory.AgentAsync();
        var answered = await RepliedTicketAsync(Factory);
        var open = (await Api.RegisterAsync(agent)).Number();

        using var offScale = await Api.PostAsync(agent, $"/api/tickets/{answered}/rating", new JsonObject { ["level"] = "VerySatisfied", ["resolved"] = true });
        var problem = await Api.ExpectAsync(offScale, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("level", out _));
        using var early = await Api.PostAsync(agent, $"/api/tickets/{open}/rating", new JsonObject { ["level"] = "Satisfied", ["resolved"] = true });
        await Api.ExpectAsync(early, HttpStatusCode.Conflict);
        using var handler = await Api.PostAsync(await Factory.HandlerAsync("scjg"), $"/api/tickets/{answered}/rating", new JsonObject { ["level"] = "Satisfied", ["resolved"] = true });
        await Api.ExpectAsync(handler, HttpStatusCode.Forbidden);
    }
}
