using Hotline.Domain.Access;
using Hotline.Domain.Analytics;
using Hotline.Domain.Tickets;
using Hotline.Server.Analytics;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Analytics;

/// <summary>
/// The rollup grains and spans (<see cref="RollupGrains"/>): whichever grain a figure is read from, with month rows for
/// its whole months and day rows for the days at either end, it sums exactly the fact rows its list reads; the backfill
/// builds the same rows as the projector; a query reads the smallest grain that holds its filter and grouping.
/// </summary>
public class RollupGrainTests
{
    private static readonly DateOnly Day0 = new(2025, 11, 20);

    internal static readonly Period[] Periods =
    [
        Period.Range(new(2025, 11, 25), new(2026, 1, 20)), // partial months at both ends, across the year's end
        Period.Range(new(2025, 12, 1), new(2026, 1, 31)), // whole months
        Period.Range(new(2025, 12, 29), new(2026, 1, 4)), // a week across the year's end
        Period.Range(new(2026, 1, 5), new(2026, 1, 11)), // a week inside a month
        Period.Range(new(2025, 12, 1), new(2025, 12, 31)), // one month
        Period.Range(new(2025, 1, 1), new(2026, 12, 31)), // two years: every row
    ];

    [Fact]
    public Task Every_grain_and_span_sums_to_the_fact_rows_for_every_period_and_filter() =>
        HotlineFactory.RunAsync(async factory =>
        {
            await HistoriesAsync(factory, seed: 7);
            await using var scope = factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            var checkedRows = 0L;
            foreach (var period in Periods)
            {
                foreach (var f in Filters(period))
                {
                    var facts = await FactSet.SumAsync(FactSet.Facts(db, f), CancellationToken.None);
                    var factsByDepartment = await ByDepartmentAsync(FactSet.Facts(db, f));
                    var factsByCategory = await ByCategoryAsync(FactSet.Facts(db, f));
                    checkedRows += facts.Registered + facts.Tickets;
                    foreach (var grain in RollupGrains.All.Where(g => (g.Keeps & Needed(f)) == Needed(f)))
                    {
                        foreach (var byDay in (bool[])[false, true])
                        {
                            var rollups = FactSet.Rollups(db, f, grain.Grain, byDay);
                            var what = $"{grain.Grain} {(byDay ? "days" : "months and days")} {f.ToQuery().ToQueryString()}";
                            Assert.True(facts.Equals(await FactSet.SumAsync(rollups, CancellationToken.None)), what);
                            Assert.Equal(factsByDepartment, await ByDepartmentAsync(rollups));
                            if (grain.Keeps.HasFlag(RollupDimensions.Category))
                                Assert.Equal(factsByCategory, await ByCategoryAsync(rollups));
                        }
                    }
                }
            }
            Assert.True(checkedRows > 100, $"The histories should give the periods something to count: {checkedRows}");
        });

    [Fact]
    public Task The_backfill_builds_every_grain_from_the_fine_rows_as_the_projector_does_and_a_second_run_changes_nothing() =>
        HotlineFactory.RunAsync(async factory =>
        {
            await HistoriesAsync(factory, seed: 11);
            var contexts = factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
            await using (var db = await contexts.CreateDbContextAsync())
            {
                // As a database projected before grains: fine rows and department day rows only.
                var removed = await db.Set<AnalyticsRollup>().Where(r => r.Grain != RollupGrain.Fine && !(r.Grain == RollupGrain.Department && r.Span == RollupSpan.Day))
                    .ExecuteDeleteAsync();
                Assert.True(removed > 0);
                var postgres = db.Database.ProviderName!.Contains("Npgsql", StringComparison.Ordinal);
                foreach (var statement in RollupBackfill.Statements(postgres, RollupBackfill.CurrentMeasureColumns()))
                    await db.Database.ExecuteSqlRawAsync(statement);
            }
            await RollupPropertyTests.AssertProjectionEqualsRecomputationAsync(factory);

            await using (var db = await contexts.CreateDbContextAsync())
            {
                var before = await db.Set<AnalyticsRollup>().CountAsync();
                var postgres = db.Database.ProviderName!.Contains("Npgsql", StringComparison.Ordinal);
                foreach (var statement in RollupBackfill.Statements(postgres, RollupBackfill.CurrentMeasureColumns()))
                    await db.Database.ExecuteSqlRawAsync(statement);
                Assert.Equal(before, await db.Set<AnalyticsRollup>().CountAsync());
            }
            await RollupPropertyTests.AssertProjectionEqualsRecomputationAsync(factory);
        });

