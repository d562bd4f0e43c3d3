using System.Diagnostics;
using System.Net.Http.Json;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Hotline.Server;
using Hotline.Server.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Hotline.Benchmarks;

/// <summary><c>--name value</c> options and <c>--flag</c> switches after the benchmark name.</summary>
public sealed class BenchArgs
{
    private readonly Dictionary<string, string?> values = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string> Raw { get; private init; } = [];

    public static BenchArgs Parse(ReadOnlySpan<string> args)
    {
        var parsed = new BenchArgs { Raw = args.ToArray() };
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            var name = args[i][2..];
            string? value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            parsed.values[name] = value;
        }
        return parsed;
    }

    public int Whole(string name, int fallback) =>
        values.TryGetValue(name, out var v) && v is not null ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Number(string name, double fallback) =>
        values.TryGetValue(name, out var v) && v is not null ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string? Text(string name) => values.TryGetValue(name, out var v) ? v : null;

    public bool Flag(string name) => values.ContainsKey(name);
}

/// <summary>Latency samples in milliseconds; percentiles by nearest rank.</summary>
public sealed class Latencies(int capacity)
{
    private readonly double[] samples = new double[capacity];
    private int count;

    public int Count => count;

    public void Add(double ms) => samples[Interlocked.Increment(ref count) - 1] = ms;

    public LatencySummary Summarize()
    {
        var sorted = samples.AsSpan(0, count).ToArray();
        Array.Sort(sorted);
        double P(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencySummary(P(0.50), P(0.90), P(0.99), sorted.Length == 0 ? double.NaN : sorted[^1]);
    }

    public static double Ms(long fromTimestamp, long toTimestamp) => (toTimestamp - fromTimestamp) * 1000.0 / Stopwatch.Frequency;
}

public sealed record LatencySummary(double P50, double P90, double P99, double Max);

/// <summary>Process CPU time and wall time over one phase.</summary>
public sealed class PhaseMeter
{
    private readonly TimeSpan cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly long wallStart = Stopwatch.GetTimestamp();

    public (double WallSeconds, double CpuSeconds) Stop()
    {
        var wall = Stopwatch.GetElapsedTime(wallStart).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        return (wall, cpu);
    }

    public static double PeakWorkingSetMb()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.PeakWorkingSet64 / (1024.0 * 1024.0);
    }
}

/// <summary>The real Hotline server (AddHotline/UseHotline, migrations and seed) on a loopback port, data in a fresh folder.</summary>
public sealed class InProcessHotline : IAsyncDisposable
{
    private InProcessHotline(WebApplication app, string root, Uri address)
    {
        App = app;
        Root = root;
        Address = address;
    }

    public WebApplication App { get; }
    public string Root { get; }
    public string DataPath => Path.Combine(Root, "data");
    public string DatabaseFile => Path.Combine(DataPath, "hotline.db");
    public Uri Address { get; }

    /// <param name="shippedLogging">
    /// Log as the product ships (appsettings.json: Information, one line per request to the console and the log file):
    /// for benchmarks of the whole request path (intake). The others measure one component (a query, the SLA sweep,
    /// fan-out, the projector) under load the benchmark itself generates; they keep Serilog at Warning so their own
    /// per-request lines neither flood the report's console nor weigh on the component measured, and their reports say so.
    /// </param>
    public static async Task<InProcessHotline> StartAsync(string root, IDictionary<string, string?>? extraConfig = null, bool shippedLogging = false)
    {
        Directory.CreateDirectory(Path.Combine(root, "wwwroot")); // UseStaticFiles warns without one
        var builder = HotlineApp.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = root,
            ApplicationName = typeof(HotlineApp).Assembly.GetName().Name,
        });
        var config = new Dictionary<string, string?> { ["Hotline:DataPath"] = Path.Combine(root, "data") };
        if (!shippedLogging)
            config["Serilog:MinimumLevel:Default"] = "Warning";
        foreach (var (k, v) in extraConfig ?? new Dictionary<string, string?>())
            config[k] = v;
        builder.Configuration.AddInMemoryCollection(config); // before AddHotline, which reads Serilog settings
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // The console's scripts and styles (blazor.web.js, MudBlazor) from the build output, as the tests serve them: the
        // content root is the benchmark's data folder, which has no published wwwroot.
        builder.WebHost.UseStaticWebAssets();
        builder.AddHotline();

        var app = builder.Build();
        app.UseHotline();
        await StartupTasks.PrepareAsync(app.Services);
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new InProcessHotline(app, root, new Uri(addresses.First()));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>
/// A large benchmark database built once and reused across runs. The metadata records the schema (the newest migration)
/// it was built with. A file built at an older migration of the chain is upgraded in place by the server's own migrations,
/// as a centre's database is on an upgrade (seconds, where rebuilding 1M tickets takes a quarter of an hour); a file from a
/// migration no longer in the chain is rebuilt.
/// </summary>
public static class BenchCache
{
    private static readonly List<string> Migrations =
        [.. new Hotline.Server.Data.SqliteDesignTimeFactory().CreateDbContext([]).Database.GetMigrations()];

    public static string SchemaVersion => Migrations[^1];

    /// <summary>
    /// Settings for starting the server on a cached database only to write it: no analytics projection or reports, no
    /// knowledge feedback rounds (they would compete with the writes, or project what a benchmark times itself).
    /// </summary>
    public static Dictionary<string, string?> BackgroundOff() => new()
    {
        ["Analytics:Projector"] = "false",
        ["Analytics:Reports"] = "false",
        ["Knowledge:FeedbackIntervalSeconds"] = "0",
    };

