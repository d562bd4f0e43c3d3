using Hotline.Server.Access;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Ratings;

/// <summary>Ratings:Scale chooses the levels: the national five-level scale here, and a value that is no scale stops the server.</summary>
public sealed class RatingScaleTests
{
    [Fact]
    public Task The_five_level_scale_offers_very_satisfied_on_the_page_and_accepts_it_through_the_api() => HotlineFactory.RunAsync(async factory =>
    {
        await using var five = factory.WithWebHostBuilder(b => b.UseSetting("Ratings:Scale", "Five"));
        async Task<HttpClient> ClientAsync(string role, string? department = null)
        {
            await using var scope = five.Services.CreateAsyncScope();
            var (_, key) = await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateApiKeyAsync($"five {role}", role, department, CancellationToken.None);
            var client = five.CreateClient();
            client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
            return client;
        }
        var agent = await ClientAsync(Roles.Agent);
        var number = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(await ClientAsync(Roles.Dispatcher), number, "dispatch", Api.Dispatch("scjg"));
        var handler = await ClientAsync(Roles.DepartmentHandler, "scjg");
        await Api.ActAsync(handler, number, "sign-for");
        await Api.ActAsync(handler, number, "reply", Api.Reply());

        var scale = await Api.GetAsync(agent, "/api/ratings/scale");
        Assert.Equal(["非常满意", "满意", "基本满意", "不满意", "非常不满意"], scale.GetProperty("levels").EnumerateArray().Select(l => l.Str("name")));
        string path;
        await using (var scope = five.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Hotline.Server.Data.HotlineDbContext>();
            var ticket = Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(db.Tickets).Single(t => t.Number == number);
            path = scope.ServiceProvider.GetRequiredService<Hotline.Server.Ratings.RequesterLinks>().RatingUrl(ticket).PathAndQuery;
        }
        var (_, html) = await GetPageAsync(five.CreateClient(), path);
        Assert.Contains("value=\"VerySatisfied\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"VeryDissatisfied\"", html, StringComparison.Ordinal);
        using var rated = await Api.PostAsync(agent, $"/api/tickets/{number}/rating", new JsonObject { ["level"] = "VerySatisfied", ["resolved"] = true });
        Assert.Equal("非常满意", (await Api.ExpectAsync(rated, HttpStatusCode.Created)).Str("levelName"));
    });

    [Fact]
    public Task A_scale_that_does_not_exist_stops_the_server_at_start_up() => HotlineFactory.RunAsync(async factory =>
    {
        await using var broken = factory.WithWebHostBuilder(b => b.UseSetting("Ratings:Scale", "Seven"));
        var refused = Assert.ThrowsAny<Exception>(() => broken.CreateClient());
        Assert.Contains("Seven", refused.ToString(), StringComparison.Ordinal);
        await Task.CompletedTask;
    });
}