    [Fact]
    public void A_figure_reads_the_smallest_grain_that_holds_its_filter_and_grouping()
    {
        var year = Period.Range(new(2026, 1, 1), new(2026, 12, 31));
        var all = new AnalyticsFilter(year, null, null, null, null, null, null, null);
        Assert.Equal(RollupGrain.Department, FactSet.GrainFor(all));
        Assert.Equal(RollupGrain.Department, FactSet.GrainFor(all with { Department = "scjg" }));
        Assert.Equal(RollupGrain.Category, FactSet.GrainFor(all, AnalyticsQueries.GroupedBy(Dimension.Category)));
        Assert.Equal(RollupGrain.Category, FactSet.GrainFor(all with { Department = "scjg" }, AnalyticsQueries.GroupedBy(Dimension.Category)));
        Assert.Equal(RollupGrain.Category, FactSet.GrainFor(all with { Category = "utilities", CategoryCodes = ["utilities"] }));
        Assert.Equal(RollupGrain.District, FactSet.GrainFor(all with { District = "tianning" }, AnalyticsQueries.GroupedBy(Dimension.Department)));
        Assert.Equal(RollupGrain.Channel, FactSet.GrainFor(all, AnalyticsQueries.GroupedBy(Dimension.Channel)));
        Assert.Equal(RollupGrain.CategoryAndRequesterKind, FactSet.GrainFor(all with { RequesterKind = RequesterKind.Enterprise }, RollupDimensions.Category));
        Assert.Equal(RollupGrain.Fine, FactSet.GrainFor(all with { District = "tianning" }, AnalyticsQueries.GroupedBy(Dimension.Category)));
        Assert.Equal(RollupGrain.Fine, FactSet.GrainFor(all with { Type = TicketType.Complaint, Channel = Channel.Web }));
        Assert.Throws<ArgumentException>(() => FactSet.Rollups(null!, all with { District = "tianning" }, RollupGrain.Category));
    }

    /// <summary>
    /// Random histories from 20 November 2025 over some two to three months (a round every few days, steps within the hour),
    /// projected; <paramref name="draft"/> may change each registration's draft (its text, for hot topics).
    /// </summary>
    internal static async Task HistoriesAsync(HotlineFactory factory, int seed, Func<TicketDraft, TicketDraft>? draft = null)
    {
        var random = new Random(seed);
        var histories = new RandomHistories(random, Day0.ToDateTime(new TimeOnly(1, 0), DateTimeKind.Utc));
        var projector = factory.Services.GetRequiredService<AnalyticsProjector>();
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
        var tickets = new List<Ticket>();
        for (var round = 0; round < 14; round++)
        {
            await using var db = await contexts.CreateDbContextAsync();
            foreach (var t in tickets)
                db.Attach(t);
            histories.Tick(24 * 9);
            for (var i = random.Next(3, 8); i > 0; i--)
            {
                var number = $"HL{histories.Now:yyyyMMdd}{tickets.Count + 1:000000}";
                var (ticket, registered) = Ticket.Register(number, draft is null ? histories.Draft() : draft(histories.Draft()), new("agent", "王芳", Roles.Agent, null), histories.Tick(2));
                db.Tickets.Add(ticket);
                db.TicketEvents.Add(registered);
                tickets.Add(ticket);
            }
            // Dispatches, returns and re-dispatches move tickets between departments after their rows were projected.
            foreach (var t in tickets.Where(_ => random.Next(3) > 0).ToList())
            {
                for (var steps = random.Next(1, 5); steps > 0 && histories.Step(t, tickets) is { } step; steps--)
                    db.TicketEvents.Add(t.Act(step.Change, step.Actor, histories.Tick(1)));
            }
            await db.SaveChangesAsync();
            if (random.Next(2) > 0)
                await projector.CatchUpAsync(CancellationToken.None);
        }
        await projector.CatchUpAsync(CancellationToken.None);
    }

    private static IEnumerable<AnalyticsFilter> Filters(Period period)
    {
        var all = new AnalyticsFilter(period, null, null, null, null, null, null, null);
        yield return all;
        yield return all with { Department = "scjg" };
        yield return all with { District = "tianning" };
        yield return all with { Category = "utilities", CategoryCodes = ["utilities"] };
        yield return all with { RequesterKind = RequesterKind.Enterprise };
        yield return all with { Department = "zjj", RequesterKind = RequesterKind.Enterprise, Category = "real-estate", CategoryCodes = ["real-estate"] };
        yield return all with { Type = TicketType.Complaint, Channel = Channel.Phone };
    }

    private static RollupDimensions Needed(AnalyticsFilter f) =>
        (f.CategoryCodes is null ? 0 : RollupDimensions.Category) | (f.District is null ? 0 : RollupDimensions.District)
        | (f.Type is null ? 0 : RollupDimensions.Type) | (f.Channel is null ? 0 : RollupDimensions.Channel)
        | (f.RequesterKind is null ? 0 : RollupDimensions.RequesterKind);

    private static async Task<List<string>> ByDepartmentAsync<T>(IQueryable<T> rows) where T : class, IFactDimensions =>
        Show(await FactSet.SumAsync(rows, r => new { r.Part, r.DepartmentCode }, CancellationToken.None));

    private static async Task<List<string>> ByCategoryAsync<T>(IQueryable<T> rows) where T : class, IFactDimensions =>
        Show(await FactSet.SumAsync(rows, r => r.CategoryCode, CancellationToken.None));

    private static List<string> Show<TKey>(List<Summed<TKey>> groups) =>
        groups.Where(g => !g.Measures.IsZero).Select(g => $"{g.Key}: {g.Measures}").Order(StringComparer.Ordinal).ToList();
}
