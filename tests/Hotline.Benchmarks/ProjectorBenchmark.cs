using System.Diagnostics;
using Hotline.Server.Analytics;
using Hotline.Server.Demo;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Benchmarks.BenchReport;

namespace Hotline.Benchmarks;

/// <summary>
/// projector: how fast the analytics projector catches up on a database of demo tickets it has never seen (the first
/// start after an upgrade, or the analytics benchmark's build). The unprojected database is generated once and cached;
/// each run projects a fresh copy of it and reports events per second. Prints only (no section in docs/benchmarks.md):
/// it is a tool for working on the projector, the analytics section carries its figure. The knowledge feedback worker,
/// which would read the same events at the same time, is off, so the figure is the projector's alone.
/// </summary>
public static class ProjectorBenchmark
{
    private sealed record Generation(int Tickets, int Seed, double GenerateSeconds);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var tickets = args.Whole("tickets", 20_000);
        var runs = args.Whole("runs", 1);
        var seed = args.Whole("seed", 20261123);
        var cache = args.Text("cache") ?? Path.Combine(Path.GetTempPath(), $"hotline-bench-projector-{tickets}");
        Console.WriteLine($"projector: {tickets} tickets, {runs} run(s); machine: {MachineSummary()}");
        var pristine = Path.Combine(cache, "pristine");
        var g = await BenchCache.GetOrBuildAsync(cache, "generation.json", args.Flag("regenerate"), x => x.Tickets == tickets && x.Seed == seed, async () =>
        {
            Console.WriteLine($"generating {tickets} tickets into {pristine} (projector off) ...");
            await using var server = await InProcessHotline.StartAsync(pristine, new Dictionary<string, string?> { ["Analytics:Projector"] = "false", ["Analytics:Reports"] = "false" });
            var start = Stopwatch.GetTimestamp();
            await using (var scope = server.App.Services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<DemoTicketGenerator>().GenerateAsync(tickets, seed, CancellationToken.None);
            return new Generation(tickets, seed, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }, root: pristine);
        SqliteConnection.ClearAllPools();
        Console.WriteLine($"database generated in {Fmt(g.GenerateSeconds / 60, 1)} min");
        for (var run = 1; run <= runs; run++)
        {
            var root = Path.Combine(cache, $"run{run}");
            if (Directory.Exists(root))
                Directory.Delete(root, recursive: true);
            CopyDirectory(Path.Combine(pristine, "data"), Path.Combine(root, "data"));
            await using var server = await InProcessHotline.StartAsync(root, new Dictionary<string, string?> { ["Analytics:Projector"] = "false", ["Analytics:Reports"] = "false", ["Knowledge:FeedbackIntervalSeconds"] = "0" });
            Console.WriteLine($"--- run {run}/{runs}: process {Environment.ProcessId}");
            var start = Stopwatch.GetTimestamp();
            var events = await server.App.Services.GetRequiredService<AnalyticsProjector>().CatchUpAsync(CancellationToken.None);
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            Console.WriteLine($"run {run}: {events} events in {Fmt(seconds, 1)} s = {Fmt(events / seconds, 0)} events/s");
            await server.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
        return 0;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
