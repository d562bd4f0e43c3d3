using Hotline.Domain.Analytics;
using Hotline.Domain.Tickets;
using Hotline.Server.Analytics;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Analytics;

/// <summary>
/// The word rollups (<see cref="WordRollupKey"/>): the whole city's hot topic counts read from them, with month rows for a
/// period's whole months and day rows for the days at either end, equal the fact rows joined with the words, for every
/// period; the backfill builds the same rows as the projector.
/// </summary>
public class WordRollupTests
{
    private static readonly string[] Matters = ["停水", "燃气漏气", "噪音扰民", "路灯不亮", "拖欠工资", "垃圾清运", "物业收费", "井盖破损"];

    private static readonly Period[] Periods =
    [
        .. RollupGrainTests.Periods,
        Period.Range(new(2025, 2, 15), new(2026, 2, 14)), // a whole year, partial months at both ends
        Period.Range(new(2026, 1, 1), new(2026, 12, 31)), // a calendar year: whole months only
        Period.Range(new(2025, 11, 20), new(2025, 11, 20)), // one day
    ];

    [Fact]
    public Task The_whole_citys_topic_counts_from_the_word_rollups_equal_the_fact_rows_for_every_period() =>
        HotlineFactory.RunAsync(async factory =>
        {
            await HistoriesAsync(factory, seed: 5);
            await using var scope = factory.Services.CreateAsyncScope();
            var topics = scope.ServiceProvider.GetRequiredService<HotTopicQueries>();
            var counted = 0L;
            foreach (var period in Periods)
            {
                var city = new AnalyticsFilter(period, null, null, null, null, null, null, null);
                Assert.True(HotTopicQueries.InWordRollups(city, nameof(FactMeasures.Registered)));
                var facts = await topics.FactCountsAsync(city, nameof(FactMeasures.Registered), CancellationToken.None);
                Assert.Equal(Show(facts), Show(await topics.WordRollupCountsAsync(period, null, CancellationToken.None)));
                string[] few = ["停水", "漏气", "工资", "没有这个词"];
                Assert.Equal(Show(await topics.FactCountsAsync(city, nameof(FactMeasures.Registered), CancellationToken.None, few)),
                    Show(await topics.WordRollupCountsAsync(period, few, CancellationToken.None)));
                counted += facts.Values.Sum();
            }
            Assert.True(counted > 100, $"The histories should give the periods words to count: {counted}");
        });

    [Fact]
    public void Only_the_whole_citys_registrations_are_read_from_the_word_rollups()
    {
        var year = new AnalyticsFilter(Period.Range(new(2026, 1, 1), new(2026, 12, 31)), null, null, null, null, null, null, null);
        Assert.True(HotTopicQueries.InWordRollups(year, nameof(FactMeasures.Registered)));
        Assert.False(HotTopicQueries.InWordRollups(year with { Department = "scjg" }, nameof(FactMeasures.Tickets)));
        Assert.False(HotTopicQueries.InWordRollups(year with { District = "tianning" }, nameof(FactMeasures.Registered)));
        Assert.False(HotTopicQueries.InWordRollups(year with { Category = "utilities", CategoryCodes = ["utilities"] }, nameof(FactMeasures.Registered)));
        Assert.False(HotTopicQueries.InWordRollups(year with { RequesterKind = RequesterKind.Enterprise }, nameof(FactMeasures.Registered)));
        Assert.False(HotTopicQueries.InWordRollups(year with { Type = TicketType.Complaint }, nameof(FactMeasures.Registered)));
        Assert.False(HotTopicQueries.InWordRollups(year with { Channel = Channel.Web }, nameof(FactMeasures.Registered)));
    }

    [Fact]
    public Task The_backfill_builds_the_word_rollups_as_the_projector_does_and_a_second_run_changes_nothing() =>
        HotlineFactory.RunAsync(async factory =>
        {
            await HistoriesAsync(factory, seed: 13);
            var contexts = factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
            await using var db = await contexts.CreateDbContextAsync();
            var projected = await RowsAsync(db);
            Assert.True(projected.Count > 20, $"The histories should give word rows: {projected.Count}");
            Assert.Contains(projected, r => r.StartsWith("Month ", StringComparison.Ordinal));

            await db.Set<WordRollup>().ExecuteDeleteAsync(); // as a database projected before the word rollups
            var postgres = db.Database.ProviderName!.Contains("Npgsql", StringComparison.Ordinal);
            foreach (var statement in WordRollupBackfill.Statements(postgres))
                await db.Database.ExecuteSqlRawAsync(statement);
            Assert.Equal(projected, await RowsAsync(db));

            foreach (var statement in WordRollupBackfill.Statements(postgres))
                await db.Database.ExecuteSqlRawAsync(statement);
            Assert.Equal(projected, await RowsAsync(db));
        });

    /// <summary>Random histories whose titles name one or two matters of a few, so periods have words of different counts.</summary>
    private static Task HistoriesAsync(HotlineFactory factory, int seed)
    {
        var random = new Random(seed);
        return RollupGrainTests.HistoriesAsync(factory, seed, draft => draft with
        {
            Title = random.Next(3) == 0 ? $"{Matters[random.Next(Matters.Length)]}和{Matters[random.Next(Matters.Length)]}" : $"小区{Matters[random.Next(Matters.Length)]}",
        });
    }

    private static async Task<List<string>> RowsAsync(HotlineDbContext db) =>
        (await db.Set<WordRollup>().AsNoTracking().ToListAsync())
            .Select(r => $"{r.Span} {r.Day:yyyy-MM-dd} {r.Word} {r.Registered} {r.Key}").Order(StringComparer.Ordinal).ToList();

    private static List<string> Show(Dictionary<string, long> counts) =>
        counts.Select(c => $"{c.Key}: {c.Value}").Order(StringComparer.Ordinal).ToList();
}
