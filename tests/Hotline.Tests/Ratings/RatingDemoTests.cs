using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Ratings;

/// <summary>Demo data carries ratings, and rectification for the unsatisfied ones, so scores have something to show.</summary>
public sealed class RatingDemoTests
{
    [Fact]
    public Task Demo_tickets_are_rated_and_unsatisfied_ones_are_rectified_and_rated_again() => HotlineFactory.RunAsync(async factory =>
    {
        await using (var scope = factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DemoTicketGenerator>().GenerateAsync(400, seed: 11, CancellationToken.None);

        await using var check = factory.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var ratings = await db.Ratings.AsNoTracking().ToListAsync();
        Assert.True(ratings.Count > 50, $"{ratings.Count} ratings");
        Assert.Contains(ratings, r => r.Level == RatingLevel.Dissatisfied);
        var rectified = ratings.GroupBy(r => r.TicketId).Where(g => g.Count() == 2).Select(g => g.Key).ToList();
        Assert.NotEmpty(rectified);
        foreach (var id in rectified)
        {
            var events = await db.TicketEvents.AsNoTracking().Where(e => e.TicketId == id).OrderBy(e => e.Version).ToListAsync();
            var row = await db.Tickets.AsNoTracking().SingleAsync(t => t.Id == id);
            var replayed = Ticket.Replay(events);
            Assert.Equal((row.Rating, row.RatedRound, row.RectificationCount, row.ReopenCount), (replayed.Rating, replayed.RatedRound, replayed.RectificationCount, replayed.ReopenCount));
            Assert.Equal((1, 1), (row.RatedRound, row.RectificationCount));
        }

        var summary = (await Api.GetAsync(await factory.SupervisorAsync(), "/api/ratings/summary")).EnumerateArray().ToList();
        var overall = (double)summary.Sum(s => s.GetProperty("satisfied").GetInt32()) / summary.Sum(s => s.GetProperty("rated").GetInt32());
        Assert.InRange(overall, 0.8, 0.99);
    });
}
