using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime;
using System.Text;
using Hotline.Server.Access;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Benchmarks.BenchReport;

namespace Hotline.Benchmarks;

/// <summary>
/// <c>intake</c>: many concurrent HTTP clients on loopback register tickets through the real server (POST /api/tickets,
/// API key, group commit, SQLite WAL + synchronous=FULL), against baseline B1 measured in the same run: a raw
/// Microsoft.Data.Sqlite loop inserting the same rows (ticket + registration event) one transaction per ticket.
/// Phases per run: B1, server start + warm-up, closed loop at maximum rate, open loop at half that rate, verification; then
/// once a durability phase (<see cref="IntakeDurability"/>). The server logs as shipped (appsettings.json, Production).
/// Options: --tickets 50000 --clients 64 --runs 3 --b1-rows (= tickets) --b1-seconds 120 --warmup 2000 (then rounds of 1,000
/// until the JIT's share of a round is under 1 %, at most --warmup-seconds 120)
/// --pace-seconds 20 --pace-fraction 0.5 --seed 12345 --keep (keep temp folders) --no-doc (don't write docs/benchmarks.md)
/// --log-batches (print each group commit's size) --breakdown N (N GETs each to /health/live and /api/auth/me, to split per-request cost)
/// --kill-after N (durability phase, once after the runs: the server as its own process is killed with SIGKILL once N tickets
/// were answered 201, default min(5000, tickets/4); 0 skips it).
/// </summary>
public static class IntakeBenchmark
{
    private const string BenchDay = "20261123";

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var o = new Options(
            Tickets: args.Whole("tickets", 50_000),
            Clients: args.Whole("clients", 64),
            Runs: args.Whole("runs", 3),
            B1Rows: args.Whole("b1-rows", args.Whole("tickets", 50_000)),
            B1Seconds: args.Number("b1-seconds", 120),
            Warmup: args.Whole("warmup", 2_000),
            WarmupSeconds: args.Number("warmup-seconds", 120),
            PaceSeconds: args.Number("pace-seconds", 20),
            PaceFraction: args.Number("pace-fraction", 0.5),
            Seed: args.Whole("seed", 12345),
            Breakdown: args.Whole("breakdown", 0),
            KillAfter: args.Whole("kill-after", Math.Min(5_000, args.Whole("tickets", 50_000) / 4)));
        var command = "dotnet run -c Release --project tests/Hotline.Benchmarks -- intake" + (args.Raw.Count > 0 ? " " + string.Join(' ', args.Raw) : "");
        Console.WriteLine($"intake: {command}");
        Console.WriteLine($"machine: {MachineSummary()}");

        var corpus = TicketCorpus.Generate(Math.Max(o.Tickets, o.B1Rows), o.Seed);
        var bodies = corpus.Select(t => t.ToJson()).ToArray();
        Console.WriteLine($"corpus: {corpus.Count} tickets, description {corpus.Min(t => t.Description.Length)}–{corpus.Max(t => t.Description.Length)} chars, "
            + $"body {bodies.Min(b => b.Length)}–{bodies.Max(b => b.Length)} bytes");

