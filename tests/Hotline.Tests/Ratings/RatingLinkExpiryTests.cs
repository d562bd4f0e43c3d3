using Hotline.Server.Ratings;
using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Ratings;

/// <summary>Signed rating links over time (each test on a server of its own: the fake clock only moves forward).</summary>
public sealed class RatingLinkExpiryTests
{
    [Fact]
    public Task A_link_past_its_days_says_it_has_expired_and_records_nothing() => HotlineFactory.RunAsync(async factory =>
    {
        var number = await RepliedTicketAsync(factory);
        var path = await RatingPathAsync(factory, number);
        var links = Service<RequesterLinks>(factory);

        factory.Clock.Advance(TimeSpan.FromDays(15) - TimeSpan.FromMinutes(1));
        Assert.Equal(RatingTokenStatus.Valid, links.ReadRatingToken(path["/rate/".Length..]).Status);
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(RatingTokenStatus.Expired, links.ReadRatingToken(path["/rate/".Length..]).Status);

        var (status, html) = await GetPageAsync(factory.CreateClient(), path);
        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Contains("该评价链接已过期", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
    });

    [Fact]
    public Task The_public_pages_are_rate_limited_per_client() => HotlineFactory.RunAsync(async factory =>
    {
        var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 31; i++)
            statuses.Add((await GetPageAsync(client, "/track")).Status);

        Assert.All(statuses.Take(30), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(HttpStatusCode.OK, (await GetPageAsync(await factory.AgentAsync(), "/api/ratings/scale")).Status); // the API is not limited
    });
}
