using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Hotline.Server.Access;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Hotline.Benchmarks.BenchReport;

namespace Hotline.Benchmarks;

/// <summary>
/// <c>desks</c>: each desk's and the ticket search's first load in Debian's Chromium, and the queue and search APIs, at a
/// real centre's size: the search benchmark's cached database (--tickets, 1M by default) plus --open tickets dispatched
/// to one department (--department, scjg) through the API, half of them signed for. The extra tickets are added once and
/// kept in their own cache (/tmp/hotline-bench-desks-…). Against each measurement: the raw SQL the server ran for it
/// (every statement EF sent during the page load or request, caught from EF's DiagnosticSource), timed on a raw read-only
/// connection to the same file. Goals: first load ≤ 1 s; API p99 ≤ 50 ms; raw SQL ÷ HTTP ≥ 0.8.
/// Options: --tickets 1000000 --open 10000 --department scjg --runs 3 --loads 10 --reps 100 --seed 20261123 --no-doc
/// (--runs 0 builds the caches only; --explain prints each statement of the first run taking ≥ 2 ms raw, with its query plan;
/// --cache DIR measures a copy of a prepared cache instead of the shared one, upgrading it in place; --pages /department,/leader
/// measures only the pages whose path contains one of those, and no API, for a look at a few pages).
/// </summary>
public static class DesksBenchmark
{
    private const string Password = "Bench-desks-2026";

    private sealed record Options(int Tickets, int Open, string Department, int Runs, int Loads, int Reps, int Seed);

    private sealed record Prepared(int Tickets, int Open, string Department, DateTimeOffset PreparedAt, double Seconds);

    /// <summary>A page, the user who opens it, and what shows that its table has rendered interactively.</summary>
    private sealed record PageCase(string Name, string Role, string Path, string[] Ready);

    private sealed record ApiCase(string Name, string Role, string Path);

    private sealed record Timing(string Name, LatencySummary Http, double RawMs, int Statements);

    private sealed record RunResult(List<Timing> Pages, List<Timing> Apis, int Errors);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var o = new Options(
            Tickets: args.Whole("tickets", 1_000_000),
            Open: args.Whole("open", 10_000),
            Department: args.Text("department") ?? "scjg",
            Runs: args.Whole("runs", 3),
            Loads: args.Whole("loads", 10),
            Reps: args.Whole("reps", 100),
            Seed: args.Whole("seed", 20261123));
        var command = "dotnet run -c Release --project tests/Hotline.Benchmarks -- desks" + (args.Raw.Count > 0 ? " " + string.Join(' ', args.Raw) : "");
        Console.WriteLine($"desks: {command}");
        Console.WriteLine($"machine: {MachineSummary()}");

        string cache;
        Prepared prepared;
        if (args.Text("cache") is { } copy)
        {
            // A copy of a prepared desks cache (--cache DIR): measured, and upgraded to the current migration, in place. The
            // shared caches are never opened, so a branch with a new migration cannot upgrade them under another's feet.
            cache = Path.GetFullPath(copy);
            prepared = await BenchCache.OpenAsync<Prepared>(cache, "prepared.json");
            o = o with { Tickets = prepared.Tickets, Open = prepared.Open, Department = prepared.Department };
        }
        else
        {
            // The analytics benchmark's database: the search benchmark's demo tickets, projected into analytics as a running
            // centre's are (a desk measured while the projector catches up on a year of tickets would measure the catch-up).
            var analyticsCache = Path.Combine(Path.GetTempPath(), $"hotline-bench-analytics-{o.Tickets}");
            await AnalyticsBenchmark.EnsureDatabaseAsync(analyticsCache, o.Tickets, o.Seed, args.Flag("regenerate"));
            cache = Path.Combine(Path.GetTempPath(), $"hotline-bench-desks-{o.Tickets}-{o.Open}-{o.Department}");
            prepared = await BenchCache.GetOrBuildAsync(cache, "prepared.json", args.Flag("regenerate"),
                p => p.Tickets == o.Tickets && p.Open == o.Open && p.Department == o.Department, () => PrepareAsync(analyticsCache, cache, o));
        }
        Console.WriteLine($"database: {prepared.Tickets} tickets + {prepared.Open} open in {prepared.Department} (added in {Fmt(prepared.Seconds, 0)} s); cache {cache}");