        var results = new List<RunResult>();
        for (var run = 1; run <= o.Runs; run++)
        {
            var root = Path.Combine(Path.GetTempPath(), $"hotline-bench-intake-{Guid.NewGuid():N}");
            try
            {
                Console.WriteLine($"--- run {run}/{o.Runs} in {root}");
                var b1 = RunB1(Path.Combine(root, "b1.db"), corpus, o);
                Console.WriteLine($"B1: {b1.Rows} rows in {Fmt(b1.WallSeconds, 2)} s = {Fmt(b1.RowsPerSecond, 0)} rows/s, p50 {Fmt(b1.Latency.P50, 2)} ms, p99 {Fmt(b1.Latency.P99, 2)} ms, CPU {Fmt(b1.CpuSeconds)} s");
                var intake = await RunIntakeAsync(Path.Combine(root, "server"), bodies, o, args.Flag("log-batches"));
                Console.WriteLine($"intake: {intake.Max.Ok} tickets in {Fmt(intake.Max.WallSeconds, 2)} s = {Fmt(intake.Max.Rate, 0)} tickets/s, "
                    + $"p50 {Fmt(intake.Max.Latency.P50)} p90 {Fmt(intake.Max.Latency.P90)} p99 {Fmt(intake.Max.Latency.P99)} max {Fmt(intake.Max.Latency.Max)} ms, "
                    + $"errors {intake.Max.Errors}, CPU {Fmt(intake.Max.CpuSeconds)} s ({Fmt(intake.Max.CpuSeconds * 1000 / Math.Max(1, intake.Max.Ok), 2)} ms/ticket), JIT {Fmt(intake.Max.JitSeconds, 2)} s, ratio to B1 {Fmt(intake.Max.Rate / b1.RowsPerSecond, 2)}×");
                Console.WriteLine($"paced: target {Fmt(intake.PaceTarget, 0)}/s, achieved {Fmt(intake.Paced.Rate, 0)}/s, p50 {Fmt(intake.Paced.Latency.P50)} p99 {Fmt(intake.Paced.Latency.P99)} max {Fmt(intake.Paced.Latency.Max)} ms, errors {intake.Paced.Errors}");
                Console.WriteLine($"verify: {intake.Verify}");
                Console.WriteLine($"logs: {intake.Logs}");
                results.Add(new RunResult(run, b1, intake));
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                if (!args.Flag("keep"))
                {
                    try { Directory.Delete(root, recursive: true); }
                    catch (IOException ex) { Console.Error.WriteLine($"could not delete {root}: {ex.Message}"); }
                }
            }
        }

