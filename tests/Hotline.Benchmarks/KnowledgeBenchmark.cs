using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hotline.Domain.Access;
using Hotline.Domain.Knowledge;
using Hotline.Domain.Policies;
using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Enterprises;
using Hotline.Server.Knowledge;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Benchmarks.BenchReport;

namespace Hotline.Benchmarks;

/// <summary>
/// <c>knowledge</c>: the knowledge base at size on SQLite. (1) Search in process (KnowledgeSearch: plan, FTS5, re-rank,
/// highlight) against a raw FTS5 query of the same MATCH expression on its own Microsoft.Data.Sqlite connection, each
/// query timed both ways back to back; (2) suggestions while typing, end to end over HTTP with an agent key; (3) ticket
/// intake's latency idle and while a policy push to every enterprise runs at the configured rate, both at --intake-rate tickets a
/// second (open loop; 50 a second is some 25 times a large centre's busiest hour), after a warm-up of --clients at saturation;
/// --pairs alternating pairs of phases (idle, then a push to every enterprise), each phase --intake tickets, pooled per kind,
/// so slow drift of the machine falls on both kinds alike.
/// The database (--articles articles from the seed's 726 varied by district and wording, --enterprises enterprises) is
/// built once and cached in --cache (default /tmp/hotline-bench-knowledge-{articles}-{enterprises}).
/// Options: --articles 100000 --enterprises 50000 --runs 3 --reps 20 --intake 2000 --intake-rate 50 --pairs 3 --clients 8 --push-rate 1200 --seed 20261206
/// --cache DIR --regenerate --no-doc. --explain: no runs; on one fresh copy, every query's MATCH expression, how many
/// articles it matches and its time raw and through KnowledgeSearch (median of 3), slowest first: where search time goes.
/// </summary>
public static class KnowledgeBenchmark
{
    private sealed record Options(int Articles, int Enterprises, int Runs, int Reps, int Intake, int Clients, int PushRate, int Seed, int IntakeRate, int Pairs);

    private sealed record Generation(int Articles, int Enterprises, double Seconds, double FileMb);

    private sealed record RunResult(LatencySummary Search, LatencySummary Raw, LatencySummary Suggest, LatencySummary IntakeIdle,
        LatencySummary IntakePush, int PushQueued, int Errors);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var o = new Options(args.Whole("articles", 100_000), args.Whole("enterprises", 50_000), args.Whole("runs", 3), args.Whole("reps", 20),
            args.Whole("intake", 2000), args.Whole("clients", 8), args.Whole("push-rate", 1200), args.Whole("seed", 20261206),
            args.Whole("intake-rate", 50), args.Whole("pairs", 3));
        var cache = args.Text("cache") ?? Path.Combine(Path.GetTempPath(), $"hotline-bench-knowledge-{o.Articles}-{o.Enterprises}");
        var command = "dotnet run -c Release --project tests/Hotline.Benchmarks -- knowledge" + (args.Raw.Count > 0 ? " " + string.Join(' ', args.Raw) : "");
        Console.WriteLine($"knowledge: {command}");
        Console.WriteLine($"machine: {MachineSummary()}");
        var generation = await BenchCache.GetOrBuildAsync(cache, "generation.json", args.Flag("regenerate"),
            g => g.Articles == o.Articles && g.Enterprises == o.Enterprises, () => GenerateAsync(cache, o));
        Console.WriteLine($"database: {generation.Articles} articles, {generation.Enterprises} enterprises, {Fmt(generation.FileMb, 0)} MB, built in {Fmt(generation.Seconds / 60, 1)} min");

        if (args.Flag("explain"))
        {
            var copy = Path.Combine(Path.GetTempPath(), $"hotline-bench-knowledge-run-{Guid.NewGuid():N}");
            CopyDirectory(cache, copy);
            try
            {
                await ExplainAsync(copy, o);
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(copy, recursive: true);
            }
            return 0;
        }

