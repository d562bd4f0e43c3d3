using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hotline.Server.Access;
using Hotline.Server.Demo;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Benchmarks.BenchReport;

namespace Hotline.Benchmarks;

/// <summary>
/// <c>search</c>: GET /api/tickets (filters + keyset pagination) over a large generated database, through HTTP with an
/// Agent API key and a DepartmentHandler key, against raw Microsoft.Data.Sqlite baselines on the same file (OFFSET
/// pagination, raw keyset SQL, and the exact SQL EF sent for each case) and EXPLAIN QUERY PLAN for each SQL shape.
/// The database is generated once by DemoTicketGenerator and cached in --cache (default /tmp/hotline-bench-search-{tickets}).
/// Options: --tickets 1000000 --runs 3 --reps 50 --walks 20 --pages 200 --department scjg --seed 20261123
/// --case-seconds 10 (time cap per case and baseline; at least 5 samples) --cache DIR --regenerate --generate-only --no-doc.
/// </summary>
public static class SearchBenchmark
{
    private const int PageSize = 50;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var o = new Options(
            Tickets: args.Whole("tickets", 1_000_000),
            Runs: args.Whole("runs", 3),
            Reps: args.Whole("reps", 50),
            Walks: args.Whole("walks", 20),
            Pages: args.Whole("pages", 200),
            Department: args.Text("department") ?? "scjg",
            Seed: args.Whole("seed", 20261123),
            CaseSeconds: args.Number("case-seconds", 10));
        var cache = args.Text("cache") ?? Path.Combine(Path.GetTempPath(), $"hotline-bench-search-{o.Tickets}");
        var command = "dotnet run -c Release --project tests/Hotline.Benchmarks -- search" + (args.Raw.Count > 0 ? " " + string.Join(' ', args.Raw) : "");
        Console.WriteLine($"search: {command}");
        Console.WriteLine($"machine: {MachineSummary()}");

        var generation = await EnsureDatabaseAsync(cache, o, args.Flag("regenerate"));
        Console.WriteLine($"database: {generation.Tickets} tickets generated {generation.GeneratedAt:yyyy-MM-dd HH:mm} UTC in {Fmt(generation.Seconds / 60, 1)} min; "
            + $"file {Fmt(generation.FileMb, 0)} MB; cache {cache}");
        if (args.Flag("generate-only"))
            return 0;

        using var capture = SqlCapture.Start();
        var runs = new List<RunResult>();
        for (var run = 1; run <= o.Runs; run++)
        {
            Console.WriteLine($"--- run {run}/{o.Runs}");
            runs.Add(await RunOnceAsync(cache, o, generation, capture, explain: run == 1));
            SqliteConnection.ClearAllPools();
        }