        if (o.Runs == 0)
        {
            Console.WriteLine("--runs 0: caches ready, no runs");
            return 0;
        }

        using var capture = SearchBenchmark.SqlCapture.Start();
        var runs = new List<RunResult>();
        for (var run = 1; run <= o.Runs; run++)
        {
            Console.WriteLine($"--- run {run}/{o.Runs}");
            runs.Add(await RunOnceAsync(cache, o, capture, explain: run == 1 && args.Flag("explain"), args.Text("pages")?.Split(',')));
            SqliteConnection.ClearAllPools();
        }

        var report = Report(runs, o, command, prepared.Tickets);
        Console.WriteLine();
        Console.WriteLine(report);
        if (!args.Flag("no-doc"))
        {
            var file = WriteSection("desks", report);
            Console.WriteLine(file is null ? "docs/benchmarks.md not found (run from the repository)" : $"wrote {file}");
        }
        return runs.All(r => r.Errors == 0) ? 0 : 1;
    }

    // ---- the database: the search benchmark's, plus a department's open workload added through the API ----

    private static async Task<Prepared> PrepareAsync(string sourceCache, string cache, Options o)
    {
        var started = Stopwatch.GetTimestamp();
        Directory.CreateDirectory(Path.Combine(cache, "data"));
        var source = Path.Combine(sourceCache, "data", "hotline.db");
        Console.WriteLine($"copying {source} ({Fmt(new FileInfo(source).Length / (1024.0 * 1024.0), 0)} MB) ...");
        File.Copy(source, Path.Combine(cache, "data", "hotline.db"), overwrite: true);

        var server = await InProcessHotline.StartAsync(cache, Quiet);
        await using (server)
        {
            var (agent, dispatcher, handler) = (await KeyAsync(server, "Agent", null), await KeyAsync(server, "Dispatcher", null), await KeyAsync(server, "DepartmentHandler", o.Department));
            using var a = Client(server.Address, agent);
            using var d = Client(server.Address, dispatcher);
            using var h = Client(server.Address, handler);
            var corpus = TicketCorpus.Generate(o.Open, o.Seed + 1);
            var done = 0;
            await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (ticket, ct) =>
            {
                using var registered = await a.PostAsync("api/tickets", new ByteArrayContent(ticket.ToJson()) { Headers = { ContentType = new("application/json") } }, ct);
                registered.EnsureSuccessStatusCode();
                var number = (await registered.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("number").GetString()!;
                using var dispatched = await d.PostAsJsonAsync($"api/tickets/{number}/actions/dispatch", new { departmentCode = o.Department, expectedVersion = 1 }, ct);
                dispatched.EnsureSuccessStatusCode();
                if (number[^1] % 2 == 0)
                {
                    using var signed = await h.PostAsJsonAsync($"api/tickets/{number}/actions/sign-for", new { expectedVersion = 2 }, ct);
                    signed.EnsureSuccessStatusCode();
                }
                if (Interlocked.Increment(ref done) % 1000 == 0)
                    Console.WriteLine($"  {done}/{o.Open} open tickets");
            });
        }
        SqliteConnection.ClearAllPools();
        using (var c = new SqliteConnection($"Data Source={Path.Combine(cache, "data", "hotline.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }
        return new Prepared(o.Tickets, o.Open, o.Department, TimeProvider.System.GetUtcNow(), Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>No background writers during the measurement: the sweep, the digest and the reminders would change what is read.</summary>
    private static readonly Dictionary<string, string?> Quiet = new()
    {
        ["Sla:SweepIntervalMilliseconds"] = "0",
        ["Sla:DailyDigest"] = "false",
        ["Sla:CalendarReminder"] = "false",
    };

    private static async Task<string> KeyAsync(InProcessHotline server, string role, string? department)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
        var (_, key) = await scope.ServiceProvider.GetRequiredService<UserAdministration>()
            .CreateApiKeyAsync($"bench-desks-{role}-{Guid.NewGuid():N}", role, department, CancellationToken.None);
        return key;
    }

    private static async Task UserAsync(InProcessHotline server, string userName, string role, string? department)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        await users.CreateUserAsync(new NewUser(userName, userName, role, department, Password, null));
    }

    private static HttpClient Client(Uri address, string key)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 16, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false };
        var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
        return client;
    }

    // ---- one run ----

    private static PageCase[] Pages(Options o) =>
    [
        new("派单台 /dispatch", "Dispatcher", "/dispatch", ["[data-live=on] [data-testid=dispatch-queue] tbody tr"]),
        new($"承办台 /department ({o.Department}, {o.Open:N0} open)", "DepartmentHandler", "/department", ["[data-live=on] [data-testid=inbox] tbody tr"]),
        new("督办台 /supervision", "Supervisor", "/supervision", ["[data-live=on] table tbody tr"]),
        new("领导台 /leader", "Leader", "/leader", ["[data-live=on]"]),
        new("话务台 /agent", "Agent", "/agent", ["[data-testid=agent-console][data-interactive=true]", "[data-testid=my-tickets]"]),
        new("工单查询 /tickets (Agent)", "Agent", "/tickets", ["[data-testid=search-page][data-interactive=true]", "[data-testid=search-results][data-loaded=true] [data-testid=result-row]"]),
        new($"工单查询 /tickets ({o.Department})", "DepartmentHandler", "/tickets", ["[data-testid=search-page][data-interactive=true]", "[data-testid=search-results][data-loaded=true] [data-testid=result-row]"]),
        new($"已办 /tickets?list=replied ({o.Department})", "DepartmentHandler", "/tickets?list=replied", ["[data-testid=search-page][data-interactive=true]", "[data-testid=search-results][data-loaded=true]"]),
    ];

    private static ApiCase[] Apis(Options o) =>
    [
        new("GET /api/queues/dispatch", "Dispatcher", "api/queues/dispatch"),
        new($"GET /api/queues/department ({o.Department})", "DepartmentHandler", "api/queues/department"),
        new("GET /api/queues/supervision", "Supervisor", "api/queues/supervision"),
        new("GET /api/tickets?limit=20 (Agent)", "Agent", "api/tickets?limit=20"),
        new($"GET /api/tickets?limit=20 ({o.Department})", "DepartmentHandler", "api/tickets?limit=20"),
        new($"GET /api/tickets?list=replied ({o.Department})", "DepartmentHandler", "api/tickets?limit=20&list=replied"),
        new($"GET /api/tickets?list=department ({o.Department})", "DepartmentHandler", "api/tickets?limit=20&list=department"),
        new("GET /api/tickets?status=Closed&district=tianning", "Agent", "api/tickets?limit=20&status=Closed&district=tianning"),
    ];

    private static async Task<RunResult> RunOnceAsync(string cache, Options o, SearchBenchmark.SqlCapture capture, bool explain, string[]? only)
    {
        var server = await InProcessHotline.StartAsync(cache, Quiet);
        await using (server)
        {
            var errors = 0;
            using var raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = server.DatabaseFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            raw.Open();

            var pages = new List<Timing>();
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--no-first-run"],
            });
            foreach (var (k, index) in Pages(o).Select((k, i) => (k, i)).Where(p => only is null || only.Any(p.k.Path.Contains)))
            {
                var user = $"bench-desks-{index}-{Guid.NewGuid():N}"[..30];
                await UserAsync(server, user, k.Role, k.Role == "DepartmentHandler" ? o.Department : null);
                var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address.ToString().TrimEnd('/'), ViewportSize = new() { Width = 1366, Height = 768 }, Locale = "zh-CN" });
                var login = await context.APIRequest.PostAsync("/api/auth/login", new() { DataObject = new { userName = user, password = Password } });
                if (!login.Ok)
                {
                    Console.Error.WriteLine($"sign-in as {k.Role} failed: {login.Status}");
                    errors++;
                    continue;
                }
                var page = await context.NewPageAsync();
                var lat = new Latencies(o.Loads);
                var statements = new List<SearchBenchmark.CapturedSql>();
                for (var i = -2; i < o.Loads; i++) // two warm-up loads
                {
                    await page.GotoAsync("about:blank");
                    capture.Reset();
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        await page.GotoAsync(k.Path, new() { WaitUntil = WaitUntilState.Commit });
                        // Checked on every animation frame: WaitForSelectorAsync polls 0, 20, 50, 100, 100, then every 500 ms, so a
                        // page ready 300 ms after the response was measured at 770 ms, one ready at 800 ms at 1,270 ms.
                        foreach (var selector in k.Ready)
                            await page.WaitForFunctionAsync("s => document.querySelector(s) !== null", selector, new() { Timeout = 60_000 }); // no interval: requestAnimationFrame
                    }
                    catch (TimeoutException)
                    {
                        Console.Error.WriteLine($"{k.Name}: not ready within 60 s");
                        errors++;
                        continue;
                    }
                    var ms = Latencies.Ms(start, Stopwatch.GetTimestamp());
                    if (i >= 0)
                        lat.Add(ms);
                    if (i == 0)
                        statements = [.. capture.All];
                }
                await context.CloseAsync();
                var rawMs = statements.Sum(s => RawMs(raw, s, explain));
                var t = new Timing(k.Name, lat.Summarize(), rawMs, statements.Count);
                pages.Add(t);
                Console.WriteLine($"page {k.Name,-45} p50 {Fmt(t.Http.P50, 0),6} p90 {Fmt(t.Http.P90, 0),6} max {Fmt(t.Http.Max, 0),6} ms; raw SQL {Fmt(rawMs, 1)} ms in {t.Statements} statements");
            }

            var apis = new List<Timing>();
            var keys = new Dictionary<string, HttpClient>();
            foreach (var k in only is null ? Apis(o) : Array.Empty<ApiCase>())
            {
                if (!keys.TryGetValue(k.Role, out var http))
                    keys[k.Role] = http = Client(server.Address, await KeyAsync(server, k.Role, k.Role == "DepartmentHandler" ? o.Department : null));
                var uri = new Uri(k.Path, UriKind.Relative);
                for (var i = 0; i < 3; i++)
                    (await http.GetAsync(uri)).Dispose();
                capture.Reset();
                (await http.GetAsync(uri)).Dispose();
                var statements = capture.All;
                var lat = new Latencies(o.Reps);
                for (var i = 0; i < o.Reps; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    using var response = await http.GetAsync(uri);
                    _ = await response.Content.ReadAsByteArrayAsync();
                    lat.Add(Latencies.Ms(start, Stopwatch.GetTimestamp()));
                    if (!response.IsSuccessStatusCode)
                        errors++;
                }
                var rawMs = statements.Sum(s => RawMs(raw, s, explain));
                var t = new Timing(k.Name, lat.Summarize(), rawMs, statements.Count);
                apis.Add(t);
                Console.WriteLine($"api  {k.Name,-45} p50 {Fmt(t.Http.P50, 2),7} p99 {Fmt(t.Http.P99, 2),7} ms; raw SQL {Fmt(rawMs, 2)} ms in {t.Statements} statements");
            }
            foreach (var c in keys.Values)
                c.Dispose();
            return new RunResult(pages, apis, errors);
        }
    }

    /// <summary>The median of 5 runs of one statement on the raw connection, reading every column of every row (writes are skipped).</summary>
    private static double RawMs(SqliteConnection c, SearchBenchmark.CapturedSql sql, bool explain)
    {
        var ms = RawMs(c, sql);
        if (explain && ms >= ExplainFromMs)
            Console.WriteLine($"    {Fmt(ms, 1)} ms: {string.Join(' ', sql.Text.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()))}\n      plan: {SearchBenchmark.Explain(c, sql)}");
        return ms;
    }

    /// <summary>--explain prints every statement that takes at least this long raw, with its query plan.</summary>
    private const double ExplainFromMs = 2;

    private static double RawMs(SqliteConnection c, SearchBenchmark.CapturedSql sql)
    {
        var text = sql.Text.TrimStart();
        if (!text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("WITH", StringComparison.OrdinalIgnoreCase))
            return 0;
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql.Text;
        foreach (var (name, value) in sql.Parameters)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var times = new double[5];
        for (var i = 0; i < times.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                for (var f = 0; f < reader.FieldCount; f++)
                    _ = reader.GetValue(f);
            }
            times[i] = Latencies.Ms(start, Stopwatch.GetTimestamp());
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }

    // ---- docs/benchmarks.md ----

    private static string Report(List<RunResult> runs, Options o, string command, int tickets)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"`{command}` on {MachineSummary()}.");
        sb.AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"Database: {tickets:N0} demo tickets (the search benchmark's cache) plus {o.Open:N0} tickets registered and dispatched to `{o.Department}` through the API, half of them signed for. ");
        sb.Append("The server is the real one in Production settings (Serilog at Warning), with the SLA sweep, the digest and the reminders off so nothing writes meanwhile. ");
        sb.Append(CultureInfo.InvariantCulture, $"**Pages**: Debian's Chromium (headless, 1366×768) signed in as the desk's user, {o.Loads} timed loads after 2 warm-ups, each from about:blank until the page's table has rendered in the live circuit ");
        sb.Append("(the desks' `[data-live=on]` with rows; the search's `data-interactive` and its result rows), checked on every animation frame. ");
        sb.Append(CultureInfo.InvariantCulture, $"**APIs**: {o.Reps} sequential requests with an API key after 3 warm-ups. **Raw SQL**: every statement EF sent for the page load (prerender and circuit) or the request, ");
        sb.Append("each run on a raw read-only connection to the same file (median of 5), summed. Figures are the median of the per-run values with [min–max] across runs.");
        sb.AppendLine();
        sb.AppendLine();
        sb.AppendLine("| Page (first load) | p50 ms | p90 ms | max ms | goal ≤ 1,000 ms | raw SQL ms (statements) | raw ÷ page |");
        sb.AppendLine("|---|--:|--:|--:|---|--:|--:|");
        for (var i = 0; i < runs[0].Pages.Count; i++)
        {
            var all = runs.Select(r => r.Pages.ElementAtOrDefault(i)).OfType<Timing>().ToList();
            var met = all.All(t => t.Http.Max <= 1000) ? "met" : all.All(t => t.Http.P50 <= 1000) ? "p50 met, max not" : "**not met**";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {all[0].Name} | {Spread(all.Select(t => t.Http.P50), 0)} | {Spread(all.Select(t => t.Http.P90), 0)} | {Spread(all.Select(t => t.Http.Max), 0)} | {met} "
                + $"| {Spread(all.Select(t => t.RawMs), 1)} ({all[0].Statements}) | {Spread(all.Select(t => t.RawMs / t.Http.P50), 2)} |");
        }
        sb.AppendLine();
        sb.AppendLine("| API | p50 ms | p99 ms | goal p99 ≤ 50 ms | raw SQL ms (statements) | raw ÷ HTTP p50 | goal ≥ 0.8 |");
        sb.AppendLine("|---|--:|--:|---|--:|--:|---|");
        for (var i = 0; i < runs[0].Apis.Count; i++)
        {
            var all = runs.Select(r => r.Apis[i]).ToList();
            var ratio = all.Select(t => t.RawMs / t.Http.P50).Order().ToArray()[(all.Count - 1) / 2];
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {all[0].Name} | {Spread(all.Select(t => t.Http.P50), 2)} | {Spread(all.Select(t => t.Http.P99), 2)} | {(all.All(t => t.Http.P99 <= 50) ? "met" : "**not met**")} "
                + $"| {Spread(all.Select(t => t.RawMs), 2)} ({all[0].Statements}) | {Spread(all.Select(t => t.RawMs / t.Http.P50), 2)} | {(ratio >= 0.8 ? "met" : "**not met**")} |");
        }
        sb.AppendLine();
        sb.AppendLine(Notes);
        return sb.ToString();
    }

    private static string Spread(IEnumerable<double> values, int decimals)
    {
        var v = values.Where(x => !double.IsNaN(x)).Order().ToArray();
        if (v.Length == 0)
            return "–";
        var median = v[(v.Length - 1) / 2];
        return v.Length == 1 ? Fmt(median, decimals) : $"{Fmt(median, decimals)} [{Fmt(v[0], decimals)}–{Fmt(v[^1], decimals)}]";
    }

    private const string Notes = """
        Notes (kept when a run replaces the tables above):

        - The figures are to be measured on a quiet machine by the lead (3 runs, `--runs 3`); the development machine was shared
          while this benchmark was written, and only a small smoke run was made (see "desks: smoke run" below).
        - *raw ÷ HTTP* compares the SQL the server needs with the whole request: at sub-millisecond queries the rest of a
          request (HTTP, API-key authentication, EF materialisation, JSON) dominates, so that ratio is far below 0.8 even when
          the request itself is fast; it says where the time goes, and the p99 goal is the one that matters for the desks.
        - Why the dispatch desk took 2.4–2.6 s at 100,000 tickets while its API answered in 8–30 ms: it looked up the duplicate
          hints (重复件提示) of the 50 oldest rows before its first paint, each a similarity scan of up to 2,000 recent
          tickets (20–80 ms each), and did it twice (once while prerendering, once when the circuit started). The rows now
          render first; the hints are looked up afterwards in the circuit, never while prerendering, and appear as they come.
        """;
}