        var runs = new List<RunResult>();
        for (var run = 1; run <= o.Runs; run++)
        {
            Console.WriteLine($"--- run {run}/{o.Runs}");
            var copy = Path.Combine(Path.GetTempPath(), $"hotline-bench-knowledge-run-{Guid.NewGuid():N}");
            CopyDirectory(cache, copy); // each run on a fresh copy: the intake and push of a run do not grow the next run's database
            try
            {
                runs.Add(await RunOnceAsync(copy, o));
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(copy, recursive: true);
            }
        }
        var report = Report(runs, o, command, generation);
        Console.WriteLine();
        Console.WriteLine(report);
        if (!args.Flag("no-doc"))
            Console.WriteLine(WriteSection("knowledge", report) is { } file ? $"wrote {file}" : "docs/benchmarks.md not found");
        return runs.All(r => r.Errors == 0) ? 0 : 1;
    }

    private static Dictionary<string, string?> Settings(Options o) => new()
    {
        ["Knowledge:FeedbackIntervalSeconds"] = "5",
        ["Knowledge:PublicRequestsPerMinute"] = "10000",
        ["Enterprises:PushEmailsPerMinute"] = o.PushRate.ToString(CultureInfo.InvariantCulture),
        ["Enterprises:PushPollSeconds"] = "1",
    };

    private static async Task<Generation> GenerateAsync(string cache, Options o)
    {
        var watch = Stopwatch.StartNew();
        Console.WriteLine($"generating {o.Articles} articles and {o.Enterprises} enterprises into {cache} ...");
        await using (var server = await InProcessHotline.StartAsync(cache, Settings(o)))
        {
            var sp = server.App.Services;
            await sp.GetRequiredService<KnowledgeSeeder>().Ready;
            var contexts = sp.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
            var text = sp.GetRequiredService<KnowledgeText>();
            var articles = sp.GetRequiredService<KnowledgeArticles>();
            List<KnowledgeArticle> templates;
            await using (var db = await contexts.CreateDbContextAsync())
                templates = await db.KnowledgeArticles.AsNoTracking().ToListAsync();
            var districts = new[] { "天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市", "经开区" };
            var asks = new[] { "怎么办理", "需要什么材料", "多长时间", "在哪里办", "有什么条件", "可以网上办吗" };
            var random = new Random(o.Seed);
            var toMake = o.Articles - templates.Count;
            for (var made = 0; made < toMake;)
            {
                var batch = new List<(KnowledgeArticle, KnowledgeIndexRow)>();
                for (var i = 0; i < 1000 && made < toMake; i++, made++)
                {
                    var t = templates[random.Next(templates.Count)];
                    var other = templates[random.Next(templates.Count)];
                    var district = districts[random.Next(districts.Length)];
                    var content = t.Content() with
                    {
                        Title = $"{district}{TrimQuestion(t.Title)}{asks[random.Next(asks.Length)]}（{made + 1}）",
                        Questions = [.. t.Questions.Take(2), $"{district}{TrimQuestion(t.Title)}"],
                        Answer = $"{t.Answer}\n\n{district}办理地点：{district}政务服务中心。{Shorten(other.Answer, 120)}",
                    };
                    var article = articles.New(content, Actor.System, random.Next(20) == 0 ? ArticleStatus.Expired : ArticleStatus.Published, null, null);
                    batch.Add((article, text.IndexRow(article)));
                }
                await using var db = await contexts.CreateDbContextAsync();
                await using var tx = await db.Database.BeginTransactionAsync();
                db.KnowledgeArticles.AddRange(batch.Select(b => b.Item1));
                await db.SaveChangesAsync();
                foreach (var (a, index) in batch)
                {
                    index.ArticleId = a.Id;
                    db.KnowledgeIndex.Add(index);
                }
                await db.SaveChangesAsync();
                await tx.CommitAsync();
                if (made % 10_000 == 0)
                    Console.WriteLine($"  {made + templates.Count} articles, {Fmt(watch.Elapsed.TotalMinutes, 1)} min");
            }
            string[] sections = ["C", "C", "C", "F", "I", "M", "E", "G", "H", "L"];
            var sizes = Enum.GetValues<EnterpriseSize>();
            var codes = sp.GetRequiredService<Hotline.Server.Reference.ReferenceData>().Districts.Keys.ToArray();
            for (var n = 0; n < o.Enterprises; n += 5000)
            {
                await using var db = await contexts.CreateDbContextAsync();
                for (var i = n; i < Math.Min(o.Enterprises, n + 5000); i++)
                {
                    var first17 = $"91320400MB{i:D7}";
                    db.Enterprises.Add(new Enterprise
                    {
                        CreditCode = first17 + UnifiedSocialCreditCode.CheckCharacter(first17), Name = $"常州基准{i}有限公司", Industry = sections[random.Next(sections.Length)],
                        DistrictCode = codes[random.Next(codes.Length)], Size = sizes[random.Next(sizes.Length)], RegistrationType = RegistrationType.LimitedLiability,
                        Email = $"e{i}@example.invalid", Subscribed = random.Next(20) != 0, Source = "import",
                    });
                }
                await db.SaveChangesAsync();
            }
        }
        SqliteConnection.ClearAllPools();
        var file = Path.Combine(cache, "data", "hotline.db");
        using (var c = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); INSERT INTO knowledge_fts(knowledge_fts) VALUES ('optimize');";
            cmd.ExecuteNonQuery();
        }
        return new Generation(o.Articles, o.Enterprises, watch.Elapsed.TotalSeconds, new FileInfo(file).Length / (1024.0 * 1024.0));
    }

    private static async Task<RunResult> RunOnceAsync(string root, Options o)
    {
        var errors = 0;
        await using var server = await InProcessHotline.StartAsync(root, Settings(o));
        var sp = server.App.Services;
        var search = sp.GetRequiredService<KnowledgeSearch>();
        sp.GetRequiredService<Hotline.Server.Text.ChineseText>().EnsureLoaded();
        var queries = Queries();

        // (1) in-process search against raw FTS5, query by query.
        using var raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = server.DatabaseFile, Mode = SqliteOpenMode.ReadOnly }.ToString());
        raw.Open();
        using var rawCommand = raw.CreateCommand();
        rawCommand.CommandText = "SELECT rowid, rank FROM knowledge_fts WHERE knowledge_fts MATCH $q ORDER BY rank LIMIT 50";
        var rawParameter = rawCommand.Parameters.Add("$q", SqliteType.Text);
        var plans = new List<string>();
        foreach (var q in queries)
            plans.Add(await search.MatchTextAsync(q, CancellationToken.None));
        var ours = new Latencies(queries.Count * o.Reps);
        var baseline = new Latencies(queries.Count * o.Reps);
        for (var warm = 0; warm < 3; warm++)
        {
            for (var i = 0; i < queries.Count; i++)
            {
                await search.SearchAsync(new KnowledgeQuery(queries[i], KnowledgeAudience.Staff), CancellationToken.None);
                RawQuery(rawCommand, rawParameter, plans[i]);
            }
        }
        for (var rep = 0; rep < o.Reps; rep++)
        {
            for (var i = 0; i < queries.Count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await search.SearchAsync(new KnowledgeQuery(queries[i], KnowledgeAudience.Staff), CancellationToken.None);
                var mid = Stopwatch.GetTimestamp();
                RawQuery(rawCommand, rawParameter, plans[i]);
                var end = Stopwatch.GetTimestamp();
                ours.Add(Latencies.Ms(start, mid));
                baseline.Add(Latencies.Ms(mid, end));
            }
        }
        var searchSummary = ours.Summarize();
        var rawSummary = baseline.Summarize();
        Console.WriteLine($"search p50 {Fmt(searchSummary.P50, 2)} p99 {Fmt(searchSummary.P99, 2)} ms; raw FTS5 p50 {Fmt(rawSummary.P50, 2)} p99 {Fmt(rawSummary.P99, 2)} ms");

        // (2) suggestions over HTTP, as the agent console's panel would ask while typing.
        string key;
        await using (var scope = sp.CreateAsyncScope())
            (_, key) = await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateApiKeyAsync("bench-knowledge", Roles.Agent, null, CancellationToken.None);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseCookies = false }) { BaseAddress = server.Address };
        http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
        var suggest = new Latencies(queries.Count * o.Reps);
        for (var rep = -1; rep < o.Reps; rep++)
        {
            foreach (var q in queries)
            {
                var (title, description) = q.Length > 20 ? (q[..20], q[20..]) : (q, "");
                var start = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync($"/api/knowledge/suggestions?title={Uri.EscapeDataString(title)}&description={Uri.EscapeDataString(description)}");
                await response.Content.ReadAsByteArrayAsync();
                if (rep >= 0)
                    suggest.Add(Latencies.Ms(start, Stopwatch.GetTimestamp()));
                if (!response.IsSuccessStatusCode)
                    errors++;
            }
        }
        var suggestSummary = suggest.Summarize();
        Console.WriteLine($"suggestions over HTTP p50 {Fmt(suggestSummary.P50, 2)} p99 {Fmt(suggestSummary.P99, 2)} ms");

        // (3) intake idle, then during a push to every enterprise, each at --intake-rate tickets a second (open loop, latency
        // from when each ticket was due). Not at saturation: there p99 is queueing behind whatever else writes (the
        // projector, a checkpoint), which varies from run to run more than a push could move it.
        var corpus = TicketCorpus.Generate(o.Intake * 2 * o.Pairs + WarmUp, o.Seed);
        var warmStart = Stopwatch.GetTimestamp();
        await IntakeAsync(server.Address, key, corpus.Skip(o.Intake * 2 * o.Pairs).ToList(), o.Clients); // warm-up: the saturation rate, not measured
        var rate = o.IntakeRate;
        Console.WriteLine($"intake at saturation {Fmt(WarmUp / Stopwatch.GetElapsedTime(warmStart).TotalSeconds, 0)}/s (warm-up); phases at {rate}/s");
        var idle = new Latencies(o.Intake * o.Pairs);
        var during = new Latencies(o.Intake * o.Pairs);
        var queued = 0;
        for (var pair = 0; pair < o.Pairs; pair++)
        {
            var idlePhase = await PacedIntakeAsync(server.Address, key, corpus.Skip(2 * pair * o.Intake).Take(o.Intake).ToList(), rate, idle);
            long policyId;
            await using (var scope = sp.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
                var policy = new Policy { Title = $"基准推送政策{pair + 1}", Summary = "面向全部企业的基准推送。", FullTextUrl = "https://example.invalid/p", CreatedAt = TimeProvider.System.GetUtcNow(), UpdatedAt = TimeProvider.System.GetUtcNow() };
                db.Policies.Add(policy);
                await db.SaveChangesAsync();
                policyId = policy.Id;
            }
            await sp.GetRequiredService<PolicyPushes>().StartAsync(policyId, new Actor("bench", "bench", Roles.Admin, null), CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(2)); // the push is writing
            var pushPhase = await PacedIntakeAsync(server.Address, key, corpus.Skip((2 * pair + 1) * o.Intake).Take(o.Intake).ToList(), rate, during);
            // A push to every enterprise runs for half an hour at this rate: stop it here, so the next idle phase is idle (the
            // worker reads the status before each batch; wait out a batch that may have started).
            await using (var scope = sp.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().PolicyPushes.Where(p => p.PolicyId == policyId)
                    .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PushStatus.Cancelled));
            await Task.Delay(TimeSpan.FromSeconds(3));
            int written;
            await using (var scope = sp.CreateAsyncScope())
                written = await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().PolicyDeliveries.CountAsync(d => d.PolicyId == policyId);
            queued += written;
            errors += idlePhase.Errors + pushPhase.Errors;
            Console.WriteLine($"pair {pair + 1}: intake p99 idle {Fmt(idlePhase.Latency.P99, 1)} ms, during the push {Fmt(pushPhase.Latency.P99, 1)} ms ({written} push emails written)");
        }
        var idleSummary = idle.Summarize();
        var duringSummary = during.Summarize();
        Console.WriteLine($"intake p99 idle {Fmt(idleSummary.P99, 1)} ms, during the push {Fmt(duringSummary.P99, 1)} ms (pooled over {o.Pairs} pairs)");
        return new RunResult(searchSummary, rawSummary, suggestSummary, idleSummary, duringSummary, queued, errors);
    }

    private static async Task ExplainAsync(string root, Options o)
    {
        await using var server = await InProcessHotline.StartAsync(root, Settings(o));
        var sp = server.App.Services;
        var search = sp.GetRequiredService<KnowledgeSearch>();
        sp.GetRequiredService<Hotline.Server.Text.ChineseText>().EnsureLoaded();
        using var raw = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = server.DatabaseFile, Mode = SqliteOpenMode.ReadOnly }.ToString());
        raw.Open();
        using var rawCommand = raw.CreateCommand();
        rawCommand.CommandText = "SELECT rowid, rank FROM knowledge_fts WHERE knowledge_fts MATCH $q ORDER BY rank LIMIT 50";
        var rawParameter = rawCommand.Parameters.Add("$q", SqliteType.Text);
        using var countCommand = raw.CreateCommand();
        countCommand.CommandText = "SELECT count(*) FROM knowledge_fts WHERE knowledge_fts MATCH $q";
        var countParameter = countCommand.Parameters.Add("$q", SqliteType.Text);
        // Top-3 at size: the fixture's article, or one of the generated variants of it (their titles contain its question).
        var repository = RepositoryRoot()!;
        using var fixture = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(repository, "tests", "Hotline.Tests", "Knowledge", "search-quality.json")));
        var expected = fixture.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("question").GetString()!, e => e.GetProperty("article").GetString()!);
        Dictionary<string, (long Id, string Title)> seeded;
        await using (var scope = sp.CreateAsyncScope())
            seeded = await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().KnowledgeArticles.AsNoTracking().Where(a => a.SeedKey != null)
                .ToDictionaryAsync(a => a.SeedKey!, a => (a.Id, TrimQuestion(a.Title)));
        var found = 0;
        var rows = new List<(string Query, string Match, long Matches, double Raw, double Ours)>();
        foreach (var q in Queries().Distinct())
        {
            if (expected.TryGetValue(q, out var key))
            {
                var top = await search.SearchAsync(new KnowledgeQuery(q, KnowledgeAudience.Staff, Limit: 3), CancellationToken.None);
                var (id, title) = seeded[key];
                if (top.Any(r => r.Id == id || r.Title.Contains(title, StringComparison.Ordinal)))
                    found++;
                else
                    Console.WriteLine($"  top-3 miss: {Shorten(q, 30)} → {title}; got {string.Join(" | ", top.Select(r => Shorten(r.Title, 20)))}");
            }
            var match = await search.MatchTextAsync(q, CancellationToken.None);
            countParameter.Value = match;
            var matches = match.Length == 0 ? 0 : (long)countCommand.ExecuteScalar()!;
            var rawMs = new List<double>();
            var ourMs = new List<double>();
            for (var rep = 0; rep < 3; rep++)
            {
                var start = Stopwatch.GetTimestamp();
                if (match.Length > 0)
                    RawQuery(rawCommand, rawParameter, match);
                var mid = Stopwatch.GetTimestamp();
                await search.SearchAsync(new KnowledgeQuery(q, KnowledgeAudience.Staff), CancellationToken.None);
                rawMs.Add(Latencies.Ms(start, mid));
                ourMs.Add(Latencies.Ms(mid, Stopwatch.GetTimestamp()));
            }
            rows.Add((q, match, matches, rawMs.Order().ElementAt(1), ourMs.Order().ElementAt(1)));
            if (rows.Count % 20 == 0)
                Console.WriteLine($"  {rows.Count} queries …");
        }
        foreach (var r in rows.OrderByDescending(r => r.Ours))
            Console.WriteLine($"{Fmt(r.Ours, 1),8} ms ours {Fmt(r.Raw, 1),8} ms raw {r.Matches,7} matches  {Shorten(r.Query, 30)}  ⟶  {r.Match}");
        var ours = rows.Select(r => r.Ours).Order().ToList();
        Console.WriteLine($"top-3 at size (the article or a variant of it): {found}/{expected.Count} ({Fmt(found * 100.0 / expected.Count, 1)}%)");
        Console.WriteLine($"{rows.Count} queries: ours median {Fmt(ours[ours.Count / 2], 1)} ms, max {Fmt(ours[^1], 1)} ms; total {Fmt(ours.Sum(), 0)} ms");
    }

    private static void RawQuery(SqliteCommand command, SqliteParameter parameter, string match)
    {
        parameter.Value = match;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            _ = reader.GetInt64(0);
            _ = reader.GetDouble(1);
        }
    }

    private sealed record IntakeRun(LatencySummary Latency, int Errors);

    /// <summary>Tickets registered to find the saturation rate before the measured phases.</summary>
    private const int WarmUp = 600;

    /// <summary>Open loop at <paramref name="rate"/> tickets a second (<see cref="IntakeBenchmark.OpenLoopAsync"/>).</summary>
    private static async Task<IntakeRun> PacedIntakeAsync(Uri address, string key, List<BenchTicket> tickets, double rate, Latencies pooled)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseCookies = false }) { BaseAddress = address };
        http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
        var phase = await IntakeBenchmark.OpenLoopAsync(http, [.. tickets.Select(t => t.ToJson())], rate, tickets.Count / rate, new ConcurrentBag<string>(), pooled);
        return new IntakeRun(phase.Latency, phase.Errors);
    }

    private static async Task<IntakeRun> IntakeAsync(Uri address, string key, List<BenchTicket> tickets, int clients)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseCookies = false }) { BaseAddress = address };
        http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
        var latencies = new Latencies(tickets.Count);
        var errors = 0;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < tickets.Count; i = Interlocked.Increment(ref next))
            {
                using var content = new ByteArrayContent(tickets[i].ToJson());
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/api/tickets", content);
                latencies.Add(Latencies.Ms(start, Stopwatch.GetTimestamp()));
                if (!response.IsSuccessStatusCode)
                    Interlocked.Increment(ref errors);
            }
        }));
        return new IntakeRun(latencies.Summarize(), errors);
    }

    /// <summary>The search-quality fixture's questions (short, colloquial, typos, long ones from tickets) and a few one-character ones.</summary>
    private static List<string> Queries()
    {
        var root = RepositoryRoot() ?? throw new InvalidOperationException("Run from the repository: the queries come from tests/Hotline.Tests/Knowledge.");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "tests", "Hotline.Tests", "Knowledge", "search-quality.json")));
        return [.. doc.RootElement.EnumerateArray().Select(e => e.GetProperty("question").GetString()!), "税", "电", "gjj", "社保", "公积金"];
    }

    private static string TrimQuestion(string title) => title.TrimEnd('？', '?', '。').Split('：', 2)[^1];

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..max];

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal), overwrite: true);
    }

    private static string Report(List<RunResult> runs, Options o, string command, Generation g)
    {
        var ci = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(ci, $"Run {TimeProvider.System.GetLocalNow():yyyy-MM-dd HH:mm zzz}, {runs.Count} run(s), each on a fresh copy of the cached database.");
        b.AppendLine();
        b.AppendLine(ci, $"    {command}");
        b.AppendLine();
        b.AppendLine(ci, $"Machine: {MachineSummary()}.");
        b.AppendLine();
        b.AppendLine(ci, $"Data: {g.Articles:N0} articles (the 726 seeded ones and variants of them by district and wording, 5% expired), {g.Enterprises:N0} enterprises; "
            + $"SQLite file {Fmt(g.FileMb, 0)} MB. Queries: the {Queries().Count} questions of the search-quality fixture plus one-character and initials queries, {o.Reps} repetitions.");
        b.AppendLine();
        b.AppendLine("| Run | search p50 / p99 (ms) | raw FTS5 p50 / p99 (ms) | raw ÷ search at p99 (goal ≥ 0.8) | suggestions over HTTP p50 / p99 (ms) | intake p99 idle / during push (ms) | during ÷ idle (goal ≤ 1.1) | push emails written | errors |");
        b.AppendLine("|---|---|---|---|---|---|---|---|---|");
        for (var i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            b.AppendLine(ci, $"| {i + 1} | {Fmt(r.Search.P50, 2)} / {Fmt(r.Search.P99, 2)} | {Fmt(r.Raw.P50, 2)} / {Fmt(r.Raw.P99, 2)} | {Fmt(r.Raw.P99 / r.Search.P99, 2)} | "
                + $"{Fmt(r.Suggest.P50, 2)} / {Fmt(r.Suggest.P99, 2)} | {Fmt(r.IntakeIdle.P99, 1)} / {Fmt(r.IntakePush.P99, 1)} | {Fmt(r.IntakePush.P99 / r.IntakeIdle.P99, 2)} | {r.PushQueued} | {r.Errors} |");
        }
        b.AppendLine();
        b.AppendLine(ci, $"Goals (issue 14): search p99 ≤ 20 ms and at least 0.8× the raw FTS5 query of the same MATCH expression (raw p99 ÷ search p99 ≥ 0.8); "
            + $"suggestions p99 ≤ 50 ms end to end; intake p99 during a push within 1.1× of idle (push rate {o.PushRate}/min; {o.Pairs} alternating pairs of phases, each phase {o.Intake} tickets at {o.IntakeRate}/s, open loop, latency from when each was due, pooled per kind).");
        return b.ToString();
    }
}
