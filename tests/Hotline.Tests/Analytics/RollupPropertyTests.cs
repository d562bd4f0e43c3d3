using Hotline.Domain.Analytics;
using Hotline.Domain.Tickets;
using Hotline.Server.Analytics;
using Hotline.Server.Data;
using Hotline.Server.Common;
using Hotline.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Analytics;

/// <summary>
/// The rollups are exactly the sum of the fact rows, and the fact rows exactly what a recomputation from the event log
/// gives, whatever the histories and wherever the projector happened to run in between: random valid histories are
/// written in random slices, the projector runs after some of them, and at the end everything is recomputed from the
/// events alone and compared row by row.
/// </summary>
public class RollupPropertyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public Task Rollups_equal_a_recomputation_from_the_events_for_random_histories(int seed) =>
        HotlineFactory.RunAsync(async factory =>
        {
            var random = new Random(seed);
            var histories = new RandomHistories(random, HotlineFactory.Start.AddDays(-60));
            var projector = factory.Services.GetRequiredService<AnalyticsProjector>();
            var contexts = factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
            var tickets = new List<Ticket>();

            for (var round = 0; round < 12; round++)
            {
                await using var db = await contexts.CreateDbContextAsync();
                foreach (var t in tickets)
                    db.Attach(t);
                for (var i = random.Next(2, 8); i > 0; i--)
                {
                    var number = $"HL{histories.Now:yyyyMMdd}{tickets.Count + 1:000000}";
                    var (ticket, registered) = Ticket.Register(number, histories.Draft(), new("agent", "王芳", "Agent", null), histories.Tick(2));
                    db.Tickets.Add(ticket);
                    db.TicketEvents.Add(registered);
                    tickets.Add(ticket);
                }
                // Each ticket takes a few steps; some take many.
                foreach (var t in tickets.Where(_ => random.Next(3) > 0).ToList())
                {
                    for (var steps = random.Next(1, 6); steps > 0 && histories.Step(t, tickets) is { } step; steps--)
                        db.TicketEvents.Add(t.Act(step.Change, step.Actor, histories.Tick()));
                }
                await db.SaveChangesAsync();
                if (random.Next(3) > 0)
                    await projector.CatchUpAsync(CancellationToken.None);
            }
            await projector.CatchUpAsync(CancellationToken.None);
            await AssertProjectionEqualsRecomputationAsync(factory);
        });

    internal static async Task AssertProjectionEqualsRecomputationAsync(HotlineFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<CityClock>();
        var rules = scope.ServiceProvider.GetRequiredService<Hotline.Server.Sla.SlaRules>();
        var events = await db.TicketEvents.AsNoTracking().ToListAsync();
        var histories = events.GroupBy(e => e.TicketId).ToDictionary(g => g.Key, g => g.OrderBy(e => e.Version).ToList());
        var registrations = histories.Values.Select(h => (h[0].TicketId, h[0].OccurredAt, Draft: ((Registered)h[0].Change).Draft)).ToList();

        // 重复投诉 from the registrations alone: the same requester and category, an earlier ticket within 30 days.
        bool IsRepeat(long id)
        {
            var me = registrations.Single(r => r.TicketId == id);
            var key = TicketFacts.RequesterKeyOf(me.Draft.Requester);
            return registrations.Any(r => r.TicketId < id && TicketFacts.RequesterKeyOf(r.Draft.Requester) == key
                && r.Draft.CategoryCode == me.Draft.CategoryCode && r.OccurredAt >= me.OccurredAt.AddDays(-30) && r.OccurredAt <= me.OccurredAt);
        }
        TimeSpan? Working(string? department, DateTimeOffset from, DateTimeOffset to)
        {
            try
            {
                return rules.CalendarFor(department).WorkingTimeBetween(from, to);
            }
            catch (Hotline.Domain.Sla.CalendarNotLoadedException)
            {
                return null;
            }
        }

        var expected = histories.Values.SelectMany(h => TicketFacts.Build(h, new FactContext(clock.LocalDay, Working, IsRepeat(h[0].TicketId)))).ToList();
        var stored = await db.Set<TicketFact>().AsNoTracking().ToListAsync();
        Assert.Equal(expected.Count, stored.Count);
        foreach (var e in expected)
        {
            var s = stored.SingleOrDefault(x => x.TicketId == e.TicketId && x.Part == e.Part && x.DepartmentCode == e.DepartmentCode);
            Assert.True(s is not null && s.SameAs(e), $"Stored fact differs from the recomputation: expected {e}, stored {s}");
        }

        var sums = new Dictionary<string, FactMeasures>(StringComparer.Ordinal);
        foreach (var e in expected)
        {
            foreach (var key in e.Key.Rows()) // every grain's day and month rows
            {
                if (!sums.TryGetValue(key.Text, out var m))
                    sums[key.Text] = m = new FactMeasures();
                m.Add(e.Measures);
            }
        }
        var rollups = await db.Set<AnalyticsRollup>().AsNoTracking().ToListAsync();
        var total = new FactMeasures();
        foreach (var r in rollups)
            total.Add(r.Measures);
        Assert.True(total is { Registered: > 0, Tickets: > 0, Replied: > 0, Rated: > 0 }, $"The histories should be rich enough to test something: {total}");
        Assert.Equal(sums.Where(s => !s.Value.IsZero).Select(s => s.Key).Order(StringComparer.Ordinal), rollups.Select(r => r.Key).Order(StringComparer.Ordinal));
        foreach (var r in rollups)
            Assert.True(sums[r.Key].Equals(r.Measures), $"Rollup {r.Key}: expected [{sums[r.Key]}], stored [{r.Measures}]");
        Assert.Equal(events.Max(e => e.Id), await scope.ServiceProvider.GetRequiredService<AnalyticsProjector>().PositionAsync(CancellationToken.None));
    }
}
