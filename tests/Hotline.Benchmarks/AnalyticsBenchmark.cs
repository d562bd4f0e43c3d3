using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hotline.Domain.Access;
using Hotline.Domain.Analytics;
using Hotline.Server.Analytics;
using Hotline.Server.Demo;
using Hotline.Server.Exports;
using Hotline.Server.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Benchmarks.BenchReport;

namespace Hotline.Benchmarks;

/// <summary>
/// analytics: the leader dashboard's queries for a year (figures with 环比/同比, ranking, trend, two breakdowns) from the
/// rollups, against the same figures computed by raw SQL over the tickets table in the same run; a year's report built;
/// a year's tickets exported to .xlsx with the peak working set. The database (demo tickets over a year, projected) is
/// built once and cached.
/// </summary>
public static class AnalyticsBenchmark
{
    private sealed record Options(int Tickets, int Runs, int Reps, int Seed);

    internal sealed record Generation(int Tickets, DateTimeOffset GeneratedAt, double GenerateSeconds, double ProjectSeconds, long Events, double FileMb);

    private sealed record RunResult(LatencySummary Dashboard, LatencySummary Raw, double ReportSeconds, long ExportRows, double ExportSeconds, double PeakMb);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var o = new Options(args.Whole("tickets", 1_000_000), args.Whole("runs", 3), args.Whole("reps", 30), args.Whole("seed", 20261123));
        var cache = args.Text("cache") ?? Path.Combine(Path.GetTempPath(), $"hotline-bench-analytics-{o.Tickets}");
        var command = "dotnet run -c Release --project tests/Hotline.Benchmarks -- analytics" + (args.Raw.Count > 0 ? " " + string.Join(' ', args.Raw) : "");
        Console.WriteLine($"analytics: {command}");
        Console.WriteLine($"machine: {MachineSummary()}");
        var g = await EnsureDatabaseAsync(cache, o.Tickets, o.Seed, args.Flag("regenerate"));
        Console.WriteLine($"database: {g.Tickets} tickets, {g.Events} events; generated in {Fmt(g.GenerateSeconds / 60, 1)} min, projected in {Fmt(g.ProjectSeconds / 60, 1)} min; {Fmt(g.FileMb, 0)} MB");