    /// <param name="root">The server's root folder inside the cache (its data/hotline.db), when it is not the cache itself.</param>
    public static async Task<T> GetOrBuildAsync<T>(string cache, string metaName, bool regenerate, Func<T, bool> fits, Func<Task<T>> build,
        string? root = null) where T : class
    {
        if (!regenerate && await ReuseAsync(cache, metaName, fits, root) is { } reused)
            return reused;
        if (Directory.Exists(cache))
            Directory.Delete(cache, recursive: true);
        var value = await build();
        await File.WriteAllTextAsync(Path.Combine(cache, metaName), System.Text.Json.JsonSerializer.Serialize(new Entry<T>(SchemaVersion, value)));
        return value;
    }

    /// <summary>
    /// A cache named on the command line (a copy of one of the caches above, e.g. <c>--cache DIR</c>): its recorded value,
    /// upgraded in place to the current migration when it is older; never rebuilt or deleted.
    /// </summary>
    public static async Task<T> OpenAsync<T>(string cache, string metaName, string? root = null) where T : class =>
        await ReuseAsync<T>(cache, metaName, _ => true, root)
            ?? throw new InvalidOperationException($"{cache} holds no {metaName} of a known migration: copy a prepared cache there first.");

    private static async Task<T?> ReuseAsync<T>(string cache, string metaName, Func<T, bool> fits, string? root) where T : class
    {
        var meta = Path.Combine(cache, metaName);
        if (!File.Exists(meta))
            return null;
        var cached = System.Text.Json.JsonSerializer.Deserialize<Entry<T>>(await File.ReadAllTextAsync(meta));
        // Metadata from before the schema was recorded has no Schema and no Value: rebuild.
        if (cached is not { Value: { } hit } || !fits(hit))
            return null;
        if (cached.Schema == SchemaVersion)
            return hit;
        if (!Migrations.Contains(cached.Schema))
            return null;
        Console.WriteLine($"upgrading {cache} from migration {cached.Schema} to {SchemaVersion} ...");
        var started = Stopwatch.GetTimestamp();
        var settings = BackgroundOff();
        settings["Sla:SweepIntervalMilliseconds"] = "0";
        await using (await InProcessHotline.StartAsync(root ?? cache, settings)) { } // startup applies the migrations
        SqliteConnection.ClearAllPools();
        await File.WriteAllTextAsync(meta, System.Text.Json.JsonSerializer.Serialize(new Entry<T>(SchemaVersion, hit)));
        Console.WriteLine($"upgraded in {BenchReport.Fmt(Stopwatch.GetElapsedTime(started).TotalSeconds, 0)} s");
        return hit;
    }

    private sealed record Entry<T>(string Schema, T Value);
}

/// <summary>Facts about the machine, and the docs/benchmarks.md file each benchmark writes its section into.</summary>
public static class BenchReport
{
    public static string Fmt(double value, int decimals = 1) =>
        double.IsNaN(value) ? "–" : value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string MachineSummary()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memGb = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), {Fmt(memGb)} GiB RAM, "
            + $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, Server GC {System.Runtime.GCSettings.IsServerGC}";
    }

    /// <summary>The repository root (the folder holding Hotline.sln), found from the working directory upwards.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hotline.sln")))
                return dir.FullName;
        }
        return null;
    }

    /// <summary>Replaces the "## {name}" section of docs/benchmarks.md (up to the next "## ") with <paramref name="body"/>, or appends it.</summary>
    public static string? WriteSection(string name, string body)
    {
        var root = RepositoryRoot();
        if (root is null)
            return null;
        var file = Path.Combine(root, "docs", "benchmarks.md");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var text = File.Exists(file) ? File.ReadAllText(file) : DefaultHeader;
        var heading = $"## {name}\n";
        var section = heading + "\n" + body.TrimEnd() + "\n";

        var start = text.StartsWith(heading, StringComparison.Ordinal) ? 0 : text.IndexOf("\n" + heading, StringComparison.Ordinal);
        if (start < 0)
        {
            text = text.TrimEnd() + "\n\n" + section;
        }
        else
        {
            if (start > 0)
                start++;
            var next = text.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
            text = text[..start] + section + (next < 0 ? "" : "\n" + text[(next + 1)..]);
        }
        File.WriteAllText(file, text, new UTF8Encoding(false));
        return file;
    }

    private const string DefaultHeader = """
        # Benchmarks

        Run by hand in Release, never as timed unit tests:

            dotnet run -c Release --project tests/Hotline.Benchmarks -- <benchmark> [--option value ...]

        Each benchmark replaces its own section below.
        """;
}

/// <summary>Servers the benchmarks start as their own processes (the durability phase, the scale-out nodes).</summary>
public static class ChildServers
{
    /// <summary>Signs in as the server's first admin (its InitialAdmin settings) and creates an Agent API key.</summary>
    public static async Task<string> AgentKeyAsync(Uri address, string admin, string password, string role = "Agent")
    {
        using var client = new HttpClient { BaseAddress = address };
        using var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = admin, password });
        login.EnsureSuccessStatusCode();
        var cookie = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("hotline.auth=", StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/api-keys") { Content = JsonContent.Create(new { name = $"bench-{role}", role }) };
        request.Headers.Add("Cookie", cookie);
        using var created = await client.SendAsync(request);
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("key").GetString()!;
    }
}