        var peakMb = PhaseMeter.PeakWorkingSetMb();
        IntakeDurability.DurabilityResult? durability = null;
        if (o.KillAfter > 0)
        {
            var root = Path.Combine(Path.GetTempPath(), $"hotline-bench-durability-{Guid.NewGuid():N}");
            Directory.CreateDirectory(root);
            Console.WriteLine($"--- durability in {root}");
            try
            {
                durability = await IntakeDurability.RunAsync(root, bodies, o.Clients, o.KillAfter);
                Console.WriteLine($"durability: {durability.Acknowledged} answered 201, {durability.CutOff} cut off, {durability.RowsAfter} tickets after restart, missing {durability.Missing.Count}");
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                if (!args.Flag("keep") && durability is { Ok: true })
                    Directory.Delete(root, recursive: true);
            }
        }
        var report = Report(results, o, command, peakMb, durability);
        Console.WriteLine();
        Console.WriteLine(report);
        if (!args.Flag("no-doc"))
        {
            var file = WriteSection("intake", report);
            Console.WriteLine(file is null ? "docs/benchmarks.md not found (run from the repository)" : $"wrote {file}");
        }
        return results.All(r => r.Intake.Verify.Ok && r.Intake.Max.Errors == 0 && r.Intake.Paced.Errors == 0) && (durability is null or { Ok: true }) ? 0 : 1;
    }

    // ---- B1: raw Microsoft.Data.Sqlite, one transaction per ticket ----

    private static B1Result RunB1(string file, List<BenchTicket> corpus, Options o)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        Execute(connection, B1Schema);

        using var insertTicket = connection.CreateCommand();
        insertTicket.CommandText = """
            INSERT INTO tickets (Number, Type, Channel, Priority, RequesterKind, RequesterName, RequesterPhone, RequesterConfidential,
                Title, Description, CategoryCode, DistrictCode, Address, Tags, OwnerId, OwnerName, Status, ReturnCount, ReopenCount,
                RegisteredAt, UpdatedAt, Version)
            VALUES ($number, $type, $channel, $priority, 'Citizen', $name, $phone, 0, $title, $description, $category, $district, $address,
                '[]', 'apikey:1', 'bench', 'Registered', 0, 0, $now, $now, 1)
            RETURNING Id
            """;
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[] { "$number", "$type", "$channel", "$priority", "$name", "$phone", "$title", "$description", "$category", "$district", "$address", "$now" })
            p[name] = insertTicket.Parameters.Add(new SqliteParameter { ParameterName = name });

        using var insertEvent = connection.CreateCommand();
        insertEvent.CommandText = """
            INSERT INTO ticket_events (TicketId, Version, Action, FromStatus, ToStatus, ActorId, ActorName, ActorRole, OccurredAt, Payload)
            VALUES ($ticket, 1, 'Register', NULL, 'Registered', 'apikey:1', 'bench', 'Agent', $now, $payload)
            """;
        var eTicket = insertEvent.Parameters.Add(new SqliteParameter { ParameterName = "$ticket" });
        var eNow = insertEvent.Parameters.Add(new SqliteParameter { ParameterName = "$now" });
        var ePayload = insertEvent.Parameters.Add(new SqliteParameter { ParameterName = "$payload" });

        var latencies = new Latencies(o.B1Rows);
        var meter = new PhaseMeter();
        var deadline = Stopwatch.GetTimestamp() + (long)(o.B1Seconds * Stopwatch.Frequency);
        var rows = 0;
        for (; rows < o.B1Rows && Stopwatch.GetTimestamp() < deadline; rows++)
        {
            var t = corpus[rows];
            var start = Stopwatch.GetTimestamp();
            using (var tx = connection.BeginTransaction())
            {
                insertTicket.Transaction = tx;
                insertEvent.Transaction = tx;
                var now = DateTimeOffset.UnixEpoch.Ticks + start; // any increasing value; the server stores UTC ticks here
                p["$number"].Value = $"HL{BenchDay}{rows + 1:D6}";
                p["$type"].Value = t.Type;
                p["$channel"].Value = t.Channel;
                p["$priority"].Value = t.Priority;
                p["$name"].Value = t.RequesterName;
                p["$phone"].Value = t.RequesterPhone;
                p["$title"].Value = t.Title;
                p["$description"].Value = t.Description;
                p["$category"].Value = t.CategoryCode;
                p["$district"].Value = t.DistrictCode;
                p["$address"].Value = t.Address;
                p["$now"].Value = now;
                eTicket.Value = (long)insertTicket.ExecuteScalar()!;
                eNow.Value = now;
                ePayload.Value = Encoding.UTF8.GetString(t.ToJson()); // the registration event carries the draft, as the server's does
                insertEvent.ExecuteNonQuery();
                tx.Commit();
            }
            latencies.Add(Latencies.Ms(start, Stopwatch.GetTimestamp()));
        }
        var (wall, cpu) = meter.Stop();
        return new B1Result(rows, wall, cpu, rows / wall, latencies.Summarize(), rows < o.B1Rows);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The server's tickets and ticket_events tables with the same columns and indexes (no reference tables, so no FKs to them).</summary>
    private const string B1Schema = """
        CREATE TABLE tickets (
            Id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, Number TEXT NOT NULL, Type TEXT NOT NULL, Channel TEXT NOT NULL,
            Priority TEXT NOT NULL, RequesterKind TEXT NOT NULL, RequesterName TEXT NOT NULL, RequesterPhone TEXT NOT NULL,
            RequesterEmail TEXT NULL, RequesterCreditCode TEXT NULL, RequesterContactPerson TEXT NULL, RequesterConfidential INTEGER NOT NULL,
            Title TEXT NOT NULL, Description TEXT NOT NULL, CategoryCode TEXT NOT NULL, DistrictCode TEXT NULL, Address TEXT NULL,
            Tags TEXT NOT NULL, OwnerId TEXT NOT NULL, OwnerName TEXT NOT NULL, Status TEXT NOT NULL, AssignedDepartmentCode TEXT NULL,
            IntakeAnswer TEXT NULL, ReplyResult TEXT NULL, Resolution TEXT NULL, ReturnCount INTEGER NOT NULL, ReopenCount INTEGER NOT NULL,
            RegisteredAt INTEGER NOT NULL, DispatchedAt INTEGER NULL, SignedForAt INTEGER NULL, RepliedAt INTEGER NULL, ClosedAt INTEGER NULL,
            UpdatedAt INTEGER NOT NULL, Version INTEGER NOT NULL, IdempotencyKey TEXT NULL, IdempotencyFingerprint TEXT NULL);
        CREATE TABLE ticket_events (
            Id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, TicketId INTEGER NOT NULL REFERENCES tickets (Id), Version INTEGER NOT NULL,
            Action TEXT NOT NULL, FromStatus TEXT NULL, ToStatus TEXT NOT NULL, ActorId TEXT NOT NULL, ActorName TEXT NOT NULL,
            ActorRole TEXT NOT NULL, OccurredAt INTEGER NOT NULL, Payload TEXT NOT NULL);
        CREATE UNIQUE INDEX IX_ticket_events_TicketId_Version ON ticket_events (TicketId, Version);
        CREATE INDEX IX_tickets_AssignedDepartmentCode_Id ON tickets (AssignedDepartmentCode, Id);
        CREATE INDEX IX_tickets_CategoryCode_Id ON tickets (CategoryCode, Id);
        CREATE INDEX IX_tickets_DistrictCode_Id ON tickets (DistrictCode, Id);
        CREATE UNIQUE INDEX IX_tickets_Number ON tickets (Number);
        CREATE UNIQUE INDEX IX_tickets_OwnerId_IdempotencyKey ON tickets (OwnerId, IdempotencyKey);
        CREATE INDEX IX_tickets_RegisteredAt ON tickets (RegisteredAt);
        CREATE INDEX IX_tickets_RequesterCreditCode ON tickets (RequesterCreditCode);
        CREATE INDEX IX_tickets_RequesterPhone ON tickets (RequesterPhone);
        CREATE INDEX IX_tickets_Status_Id ON tickets (Status, Id);
        CREATE INDEX IX_tickets_Type_Id ON tickets (Type, Id);
        """;

    // ---- Intake through HTTP ----

    private static async Task<IntakeResult> RunIntakeAsync(string root, byte[][] bodies, Options o, bool logBatches)
    {
        var numbers = new ConcurrentBag<string>();

        // The server logs as shipped (one line per request, to the console and to data/logs). Its console goes to a file,
        // as a service's standard output goes to the journal, so this benchmark's own lines stay readable.
        Directory.CreateDirectory(root);
        var progress = Console.Out;
        await using var serverConsole = new StreamWriter(Path.Combine(root, "server-console.log")) { AutoFlush = true };
        Console.SetOut(serverConsole);
        try
        {
            // --log-batches: TicketIntake logs each group commit's size at Debug (into server-console.log; diagnostics only).
            var server = await InProcessHotline.StartAsync(root, logBatches
                ? new Dictionary<string, string?> { ["Serilog:MinimumLevel:Override:Hotline.Server.Tickets.TicketIntake"] = "Debug" }
                : null, shippedLogging: true);
            await using (server)
            {
                string key;
                await using (var scope = server.App.Services.CreateAsyncScope())
                    (_, key) = await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateApiKeyAsync("bench", "Agent", null, CancellationToken.None);

                using var closedLoop = Client(server.Address, key, o.Clients);
                var warm = await WarmUpAsync(closedLoop, bodies, o, numbers);
                progress.WriteLine($"warm-up: {warm.Tickets} tickets in {Fmt(warm.Seconds, 1)} s, errors {warm.Errors}, JIT {Fmt(warm.JitSeconds, 1)} s in it, "
                    + $"{Fmt(warm.LastRoundJitShare * 100, 1)} % of the last round's time");

                var jitBefore = JitInfo.GetCompilationTime();
                var max = await ClosedLoopAsync(closedLoop, bodies, o.Tickets, o.Clients, numbers, offset: 0);
                max = max with { JitSeconds = (JitInfo.GetCompilationTime() - jitBefore).TotalSeconds };

                var paceTarget = max.Rate * o.PaceFraction;
                using var openLoop = Client(server.Address, key, 1024);
                var paced = await OpenLoopAsync(openLoop, bodies, paceTarget, o.PaceSeconds, numbers);
                var http201 = warm.Tickets + max.Ok + paced.Ok;

                var breakdown = new List<(string, PhaseResult)>();
                if (o.Breakdown > 0)
                {
                    // Where the time goes: the same pipeline without the intake (no DB), then with API-key authentication (one DB read).
                    foreach (var (label, path) in new[] { ("GET /health/live (HTTP + middleware, no auth)", "health/live"), ("GET /api/auth/me (+ API key auth, 1 DB read)", "api/auth/me") })
                    {
                        var uri = new Uri(path, UriKind.Relative);
                        var r = await ClosedLoopAsync(o.Breakdown, o.Clients, async _ =>
                        {
                            using var response = await closedLoop.GetAsync(uri);
                            return response.IsSuccessStatusCode;
                        });
                        breakdown.Add((label, r));
                        progress.WriteLine($"breakdown {label}: {Fmt(r.Rate, 0)}/s, p50 {Fmt(r.Latency.P50)} ms, CPU {Fmt(r.CpuSeconds * 1000 / Math.Max(1, r.Ok), 2)} ms/request, errors {r.Errors}");
                    }
                }
                max = max with { Errors = max.Errors + warm.Errors };

                // Verify on the file with the server stopped, so nothing is still in flight.
                await server.App.StopAsync();
                var logLines = new LogLines(
                    Directory.EnumerateFiles(Path.Combine(server.DataPath, "logs")).Sum(f => File.ReadLines(f).LongCount()),
                    File.ReadLines(Path.Combine(root, "server-console.log")).LongCount(),
                    http201 + breakdown.Sum(x => x.Item2.Ok + x.Item2.Errors));
                return new IntakeResult(max, paced, paceTarget, Verify(server.DatabaseFile, http201, numbers), breakdown, logLines);
            }
        }
        finally
        {
            Console.SetOut(progress);
        }
    }

    internal static HttpClient Client(Uri address, string key, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
        return client;
    }

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private static long errorLogged;

    /// <summary>POSTs one ticket; true on 201 (its number goes into <paramref name="numbers"/>).</summary>
    private static async Task<bool> PostAsync(HttpClient http, byte[] body, ConcurrentBag<string> numbers)
    {
        if (await RegisterAsync(http, body) is not { } number)
            return false;
        numbers.Add(number);
        return true;
    }

    /// <summary>POSTs one ticket; its number on 201, otherwise null (the first few failures printed when <paramref name="reportErrors"/>).</summary>
    internal static async Task<string?> RegisterAsync(HttpClient http, byte[] body, bool reportErrors = true)
    {
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = JsonType;
            using var response = await http.PostAsync(new Uri("api/tickets", UriKind.Relative), content);
            await response.Content.LoadIntoBufferAsync();
            if (response.StatusCode == HttpStatusCode.Created && response.Headers.Location is { } location)
                return location.OriginalString[(location.OriginalString.LastIndexOf('/') + 1)..];
            if (reportErrors && Interlocked.Increment(ref errorLogged) <= 5)
                Console.Error.WriteLine($"unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return null;
        }
        catch (HttpRequestException ex)
        {
            if (reportErrors && Interlocked.Increment(ref errorLogged) <= 5)
                Console.Error.WriteLine($"request failed: {ex.Message}");
            return null;
        }
    }

    /// <summary><paramref name="clients"/> loops, each sending its next ticket as soon as the previous one is answered.</summary>
    /// <summary>
    /// The warm-up: <c>--warmup</c> tickets, then rounds of 1,000 more until the JIT compiled for less than 1 % of a
    /// round's time (at most <c>--warmup-seconds</c>). A server runs for days; the first minute of its life, while tiered
    /// compilation recompiles the hot methods of ASP.NET Core, EF Core and the product, is not its steady state, and on
    /// two cores that background JIT took 25–30 % of the CPU for the first 30–60 s (perf, 2026-12-07).
    /// </summary>
    private static async Task<WarmUp> WarmUpAsync(HttpClient http, byte[][] bodies, Options o, ConcurrentBag<string> numbers)
    {
        var started = Stopwatch.GetTimestamp();
        var jitStart = JitInfo.GetCompilationTime();
        var first = await ClosedLoopAsync(http, bodies, o.Warmup, o.Clients, numbers, offset: bodies.Length / 2);
        var (tickets, errors, share) = (first.Ok, first.Errors, 1.0);
        while (share >= 0.01 && Stopwatch.GetElapsedTime(started).TotalSeconds < o.WarmupSeconds)
        {
            var jit = JitInfo.GetCompilationTime();
            var round = await ClosedLoopAsync(http, bodies, 1_000, o.Clients, numbers, offset: bodies.Length / 2 + tickets + errors);
            share = (JitInfo.GetCompilationTime() - jit).TotalSeconds / round.WallSeconds;
            (tickets, errors) = (tickets + round.Ok, errors + round.Errors);
        }
        return new WarmUp(tickets, errors, Stopwatch.GetElapsedTime(started).TotalSeconds, (JitInfo.GetCompilationTime() - jitStart).TotalSeconds, share);
    }

    private sealed record WarmUp(int Tickets, int Errors, double Seconds, double JitSeconds, double LastRoundJitShare);

    internal static Task<PhaseResult> ClosedLoopAsync(HttpClient http, byte[][] bodies, int total, int clients, ConcurrentBag<string> numbers, int offset) =>
        ClosedLoopAsync(total, clients, i => PostAsync(http, bodies[(offset + i) % bodies.Length], numbers));

    private static async Task<PhaseResult> ClosedLoopAsync(int total, int clients, Func<int, Task<bool>> send)
    {
        var latencies = new Latencies(total);
        var next = -1;
        var ok = 0;
        var errors = 0;
        var meter = new PhaseMeter();
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var start = Stopwatch.GetTimestamp();
                var created = await send(i);
                latencies.Add(Latencies.Ms(start, Stopwatch.GetTimestamp()));
                Interlocked.Increment(ref created ? ref ok : ref errors);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Worker)));
        var (wall, cpu) = meter.Stop();
        return new PhaseResult(ok, errors, wall, cpu, ok / wall, latencies.Summarize());
    }

    /// <summary>
    /// Open loop: request i is due at start + i/rate whatever happened to earlier ones, and its latency counts from when
    /// it was due (so a stalled server shows up as latency instead of silently lowering the offered rate).
    /// </summary>
    /// <param name="pooled">Also receives every latency, to pool several phases into one percentile.</param>
    internal static async Task<PhaseResult> OpenLoopAsync(HttpClient http, byte[][] bodies, double rate, double seconds, ConcurrentBag<string> numbers,
        Latencies? pooled = null)
    {
        var total = (int)(rate * seconds);
        var latencies = new Latencies(total);
        var ok = 0;
        var errors = 0;
        var inflight = new List<Task>(total);
        var meter = new PhaseMeter();
        var t0 = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / rate;

        async Task Send(int i, long due)
        {
            await Task.Yield();
            var created = await PostAsync(http, bodies[(i * 7919) % bodies.Length], numbers);
            var ms = Latencies.Ms(due, Stopwatch.GetTimestamp());
            latencies.Add(ms);
            pooled?.Add(ms);
            Interlocked.Increment(ref created ? ref ok : ref errors);
        }

        for (var i = 0; i < total;)
        {
            var now = Stopwatch.GetTimestamp();
            for (long due; i < total && (due = t0 + (long)(i * ticksPerRequest)) <= now; i++)
                inflight.Add(Send(i, due));
            if (i < total)
                await Task.Delay(1);
        }
        await Task.WhenAll(inflight);
        var (wall, cpu) = meter.Stop();
        return new PhaseResult(ok, errors, wall, cpu, ok / wall, latencies.Summarize());
    }

    private static Verification Verify(string dbFile, int http201, ConcurrentBag<string> numbers)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM tickets), (SELECT COUNT(DISTINCT Number) FROM tickets), (SELECT COUNT(*) FROM ticket_events)";
        using var reader = command.ExecuteReader();
        reader.Read();
        var rows = reader.GetInt64(0);
        var distinct = reader.GetInt64(1);
        var events = reader.GetInt64(2);
        var answered = numbers.Distinct(StringComparer.Ordinal).Count();
        return new Verification(http201, rows, distinct, events, answered);
    }

    // ---- Report ----

    private static string Report(List<RunResult> runs, Options o, string command, double peakMb, IntakeDurability.DurabilityResult? durability)
    {
        var b = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        var ratios = runs.Select(r => r.Intake.Max.Rate / r.B1.RowsPerSecond).Order().ToList();
        var paceP99 = runs.Select(r => r.Intake.Paced.Latency.P99).Order().ToList();
        var rates = runs.Select(r => r.Intake.Max.Rate).Order().ToList();
        double Median(List<double> xs) => xs.Count == 0 ? double.NaN : xs.Count % 2 == 1 ? xs[xs.Count / 2] : (xs[xs.Count / 2 - 1] + xs[xs.Count / 2]) / 2;
        var allVerified = runs.All(r => r.Intake.Verify.Ok);
        var allClean = runs.All(r => r.Intake.Max.Errors == 0 && r.Intake.Paced.Errors == 0);

        b.AppendLine(ci, $"Run {TimeProvider.System.GetLocalNow():yyyy-MM-dd HH:mm zzz}, {runs.Count} run(s), each on fresh databases.");
        b.AppendLine();
        b.AppendLine(ci, $"    {command}");
        b.AppendLine();
        b.AppendLine(ci, $"Machine: {MachineSummary()}.");
        b.AppendLine();
        b.AppendLine(ci, $"Workload: {o.Tickets:N0} tickets per run from {o.Clients} concurrent clients (one HttpClient, {o.Clients} connections, HTTP/1.1 on 127.0.0.1) "
            + $"after a warm-up of at least {o.Warmup:N0} tickets, continued in rounds of 1,000 until the JIT's share of a round's time fell under 1 % "
            + $"(tiered compilation recompiling the hot code is a server's first minute, not its steady state; at most {o.WarmupSeconds:0} s; the JIT time "
            + $"left in the measured phase is in the table); then an open loop at {o.PaceFraction:0.##}× the measured rate for {o.PaceSeconds:0} s. "
            + $"Bodies are realistic Chinese tickets from seed/demo templates, descriptions 150–300 characters. "
            + $"The server is the real one (AddHotline/UseHotline, Production environment, logging as shipped: appsettings.json at Information, "
            + $"one line per request to the console, here redirected to a file as a service's output goes to the journal, and to data/logs) "
            + $"in the same process as the load generator, so CPU figures include the clients.");
        b.AppendLine();
        b.AppendLine("**B1** — raw Microsoft.Data.Sqlite, one connection, WAL + synchronous=FULL, prepared statements, one transaction per ticket "
            + "(a `tickets` row with the server's columns and indexes + a `ticket_events` row):");
        b.AppendLine();
        b.AppendLine("| run | rows | rows/s | p50 ms | p99 ms | max ms | CPU s |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
            b.AppendLine(ci, $"| {r.Run} | {r.B1.Rows:N0}{(r.B1.Capped ? " (time cap)" : "")} | {Fmt(r.B1.RowsPerSecond, 0)} | {Fmt(r.B1.Latency.P50, 2)} | {Fmt(r.B1.Latency.P99, 2)} | {Fmt(r.B1.Latency.Max, 1)} | {Fmt(r.B1.CpuSeconds)} |");
        b.AppendLine();
        b.AppendLine(ci, $"**Intake, maximum rate** — {o.Clients} clients in a closed loop, latency per request:");
        b.AppendLine();
        b.AppendLine("| run | tickets | tickets/s | × B1 | p50 ms | p90 ms | p99 ms | max ms | errors | CPU s | CPU ms/ticket | JIT s |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            var m = r.Intake.Max;
            b.AppendLine(ci, $"| {r.Run} | {m.Ok:N0} | {Fmt(m.Rate, 0)} | {Fmt(m.Rate / r.B1.RowsPerSecond, 2)} | {Fmt(m.Latency.P50)} | {Fmt(m.Latency.P90)} | {Fmt(m.Latency.P99)} | {Fmt(m.Latency.Max)} | {m.Errors} | {Fmt(m.CpuSeconds)} | {Fmt(m.CpuSeconds * 1000 / Math.Max(1, m.Ok), 2)} | {Fmt(m.JitSeconds, 2)} |");
        }
        b.AppendLine();
        b.AppendLine(ci, $"**Intake, {o.PaceFraction:0.##}× maximum rate** — open loop, requests at fixed intervals, latency from the scheduled time:");
        b.AppendLine();
        b.AppendLine("| run | target/s | achieved/s | tickets | p50 ms | p90 ms | p99 ms | max ms | errors |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            var p = r.Intake.Paced;
            b.AppendLine(ci, $"| {r.Run} | {Fmt(r.Intake.PaceTarget, 0)} | {Fmt(p.Rate, 0)} | {p.Ok:N0} | {Fmt(p.Latency.P50)} | {Fmt(p.Latency.P90)} | {Fmt(p.Latency.P99)} | {Fmt(p.Latency.Max)} | {p.Errors} |");
        }
        b.AppendLine();
        b.AppendLine("**Verification** (after each run, on the SQLite file with the server stopped): ");
        foreach (var r in runs)
            b.AppendLine(ci, $"run {r.Run}: {r.Intake.Verify}.  ");
        b.AppendLine();
        b.AppendLine("**Logging** (as shipped): ");
        foreach (var r in runs)
            b.AppendLine(ci, $"run {r.Run}: {r.Intake.Logs}.  ");
        b.AppendLine();
        if (runs.Any(r => r.Intake.Breakdown.Count > 0))
        {
            b.AppendLine(ci, $"**Where the time goes** — the same {o.Clients} clients, closed loop, requests that skip parts of the intake path (process CPU includes the clients):");
            b.AppendLine();
            b.AppendLine("| run | request | requests/s | p50 ms | p99 ms | CPU ms/request |");
            b.AppendLine("|---:|---|---:|---:|---:|---:|");
            foreach (var r in runs)
            {
                var m = r.Intake.Max;
                b.AppendLine(ci, $"| {r.Run} | POST /api/tickets (max-rate phase) | {Fmt(m.Rate, 0)} | {Fmt(m.Latency.P50)} | {Fmt(m.Latency.P99)} | {Fmt(m.CpuSeconds * 1000 / Math.Max(1, m.Ok), 2)} | {Fmt(m.JitSeconds, 2)} |");
                foreach (var (label, x) in r.Intake.Breakdown)
                    b.AppendLine(ci, $"| {r.Run} | {label} | {Fmt(x.Rate, 0)} | {Fmt(x.Latency.P50)} | {Fmt(x.Latency.P99)} | {Fmt(x.CpuSeconds * 1000 / Math.Max(1, x.Ok), 2)} |");
            }
            b.AppendLine();
        }
        if (durability is not null)
        {
            b.AppendLine(durability.Report());
            b.AppendLine();
        }
        b.AppendLine(ci, $"Peak working set of the process over all runs: {Fmt(peakMb, 0)} MB.");
        b.AppendLine();
        b.AppendLine("**Summary**");
        b.AppendLine();
        b.AppendLine(ci, $"- Intake: median {Fmt(Median(rates), 0)} tickets/s (range {Fmt(rates[0], 0)}–{Fmt(rates[^1], 0)}); "
            + $"ratio to B1 median {Fmt(Median(ratios), 2)}× (range {Fmt(ratios[0], 2)}–{Fmt(ratios[^1], 2)}×).");
        var rateGoal = Median(ratios) >= 1.0;
        var latencyGoal = paceP99[^1] < 50;
        b.AppendLine(ci, $"- Goal ≥ 1.0× B1: **{(rateGoal ? "met" : "not met")}**{(rateGoal && ratios[0] < 1.0 ? " (median; not in every run)" : "")}.");
        b.AppendLine(ci, $"- Goal p99 < 50 ms at half the maximum rate: **{(latencyGoal ? "met" : "not met")}** (p99 {Fmt(paceP99[0])}–{Fmt(paceP99[^1])} ms).");
        var killed = durability is null ? "." : $"; killed mid-burst (SIGKILL) and restarted: every 201 there: **{(durability.Ok ? "yes" : "NO")}**.";
        b.AppendLine(ci, $"- Durability: every ticket is committed (WAL, synchronous=FULL) before its 201; {(allClean ? "no errors, every response 201" : "**errors occurred**")}; "
            + $"rows == 201s and numbers unique: **{(allVerified ? "yes" : "NO")}**{killed}");
        return b.ToString();
    }

    private sealed record Options(int Tickets, int Clients, int Runs, int B1Rows, double B1Seconds, int Warmup, double WarmupSeconds, double PaceSeconds, double PaceFraction, int Seed, int Breakdown, int KillAfter);

    private sealed record B1Result(int Rows, double WallSeconds, double CpuSeconds, double RowsPerSecond, LatencySummary Latency, bool Capped);

    internal sealed record PhaseResult(int Ok, int Errors, double WallSeconds, double CpuSeconds, double Rate, LatencySummary Latency, double JitSeconds = 0);

    private sealed record IntakeResult(PhaseResult Max, PhaseResult Paced, double PaceTarget, Verification Verify, List<(string Label, PhaseResult Result)> Breakdown, LogLines Logs);

    /// <summary>Lines the server logged (startup included) in its log files and on its console, against the requests sent.</summary>
    private sealed record LogLines(long File, long Console, long Requests)
    {
        public override string ToString() =>
            $"{File:N0} lines in data/logs and {Console:N0} on the console for {Requests:N0} requests ({(double)File / Math.Max(1, Requests):0.00} and {(double)Console / Math.Max(1, Requests):0.00} per request)";
    }

    private sealed record RunResult(int Run, B1Result B1, IntakeResult Intake);

    private sealed record Verification(int Http201, long Rows, long DistinctNumbers, long Events, int DistinctAnswered)
    {
        public bool Ok => Rows == Http201 && DistinctNumbers == Rows && Events == Rows && DistinctAnswered == Http201;

        public override string ToString() =>
            $"{Http201:N0} × 201, {Rows:N0} ticket rows, {DistinctNumbers:N0} distinct numbers, {Events:N0} events, {DistinctAnswered:N0} distinct numbers answered — {(Ok ? "OK" : "MISMATCH")}";
    }
}