        var runs = new List<RunResult>();
        for (var run = 1; run <= o.Runs; run++)
        {
            Console.WriteLine($"--- run {run}/{o.Runs}");
            runs.Add(await RunOnceAsync(cache, o, run));
            SqliteConnection.ClearAllPools();
        }
        var report = Report(runs, o, g, command);
        Console.WriteLine();
        Console.WriteLine(report);
        if (!args.Flag("no-doc"))
            Console.WriteLine(WriteSection("analytics", report) is { } file ? $"wrote {file}" : "docs/benchmarks.md not found");
        return 0;
    }

    /// <summary>
    /// The projected database of <paramref name="tickets"/> demo tickets, cached in <paramref name="cache"/>. The tickets are
    /// the search benchmark's cached database of the same size and seed (DemoTicketGenerator, made once for the search, desks
    /// and analytics benchmarks), copied and then projected here (timed); generated here only when that file has been
    /// projected already, which would hide the projection's cost.
    /// </summary>
    internal static Task<Generation> EnsureDatabaseAsync(string cache, int tickets, int seed, bool regenerate) =>
        BenchCache.GetOrBuildAsync(cache, "generation.json", regenerate, x => x.Tickets == tickets, () => GenerateAsync(cache, tickets, seed));

    private static async Task<Generation> GenerateAsync(string cache, int tickets, int seed)
    {
        var searchCache = Path.Combine(Path.GetTempPath(), $"hotline-bench-search-{tickets}");
        var search = await SearchBenchmark.EnsureDatabaseAsync(searchCache, new SearchBenchmark.Options(tickets, 1, 1, 1, 1, "scjg", seed, 1), regenerate: false);
        var dbFile = Path.Combine(cache, "data", "hotline.db");
        Directory.CreateDirectory(Path.GetDirectoryName(dbFile)!);
        double generated;
        if (search.Seed == seed)
        {
            Console.WriteLine($"copying the search benchmark's {search.Tickets} tickets from {searchCache} ...");
            File.Copy(Path.Combine(searchCache, "data", "hotline.db"), dbFile, overwrite: true);
            generated = search.Seconds;
        }
        else
            generated = double.NaN;
        if (!double.IsNaN(generated))
        {
            await using var server = await InProcessHotline.StartAsync(cache, BenchCache.BackgroundOff());
            if (await server.App.Services.GetRequiredService<AnalyticsProjector>().PositionAsync(CancellationToken.None) == 0)
                return await ProjectAsync(server, tickets, generated);
            Console.WriteLine("the search benchmark's database has been projected already: generating instead");
        }
        SqliteConnection.ClearAllPools();
        File.Delete(dbFile);
        return await GenerateHereAsync(cache, tickets, seed);
    }

    private static async Task<Generation> GenerateHereAsync(string cache, int tickets, int seed)
    {
        Console.WriteLine($"generating {tickets} tickets into {cache} ...");
        await using var server = await InProcessHotline.StartAsync(cache, BenchCache.BackgroundOff());
        var start = Stopwatch.GetTimestamp();
        await using (var scope = server.App.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DemoTicketGenerator>().GenerateAsync(tickets, seed, CancellationToken.None);
        return await ProjectAsync(server, tickets, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private static async Task<Generation> ProjectAsync(InProcessHotline server, int tickets, double generated)
    {
        Console.WriteLine($"generated in {Fmt(generated / 60, 1)} min; projecting (progress every 30 s) ...");
        var start = Stopwatch.GetTimestamp();
        var projector = server.App.Services.GetRequiredService<AnalyticsProjector>();
        var catchUp = projector.CatchUpAsync(CancellationToken.None);
        while (await Task.WhenAny(catchUp, Task.Delay(TimeSpan.FromSeconds(30))) != catchUp)
        {
            var position = await projector.PositionAsync(CancellationToken.None);
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            Console.WriteLine($"  projected up to event {position:N0} in {Fmt(seconds / 60, 1)} min ({Fmt(position / seconds, 0)} events/s)");
        }
        var events = await catchUp;
        var projected = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new(tickets, TimeProvider.System.GetUtcNow(), generated, projected, events, new FileInfo(server.DatabaseFile).Length / (1024.0 * 1024.0));
    }

    private static async Task<RunResult> RunOnceAsync(string cache, Options o, int run)
    {
        await using var server = await InProcessHotline.StartAsync(cache, new Dictionary<string, string?> { ["Analytics:Reports"] = "false" });
        var services = server.App.Services;
        var clock = services.GetRequiredService<CityClock>();
        var year = Period.Range(clock.Today.AddDays(-364), clock.Today);
        var filter = new AnalyticsFilter(year, null, null, null, null, null, null, null);
        var leader = new Actor("bench", "领导", Roles.Leader, null);

        // The leader dashboard for a year, as the page loads it.
        var dashboard = new Latencies(o.Reps);
        for (var i = 0; i < o.Reps + 2; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            await using (var scope = services.CreateAsyncScope())
            {
                var q = scope.ServiceProvider.GetRequiredService<AnalyticsQueries>();
                await q.ScorecardAsync(filter, CancellationToken.None);
                await q.RankingAsync(filter, CancellationToken.None);
                await q.TrendAsync(filter, CancellationToken.None);
                await q.BreakdownAsync(filter, Dimension.Category, CancellationToken.None);
                await q.BreakdownAsync(filter, Dimension.District, CancellationToken.None);
            }
            if (i >= 2) // two warm-ups
                dashboard.Add(Latencies.Ms(t0, Stopwatch.GetTimestamp()));
        }

        // Baseline: the same shape of figures by raw SQL over the tickets table (this year, previous year, year before; per
        // department, per day, per category, per district).
        var raw = new Latencies(o.Reps);
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = server.DatabaseFile, Mode = SqliteOpenMode.ReadOnly }.ToString()))
        {
            c.Open();
            var from = clock.StartOf(year.From).UtcTicks;
            var to = clock.StartOf(year.To.AddDays(1)).UtcTicks;
            var span = to - from;
            for (var i = 0; i < o.Reps + 2; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                foreach (var (a, b) in new[] { (from, to), (from - span, from), (from - 2 * span, from - span) })
                {
                    foreach (var group in new[] { "AssignedDepartmentCode", "RegisteredAt / 864000000000", "CategoryCode", "DistrictCode" })
                        Raw(c, group, a, b);
                }
                if (i >= 2)
                    raw.Add(Latencies.Ms(t0, Stopwatch.GetTimestamp()));
            }
        }

        // A year's report (a new range each run: a report is built once per period).
        var t1 = Stopwatch.GetTimestamp();
        await services.GetRequiredService<ReportBuilder>().BuildAsync(Period.Range(year.From.AddDays(-run), year.To.AddDays(-run)), "bench", CancellationToken.None);
        var reportSeconds = Stopwatch.GetElapsedTime(t1).TotalSeconds;

        // Every ticket of the year to .xlsx, streamed.
        var before = PhaseMeter.PeakWorkingSetMb();
        var t2 = Stopwatch.GetTimestamp();
        long rows = 0;
        await using (var scope = services.CreateAsyncScope())
        {
            var tickets = scope.ServiceProvider.GetRequiredService<AnalyticsTickets>();
            async IAsyncEnumerable<FactTicket> Counted()
            {
                await foreach (var t in tickets.StreamAsync(filter, nameof(FactMeasures.Registered), leader))
                {
                    rows++;
                    yield return t;
                }
            }
            await using var sink = new FileStream(Path.Combine(server.Root, "export.xlsx"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var text = new PlainLocalizer();
            await TableExport.WriteXlsxAsync(sink, [ExportSheet.Of("工单", AnalyticsExports.TicketColumns(text), Counted())], CancellationToken.None);
        }
        var exportSeconds = Stopwatch.GetElapsedTime(t2).TotalSeconds;
        var peak = Math.Max(before, PhaseMeter.PeakWorkingSetMb());
        var result = new RunResult(dashboard.Summarize(), raw.Summarize(), reportSeconds, rows, exportSeconds, peak);
        Console.WriteLine($"  dashboard p50 {Fmt(result.Dashboard.P50)} ms p99 {Fmt(result.Dashboard.P99)} ms; raw p50 {Fmt(result.Raw.P50)} ms; "
            + $"report {Fmt(reportSeconds, 2)} s; export {rows} rows {Fmt(exportSeconds, 1)} s, peak {Fmt(peak, 0)} MB");
        return result;
    }

    private static void Raw(SqliteConnection c, string group, long from, long to)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"""
            SELECT {group}, COUNT(*), SUM(Rating IS NOT NULL), SUM(Rating IN ('VerySatisfied','Satisfied')), SUM(Rating = 'BasicallySatisfied'),
                   SUM(SignedForAt IS NOT NULL), SUM(Overdue), SUM(ReturnCount > 0), SUM(ExtensionCount > 0), SUM(ReopenCount > 0)
            FROM tickets WHERE RegisteredAt >= $from AND RegisteredAt < $to GROUP BY {group}
            """;
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", to);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
        }
    }

    private static string Report(List<RunResult> runs, Options o, Generation g, string command)
    {
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}` · {MachineSummary()}");
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"Database: {g.Tickets:N0} demo tickets over a year ({g.Events:N0} events), generated in {Fmt(g.GenerateSeconds / 60, 1)} min, projected into facts and rollups in {Fmt(g.ProjectSeconds / 60, 1)} min, {Fmt(g.FileMb, 0)} MB.");
        b.AppendLine();
        b.AppendLine("| run | dashboard p50 ms | dashboard p99 ms | raw SQL p50 ms | raw ÷ dashboard | year's report s | export rows | export s | peak MB |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var i = 0;
        foreach (var r in runs)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"| {++i} | {Fmt(r.Dashboard.P50)} | {Fmt(r.Dashboard.P99)} | {Fmt(r.Raw.P50)} | {Fmt(r.Raw.P50 / r.Dashboard.P50)}× | {Fmt(r.ReportSeconds, 2)} | {r.ExportRows:N0} | {Fmt(r.ExportSeconds, 1)} | {Fmt(r.PeakMb, 0)} |");
        }
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"Goals: dashboard p99 ≤ 300 ms at 1M tickets, ≥ 10× the raw scan; a year's report ≤ 5 s; 1M rows exported ≤ 60 s. {o.Reps} dashboard loads per run after 2 warm-ups.");
        return b.ToString();
    }

    /// <summary>Column headers without the web host's localization (the benchmark exports with Chinese keys as headers).</summary>
    private sealed class PlainLocalizer : Microsoft.Extensions.Localization.IStringLocalizer
    {
        public Microsoft.Extensions.Localization.LocalizedString this[string name] => new(name, name);
        public Microsoft.Extensions.Localization.LocalizedString this[string name, params object[] arguments] => new(name, name);
        public IEnumerable<Microsoft.Extensions.Localization.LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }
}