        var report = Report(runs, o, command, generation, cache);
        Console.WriteLine();
        Console.WriteLine(report);
        if (!args.Flag("no-doc"))
        {
            var file = WriteSection("search", report);
            Console.WriteLine(file is null ? "docs/benchmarks.md not found (run from the repository)" : $"wrote {file}");
        }
        return runs.All(r => r.Errors == 0) ? 0 : 1;
    }

    // ---- the cached database ----

    internal sealed record Generation(int Tickets, DateTimeOffset GeneratedAt, double Seconds, double FileMb, int Seed);

    internal static Task<Generation> EnsureDatabaseAsync(string cache, Options o, bool regenerate) =>
        BenchCache.GetOrBuildAsync(cache, "generation.json", regenerate, g => g.Tickets == o.Tickets, () => GenerateAsync(cache, o));

    private static async Task<Generation> GenerateAsync(string cache, Options o)
    {
        Console.WriteLine($"generating {o.Tickets} tickets into {cache} (DemoTicketGenerator, seed {o.Seed}) ...");
        // Projection and knowledge feedback off: they competed with the generator's writes for SQLite's one writer (and the
        // analytics benchmark starts from this file with nothing projected, to time its own projection).
        var server = await InProcessHotline.StartAsync(cache, BenchCache.BackgroundOff());
        double seconds;
        string dbFile;
        int made;
        await using (server)
        {
            dbFile = server.DatabaseFile;
            var start = Stopwatch.GetTimestamp();
            using var progress = new Timer(_ => Console.WriteLine($"  {Fmt(Stopwatch.GetElapsedTime(start).TotalMinutes, 1)} min ..."), null, 60_000, 60_000);
            await using (var scope = server.App.Services.CreateAsyncScope())
                made = await scope.ServiceProvider.GetRequiredService<DemoTicketGenerator>().GenerateAsync(o.Tickets, o.Seed, CancellationToken.None);
            seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        SqliteConnection.ClearAllPools();
        using (var c = Open(dbFile, readOnly: false))
            Scalar(c, "PRAGMA wal_checkpoint(TRUNCATE)");
        return new Generation(made, TimeProvider.System.GetUtcNow(), seconds, new FileInfo(dbFile).Length / (1024.0 * 1024.0), o.Seed);
    }

    private static SqliteConnection Open(string file, bool readOnly = true)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        c.Open();
        return c;
    }

    private static object? Scalar(SqliteConnection c, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd.ExecuteScalar();
    }

    // ---- one run: server on the cached database, HTTP cases, deep walks, raw SQLite baselines ----

    internal sealed record Options(int Tickets, int Runs, int Reps, int Walks, int Pages, string Department, int Seed, double CaseSeconds);

    private sealed record Case(string Name, bool Department, string Query);

    private sealed record CaseResult(Case Case, LatencySummary Http, int HttpSamples, int Rows, bool HasNext, CapturedSql? Sql, LatencySummary? Db, int DbSamples);

    private sealed record PageResult(int Page, LatencySummary Http, LatencySummary RawKeyset, LatencySummary RawOffset);

    private sealed record RunResult(List<CaseResult> Cases, Dictionary<bool, List<PageResult>> Walks, List<FixResult> Fixes, int Errors);

    private sealed record FixResult(string Name, string Sql, LatencySummary Db, int Rows, string? Plan);

    private static readonly int[] ReportedPages = [1, 10, 100, 200];

    private const string Columns = "Id, Number, Type, Priority, Status, Title, CategoryCode, DistrictCode, AssignedDepartmentCode, "
        + "RequesterName, RequesterConfidential, RegisteredAt, UpdatedAt, Version";

    private static List<Case> Cases(string dbFile, Options o, DateTimeOffset generatedAt)
    {
        using var c = Open(dbFile);
        var maxId = Convert.ToInt64(Scalar(c, "SELECT MAX(Id) FROM tickets"), CultureInfo.InvariantCulture);
        var phone = (string)Scalar(c, "SELECT RequesterPhone FROM tickets WHERE Id <= $id ORDER BY Id DESC LIMIT 1", ("$id", maxId / 2))!;
        var credit = (string)Scalar(c, "SELECT RequesterCreditCode FROM tickets WHERE Id <= $id AND RequesterCreditCode IS NOT NULL ORDER BY Id DESC LIMIT 1", ("$id", maxId / 3))!;
        // One calendar month, two months before the data was generated (tickets span the year before generation).
        var local = generatedAt.ToOffset(TimeSpan.FromHours(8));
        var month = new DateOnly(local.Year, local.Month, 1).AddMonths(-2);
        var range = $"from={month:yyyy-MM-dd}&to={month.AddMonths(1).AddDays(-1):yyyy-MM-dd}";
        var d = o.Department;
        return
        [
            new("no filter", false, ""),
            new("status=Closed", false, "status=Closed"),
            new("status=SignedFor (rare)", false, "status=SignedFor"),
            new($"department={d}", false, $"department={d}"),
            new("category=biz-startup (parent + 4 children)", false, "category=biz-startup"),
            new("district=tianning", false, "district=tianning"),
            new("type=Report", false, "type=Report"),
            new($"{range} (one month)", false, range),
            new("phone (exists)", false, $"phone={phone}"),
            new("creditCode (exists)", false, $"creditCode={credit}"),
            new("q=企业 (very common)", false, "q=" + Uri.EscapeDataString("企业")),
            new("q=噪音 (1 template in 152)", false, "q=" + Uri.EscapeDataString("噪音")),
            new("q=区块链 (no match)", false, "q=" + Uri.EscapeDataString("区块链")),
            new("status=Replied&district=tianning", false, "status=Replied&district=tianning"),
            new("no filter", true, ""),
            new("status=Closed", true, "status=Closed"),
            new("status=SignedFor (rare)", true, "status=SignedFor"),
            new("category=biz-startup", true, "category=biz-startup"),
            new($"{range} (one month)", true, range),
            new("q=噪音", true, "q=" + Uri.EscapeDataString("噪音")),
        ];
    }

    private static async Task<RunResult> RunOnceAsync(string cache, Options o, Generation generation, SqlCapture capture, bool explain)
    {
        // Background work off: a running centre's projector is caught up, not projecting a year of tickets during the runs
        // (and the cached file stays unprojected for the analytics benchmark, which times its own projection).
        var server = await InProcessHotline.StartAsync(cache, BenchCache.BackgroundOff());
        await using (server)
        {
            string agentKey, deptKey;
            await using (var scope = server.App.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserAdministration>();
                (_, agentKey) = await users.CreateApiKeyAsync("bench-search", "Agent", null, CancellationToken.None);
                (_, deptKey) = await users.CreateApiKeyAsync("bench-search-dept", "DepartmentHandler", o.Department, CancellationToken.None);
            }
            using var agent = Client(server.Address, agentKey);
            using var dept = Client(server.Address, deptKey);
            using var raw = Open(server.DatabaseFile);
            var errors = 0;

            var cases = new List<CaseResult>();
            foreach (var k in Cases(server.DatabaseFile, o, generation.GeneratedAt))
            {
                var http = k.Department ? dept : agent;
                var uri = new Uri("api/tickets?limit=50" + (k.Query.Length > 0 ? "&" + k.Query : ""), UriKind.Relative);
                capture.Reset();
                Page page = default;
                for (var i = 0; i < 2; i++) // warm-up; the first request's SQL is captured
                    page = await GetAsync(http, uri);
                var sql = capture.Last;
                var lat = new Latencies(o.Reps);
                var deadline = Stopwatch.GetTimestamp() + (long)(o.CaseSeconds * Stopwatch.Frequency);
                for (var i = 0; i < o.Reps && (i < 5 || Stopwatch.GetTimestamp() < deadline); i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    page = await GetAsync(http, uri);
                    lat.Add(Latencies.Ms(start, Stopwatch.GetTimestamp()));
                    if (!page.Ok)
                        errors++;
                }
                LatencySummary? db = null;
                var dbSamples = 0;
                if (sql is not null)
                {
                    var dbLat = TimeRaw(raw, sql.Text, sql.Parameters, o);
                    db = dbLat.Summarize();
                    dbSamples = dbLat.Count;
                    if (explain)
                        sql = sql with { Plan = Explain(raw, sql) };
                }
                var r = new CaseResult(k, lat.Summarize(), lat.Count, page.Rows, page.Next is not null, sql, db, dbSamples);
                cases.Add(r);
                Console.WriteLine($"{(k.Department ? o.Department + " key" : "agent key"),-10} {k.Name,-45} rows {r.Rows,3}{(r.HasNext ? "+" : " ")} "
                    + $"HTTP p50 {Fmt(r.Http.P50, 2),8} p99 {Fmt(r.Http.P99, 2),8} ms (n={r.HttpSamples})  DB p50 {Fmt(db?.P50 ?? double.NaN, 2),8} ms");
            }

            var walks = new Dictionary<bool, List<PageResult>>();
            foreach (var isDept in new[] { false, true })
            {
                var http = isDept ? dept : agent;
                var perPage = ReportedPages.Where(p => p <= o.Pages).ToDictionary(p => p, _ => new Latencies(o.Walks));
                for (var w = 0; w < o.Walks; w++)
                {
                    string? cursor = null;
                    for (var p = 1; p <= o.Pages; p++)
                    {
                        var uri = new Uri("api/tickets?limit=50" + (cursor is null ? "" : "&cursor=" + cursor), UriKind.Relative);
                        if (w == 0 && p == 2)
                            capture.Reset();
                        var start = Stopwatch.GetTimestamp();
                        var page = await GetAsync(http, uri);
                        var ms = Latencies.Ms(start, Stopwatch.GetTimestamp());
                        if (w == 0 && p == 2 && capture.Last is { } cursorSql)
                        {
                            var k = new Case("next page (cursor)", isDept, "cursor=…");
                            cases.Add(new CaseResult(k, new LatencySummary(double.NaN, double.NaN, double.NaN, double.NaN), 0, page.Rows, page.Next is not null,
                                explain ? cursorSql with { Plan = Explain(raw, cursorSql) } : cursorSql, null, 0));
                        }
                        if (!page.Ok || page.Rows != PageSize)
                            errors++;
                        if (perPage.TryGetValue(p, out var l))
                            l.Add(ms);
                        cursor = page.Next;
                        if (cursor is null)
                            break;
                    }
                }
                var where = isDept ? "AssignedDepartmentCode = $dept" : null;
                var results = new List<PageResult>();
                foreach (var (p, l) in perPage)
                {
                    var offset = (p - 1) * PageSize;
                    var dep = ("$dept", (object?)o.Department);
                    var offsetSql = $"SELECT {Columns} FROM tickets {(where is null ? "" : "WHERE " + where)} ORDER BY Id DESC LIMIT {PageSize + 1} OFFSET {offset}";
                    var rawOffset = TimeRaw(raw, offsetSql, isDept ? [dep] : [], o);
                    var after = p == 1 ? long.MaxValue : Convert.ToInt64(Scalar(raw,
                        $"SELECT Id FROM tickets {(where is null ? "" : "WHERE " + where)} ORDER BY Id DESC LIMIT 1 OFFSET {offset - 1}", isDept ? [dep] : []), CultureInfo.InvariantCulture);
                    var keysetSql = $"SELECT {Columns} FROM tickets WHERE {(where is null ? "" : where + " AND ")}Id < $after ORDER BY Id DESC LIMIT {PageSize + 1}";
                    var rawKeyset = TimeRaw(raw, keysetSql, isDept ? [dep, ("$after", after)] : [("$after", after)], o);
                    results.Add(new PageResult(p, l.Summarize(), rawKeyset.Summarize(), rawOffset.Summarize()));
                    Console.WriteLine($"{(isDept ? o.Department + " key" : "agent key"),-10} page {p,4}: HTTP keyset p50 {Fmt(l.Summarize().P50, 2)} p99 {Fmt(l.Summarize().P99, 2)} ms (n={l.Count}), "
                        + $"raw keyset p50 {Fmt(rawKeyset.Summarize().P50, 3)} ms, raw OFFSET p50 {Fmt(rawOffset.Summarize().P50, 3)} ms");
                }
                walks[isDept] = results;
            }
            var fixes = CandidateFixes(raw, cases, o, explain);
            return new RunResult(cases, walks, fixes, errors);
        }
    }

    /// <summary>
    /// Query shapes that would avoid the sorts seen in the plans, run raw on the same file with the same parameters EF
    /// sent, to show what a fix in TicketSearch would buy. Read-only: nothing here needs a schema change.
    /// </summary>
    private static List<FixResult> CandidateFixes(SqliteConnection raw, List<CaseResult> cases, Options o, bool explain)
    {
        var fixes = new List<FixResult>();
        void Add(string name, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
        {
            var lat = TimeRaw(raw, sql, parameters, o);
            var rows = 0;
            using (var cmd = raw.CreateCommand())
            {
                cmd.CommandText = sql;
                foreach (var (n, v) in parameters)
                    cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                    rows++;
            }
            var plan = explain ? Explain(raw, new CapturedSql(sql, parameters)) : null;
            var flat = string.Join(' ', sql.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            fixes.Add(new FixResult(name, flat, lat.Summarize(), rows, plan));
            Console.WriteLine($"fix {name,-60} rows {rows,3} DB p50 {Fmt(lat.Summarize().P50, 2)} ms");
        }

        // Parent category: one index range per code, each already in Id order and cut at 51, merged. Sorts at most 5 × 51 rows.
        var category = cases.FirstOrDefault(c => !c.Case.Department && c.Case.Query.StartsWith("category=", StringComparison.Ordinal))?.Sql;
        if (category is not null)
        {
            var codes = category.Parameters.Where(p => p.Name.StartsWith("@codes", StringComparison.Ordinal)).ToList();
            var parts = codes.Select(p => $"SELECT * FROM (SELECT {Columns} FROM tickets WHERE CategoryCode = {p.Name} ORDER BY Id DESC LIMIT 51)");
            Add("category: UNION ALL of one LIMIT 51 range per code", $"SELECT * FROM ({string.Join(" UNION ALL ", parts)}) ORDER BY Id DESC LIMIT 51", codes);
        }

        // Date range: bound the primary key by the range's smallest and largest Id (exact whatever the Id/time order), then
        // walk the primary key newest first; the unary + keeps SQLite off the RegisteredAt index for the outer query.
        var month = cases.FirstOrDefault(c => !c.Case.Department && c.Case.Query.StartsWith("from=", StringComparison.Ordinal))?.Sql;
        if (month is not null)
        {
            var ps = month.Parameters.Where(p => p.Name is "@start" or "@end").ToList();
            Add("from/to: Id bounds from IX_RegisteredAt, then PK walk", $"""
                SELECT {Columns} FROM tickets
                WHERE Id >= (SELECT MIN(Id) FROM tickets WHERE RegisteredAt >= @start AND RegisteredAt < @end)
                  AND Id <= (SELECT MAX(Id) FROM tickets WHERE RegisteredAt >= @start AND RegisteredAt < @end)
                  AND +RegisteredAt >= @start AND +RegisteredAt < @end
                ORDER BY Id DESC LIMIT 51
                """, ps);
            Add("from/to: the two Id bounds alone (MIN/MAX, exact)", "SELECT MIN(Id), MAX(Id) FROM tickets WHERE RegisteredAt >= @start AND RegisteredAt < @end", ps);
            // TicketIntake reads the clock once per group commit, so Ids rise with RegisteredAt: the bounds are then two index seeks.
            Add("from/to: Id bounds by two seeks (exact when Ids rise with RegisteredAt)",
                "SELECT (SELECT Id FROM tickets WHERE RegisteredAt >= @start ORDER BY RegisteredAt, Id LIMIT 1), "
                + "(SELECT Id FROM tickets WHERE RegisteredAt < @end ORDER BY RegisteredAt DESC, Id DESC LIMIT 1)", ps);
            using var bounds = raw.CreateCommand();
            bounds.CommandText = "SELECT MIN(Id), MAX(Id) FROM tickets WHERE RegisteredAt >= @start AND RegisteredAt < @end";
            foreach (var (n, v) in ps)
                bounds.Parameters.AddWithValue(n, v ?? DBNull.Value);
            using (var reader = bounds.ExecuteReader())
            {
                reader.Read();
                var lohi = new List<(string Name, object? Value)>(ps) { ("@lo", reader.GetInt64(0)), ("@hi", reader.GetInt64(1)) };
                Add("from/to: Id bounds as parameters + date filter, no unary + (what EF would send)", $"""
                    SELECT {Columns} FROM tickets
                    WHERE Id >= @lo AND Id <= @hi AND RegisteredAt >= @start AND RegisteredAt < @end
                    ORDER BY Id DESC LIMIT 51
                    """, lohi);
            }
        }
        return fixes;
    }

    private readonly record struct Page(bool Ok, int Rows, string? Next);

    private static async Task<Page> GetAsync(HttpClient http, Uri uri)
    {
        using var response = await http.GetAsync(uri);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"GET {uri} -> {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
            return new Page(false, 0, null);
        }
        using var doc = JsonDocument.Parse(body);
        var next = doc.RootElement.TryGetProperty("nextCursor", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        return new Page(true, doc.RootElement.GetProperty("items").GetArrayLength(), next);
    }

    private static HttpClient Client(Uri address, string key)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false };
        var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
        return client;
    }

    /// <summary>Runs <paramref name="sql"/> on the raw connection, reading every column of every row, as often as --reps and --case-seconds allow.</summary>
    private static Latencies TimeRaw(SqliteConnection c, string sql, IReadOnlyList<(string Name, object? Value)> parameters, Options o)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        void Once()
        {
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                    _ = reader.GetValue(i);
            }
        }
        Once(); // warm-up
        var lat = new Latencies(o.Reps);
        var deadline = Stopwatch.GetTimestamp() + (long)(o.CaseSeconds * Stopwatch.Frequency);
        for (var i = 0; i < o.Reps && (i < 5 || Stopwatch.GetTimestamp() < deadline); i++)
        {
            var start = Stopwatch.GetTimestamp();
            Once();
            lat.Add(Latencies.Ms(start, Stopwatch.GetTimestamp()));
        }
        return lat;
    }

    internal static string Explain(SqliteConnection c, CapturedSql sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql.Text;
        foreach (var (name, value) in sql.Parameters)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        using var reader = cmd.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
            lines.Add(reader.GetString(reader.GetOrdinal("detail")));
        return string.Join("; ", lines);
    }

    // ---- the SQL EF sends, caught from its DiagnosticSource (no change to the server) ----

    internal sealed record CapturedSql(string Text, IReadOnlyList<(string Name, object? Value)> Parameters, string? Plan = null)
    {
        /// <summary>The WHERE/ORDER BY tail of the statement, on one line, for the report.</summary>
        public string Shape
        {
            get
            {
                var flat = string.Join(' ', Text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                var from = flat.IndexOf("FROM \"tickets\"", StringComparison.Ordinal);
                return from < 0 ? flat : "SELECT … " + flat[from..];
            }
        }
    }

    internal sealed class SqlCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly List<IDisposable> subscriptions = [];
        private readonly Lock gate = new();
        private CapturedSql? last;
        private readonly List<CapturedSql> all = [];

        public static SqlCapture Start()
        {
            var capture = new SqlCapture();
            capture.subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(capture));
            return capture;
        }

        /// <summary>The first tickets query since <see cref="Reset"/>.</summary>
        public CapturedSql? Last
        {
            get { lock (gate) return last; }
        }

        /// <summary>Every statement since <see cref="Reset"/> (the desks benchmark sums what a page or request needs).</summary>
        public IReadOnlyList<CapturedSql> All
        {
            get { lock (gate) return [.. all]; }
        }

        public void Reset()
        {
            lock (gate)
            {
                last = null;
                all.Clear();
            }
        }

        void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
            {
                lock (gate)
                    subscriptions.Add(listener.Subscribe(this, name => name == RelationalEventId.CommandExecuting.Name));
            }
        }

        void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
        {
            if (e.Value is not CommandEventData data)
                return;
            var parameters = data.Command.Parameters.Cast<System.Data.Common.DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList();
            var sql = new CapturedSql(data.Command.CommandText, parameters);
            lock (gate)
            {
                all.Add(sql);
                if (data.Command.CommandText.Contains("FROM \"tickets\"", StringComparison.Ordinal))
                    last ??= sql;
            }
        }

        void IObserver<DiagnosticListener>.OnCompleted() { }
        void IObserver<DiagnosticListener>.OnError(Exception error) { }
        void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
        void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

        public void Dispose()
        {
            lock (gate)
            {
                foreach (var s in subscriptions)
                    s.Dispose();
                subscriptions.Clear();
            }
        }
    }

    // ---- docs/benchmarks.md ----

    private static string Spread(IEnumerable<double> values, int decimals = 1)
    {
        var v = values.Where(x => !double.IsNaN(x)).Order().ToArray();
        if (v.Length == 0)
            return "–";
        var median = v[(v.Length - 1) / 2];
        return v.Length == 1 ? Fmt(median, decimals) : $"{Fmt(median, decimals)} [{Fmt(v[0], decimals)}–{Fmt(v[^1], decimals)}]";
    }

    private static string Report(List<RunResult> runs, Options o, string command, Generation g, string cache)
    {
        var dbFile = Path.Combine(cache, "data", "hotline.db");
        long events;
        string version;
        bool stats;
        using (var c = Open(dbFile))
        {
            events = Convert.ToInt64(Scalar(c, "SELECT COUNT(*) FROM ticket_events"), CultureInfo.InvariantCulture);
            version = (string)Scalar(c, "SELECT sqlite_version()")!;
            stats = Convert.ToInt64(Scalar(c, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"), CultureInfo.InvariantCulture) > 0;
        }
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Measured {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC on {MachineSummary()}; other work may have shared the 2 cores.");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"    {command}");
        sb.AppendLine();
        sb.AppendLine($"**Data.** {g.Tickets:N0} tickets ({events:N0} events) made by `DemoTicketGenerator` (seed {g.Seed}; registered over the year before "
            + $"{g.GeneratedAt:yyyy-MM-dd}, each taken along a plausible lifecycle) in **{Fmt(g.Seconds / 60, 1)} min** ({Fmt(g.Tickets / g.Seconds, 0)} tickets/s); "
            + $"SQLite {version} file {Fmt(g.FileMb, 0)} MB, cached in `{cache}` and reused by later runs (`--regenerate` rebuilds it). "
            + (stats ? "The file has ANALYZE statistics." : "No ANALYZE statistics (`sqlite_stat1` absent), as in production: SQLite picks indexes by its built-in heuristics."));
        sb.AppendLine();
        sb.AppendLine($"**Method.** {o.Runs} runs; each starts the real server in-process (`InProcessHotline`) on the cached file and sends sequential GETs on one "
            + $"keep-alive loopback connection with an Agent API key, or a DepartmentHandler key for `{o.Department}` (the server adds `AssignedDepartmentCode = '{o.Department}'`). "
            + $"Per case: 2 warm-up requests, then up to {o.Reps} timed ones (at least 5, at most {Fmt(o.CaseSeconds, 0)} s). "
            + "*DB* is the exact SQL and parameters EF sent for that case (caught from EF's DiagnosticSource) run on a raw read-only Microsoft.Data.Sqlite connection to the same file, "
            + "reading every column, so HTTP − DB is the cost of HTTP, auth, EF and JSON. "
            + "Figures are the median of the per-run values with the [min–max] across runs. Rows: `50+` means a nextCursor was returned.");
        sb.AppendLine();

        sb.AppendLine("### First page (limit 50) per filter");
        sb.AppendLine();
        sb.AppendLine("| Case | Key | Rows | HTTP p50 ms | HTTP p99 ms | DB p50 ms | Index used |");
        sb.AppendLine("|---|---|--:|--:|--:|--:|---|");
        var first = runs[0];
        for (var i = 0; i < first.Cases.Count; i++)
        {
            var k = first.Cases[i];
            if (k.HttpSamples == 0)
                continue; // plan-only entries (the cursor shape)
            var all = runs.Select(r => r.Cases[i]).ToList();
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {k.Case.Name} | {(k.Case.Department ? o.Department : "Agent")} | {k.Rows}{(k.HasNext ? "+" : "")} "
                + $"| {Spread(all.Select(a => a.Http.P50), 2)} | {Spread(all.Select(a => a.Http.P99), 2)} | {Spread(all.Select(a => a.Db?.P50 ?? double.NaN), 2)} | {PlanSummary(k.Sql?.Plan)} |");
        }
        sb.AppendLine();

        sb.AppendLine("### Deep pages: keyset (`cursor`) against OFFSET");
        sb.AppendLine();
        sb.AppendLine($"{o.Walks} walks per run following `nextCursor` from page 1 to {o.Pages} (HTTP; p99 over {o.Walks} samples is close to the max). "
            + "Raw baselines on the same file: keyset `SELECT … FROM tickets WHERE Id < @after ORDER BY Id DESC LIMIT 51` and "
            + "OFFSET `SELECT … FROM tickets ORDER BY Id DESC LIMIT 51 OFFSET (page−1)×50` (plus `AssignedDepartmentCode = @dept` for the department key).");
        sb.AppendLine();
        sb.AppendLine("| Key | Page | HTTP keyset p50 ms | HTTP keyset p99 ms | raw keyset p50 ms | raw OFFSET p50 ms | OFFSET ÷ raw keyset | OFFSET ÷ HTTP keyset |");
        sb.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var isDept in new[] { false, true })
        {
            for (var i = 0; i < first.Walks[isDept].Count; i++)
            {
                var all = runs.Select(r => r.Walks[isDept][i]).ToList();
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {(isDept ? o.Department : "Agent")} | {all[0].Page} | {Spread(all.Select(a => a.Http.P50), 2)} | {Spread(all.Select(a => a.Http.P99), 2)} "
                    + $"| {Spread(all.Select(a => a.RawKeyset.P50), 3)} | {Spread(all.Select(a => a.RawOffset.P50), 3)} "
                    + $"| {Spread(all.Select(a => a.RawOffset.P50 / a.RawKeyset.P50), 1)}× | {Spread(all.Select(a => a.RawOffset.P50 / a.Http.P50), 2)}× |");
            }
        }
        sb.AppendLine();

        if (first.Fixes.Count > 0)
        {
            sb.AppendLine("### Candidate query shapes (raw SQL on the same file, same parameters)");
            sb.AppendLine();
            sb.AppendLine("| Shape | Rows | DB p50 ms | DB p99 ms | Plan |");
            sb.AppendLine("|---|--:|--:|--:|---|");
            for (var i = 0; i < first.Fixes.Count; i++)
            {
                var all = runs.Select(r => r.Fixes[i]).ToList();
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {first.Fixes[i].Name} | {first.Fixes[i].Rows} | {Spread(all.Select(a => a.Db.P50), 2)} | {Spread(all.Select(a => a.Db.P99), 2)} | `{first.Fixes[i].Plan}` |");
            }
            sb.AppendLine();
            foreach (var f in first.Fixes)
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {f.Name}: `{f.Sql.Replace(Columns, "…", StringComparison.Ordinal)}`");
            sb.AppendLine();
        }

        sb.AppendLine("### Query plans (EXPLAIN QUERY PLAN of the SQL EF generated)");
        sb.AppendLine();
        sb.AppendLine("EF selects `Id, Number, Type, Priority, Status, Title, CategoryCode, DistrictCode, AssignedDepartmentCode, RequesterName, RequesterConfidential, RegisteredAt, UpdatedAt, Version`; only the rest of each statement is shown.");
        sb.AppendLine();
        foreach (var k in first.Cases.Where(c => c.Sql is not null).OrderBy(c => c.Case.Department))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- **{k.Case.Name}** ({(k.Case.Department ? o.Department : "Agent")}): `{k.Sql!.Shape}`  ");
            sb.AppendLine(CultureInfo.InvariantCulture, $"  → `{k.Sql.Plan}`");
        }
        sb.AppendLine();
        sb.AppendLine("### Notes");
        sb.AppendLine();
        sb.AppendLine(Notes);
        return sb.ToString();
    }

    /// <summary>"index X" / "scan (PK order)" / "+ sort" from an EXPLAIN QUERY PLAN line.</summary>
    private static string PlanSummary(string? plan)
    {
        if (plan is null)
            return "–";
        var parts = new List<string>();
        var m = System.Text.RegularExpressions.Regex.Match(plan, @"USING (COVERING )?INDEX (\S+)( \(([^)]*)\))?");
        if (m.Success)
            parts.Add($"`{m.Groups[2].Value}`" + (m.Groups[4].Success ? $" ({m.Groups[4].Value})" : ""));
        else if (plan.Contains("USING INTEGER PRIMARY KEY", StringComparison.Ordinal))
            parts.Add("PK range");
        else if (plan.Contains("SCAN", StringComparison.Ordinal))
            parts.Add("**SCAN** of the table in PK order (newest first) until 51 rows match");
        if (plan.Contains("USE TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal))
            parts.Add("**+ temp B-tree sort**");
        return string.Join(" ", parts);
    }

    private const string Notes = """
        Written from the 2026-11-23 runs at 1M tickets (two full 3-run passes agreed within the spreads shown); a rerun replaces
        the tables, not this text.

        - **Keyset pagination is flat.** Page 200 through HTTP costs what page 1 does (~0.6–1.1 ms p50 for Agent and `scjg`,
          depending on how busy the shared machine was); the raw keyset SQL is ~0.15–0.25 ms at every depth. Raw OFFSET grows
          with depth: ~13–15× the raw keyset at page 200 unfiltered, ~3–4× on the department index (it skips index entries).
          At these depths OFFSET is still only ~2–3 ms because it costs per row skipped, not per table row: extrapolating,
          the last page of 1M rows (OFFSET ≈ 1M) would take ~200–300 ms where the cursor stays ~0.15 ms. Of each ~0.6–1 ms HTTP
          request, the page query is ~0.15 ms; the rest is HTTP, API-key authentication (one DB read), EF and JSON.
        - **Indexed filters are fast** (~1–2 ms HTTP p50, ≤ 0.5 ms DB): status, department, district, type, phone,
          creditCode, and the department key's own isolation, each a `(Column, Id)` range walked newest first and stopped
          after 51 rows. The parent category `IN (5 codes)` shows `USE TEMP B-TREE FOR ORDER BY`, but SQLite keeps only the
          top 51 in the sorter and leaves each code's `(CategoryCode, Id)` range early, so it costs ~0.3–0.5 ms, no more than
          the hand-written UNION ALL of one LIMIT 51 range per code: no change needed.
        - **Slow: `from`/`to` (~100–110 ms DB, ~105–160 ms HTTP p50, p99 ~160–600 ms, for one month).** SQLite takes
          `IX_tickets_RegisteredAt` for the range and then sorts every ticket of the month (~83k rows, each fetched from the
          table) by Id to return 51; the cost grows with the length of the range (a year sorts the whole table). No index
          serves a `RegisteredAt` range with `ORDER BY Id`. Fix in `TicketSearch` (a query change): turn the dates into an Id
          range first, then page on the primary key. The candidate table shows the outer query
          `Id >= @lo AND Id <= @hi AND RegisteredAt >= @start AND RegisteredAt < @end ORDER BY Id DESC` gets
          `SEARCH tickets USING INTEGER PRIMARY KEY` and costs ~0.15 ms. The bounds: two seeks on `IX_tickets_RegisteredAt`
          (~0.01 ms) are exact when Ids rise with RegisteredAt, which holds here because TicketIntake reads the clock once per
          group commit and commits in order (and the generator writes in time order); `MIN(Id)`/`MAX(Id)` over the range is
          exact for any data but scans the range in the index (~8–10 ms for a month). The department key walks
          `(AssignedDepartmentCode, Id)` back to the month (~23–32 ms); the same Id bounds turn that into a bounded range
          `(AssignedDepartmentCode = ? AND Id BETWEEN ? AND ?)`.
        - **Slow: free text `q` when few rows match.** `Title.Contains(q) || Description.Contains(q)` is `instr(...) > 0`, which
          no B-tree index can serve: SQLite walks the table newest first and tests every row until 51 match. A common word
          (企业) stops within a few hundred rows (~0.2 ms), 噪音 (one template in 152) after ~8k rows (~3–4 ms), a word that
          matches nothing reads all 1M rows (~0.75–0.8 s p50, ~1 s p99). Under the department key the walk covers that
          department's rows, so 噪音 (not a `scjg` topic) reads every `scjg` ticket (~0.2–0.3 s). Fix: a full-text index,
          e.g. an FTS5 external-content table over Title and Description (`content='tickets', content_rowid='Id'`) kept in step
          by triggers created in a migration, queried as `Id IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH @q)`;
          FTS5 returns rowids in order, so keyset paging keeps working. Chinese has no spaces: the `trigram` tokenizer serves
          substrings of 3+ characters (区块链) but not 2-character words like 噪音 (`MATCH` finds nothing for them, `LIKE` falls back to a scan), so index CJK bigrams
          (written by the application into the FTS column, or a bigram tokenizer), or on PostgreSQL use pg_bigm (pg_trgm has
          the same 3-character floor).
        - **Department key plus another filter** uses one index: `status=Closed` under `scjg` takes `IX_tickets_Status_Id`
          and discards other departments' Closed tickets (~3–4 ms DB, ~4–6 ms HTTP); a composite
          `(AssignedDepartmentCode, Status, Id)` index would make it a pure range. Not urgent at 1M rows.
        - The machine was shared with other work: single p99s of 10–50 ms on sub-millisecond cases are scheduling noise (compare
          the per-run spread), and the first run of a pass reads parts of the 2.9 GB file cold. The 12.3 min generation also
          shared the CPU with builds and a short trial run.
        """;
}
