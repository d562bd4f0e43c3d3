using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Server.Access;
using Hotline.Server.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Npgsql;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;
using static Hotline.Benchmarks.BenchReport;

namespace Hotline.Benchmarks;

/// <summary>
/// <c>scaleout</c>: intake through a YARP balancer (round robin) in front of 1, 2 and 3 real node processes
/// (<c>dotnet Hotline.Server.dll</c>, Production settings, logging as shipped) on one PostgreSQL database and one Redis;
/// throughput, p50/p99 and the nodes' CPU per ticket (PostgreSQL's CPU not included), ratios against one node in the
/// same run. Then, on two nodes, failover: an SLA herd falls due, the node executing the sweep is killed (SIGKILL) and
/// the time to the next step taken by the other node is measured, as is the time to clear the herd. Before that, still on
/// two nodes, fan-out: --fanout-clients .NET SignalR clients (centre connections, each hears every event) connect through the
/// balancer, which spreads them over both nodes; tickets registered on node a at --fanout-rate per second for
/// --fanout-seconds are timed from their OccurredAt to receipt and counted per client (0 lost is the goal).
/// Options: --postgres "Host=…" (else HOTLINE_TEST_POSTGRES) --nodes 1,2,3 --tickets 5000 --clients 32 --warmup 300 (tickets, repeated until --warmup-seconds 45 have passed)
/// --fanout-clients 5000 (0 skips) --fanout-seconds 30 --fanout-rate 5 --no-doc; --herd-only [--herd 10000] [--herds 1] measures only the SLA herd
/// (no kill) on each --nodes size (default 1,2).
/// Needs /usr/bin/redis-server. CPU: nodes = sum of the node processes' CPU time over the measured phase.
/// </summary>
public static class ScaleoutBenchmark
{
    private const string NodeHeader = "X-Bench-Node";

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var postgres = args.Text("postgres") ?? Environment.GetEnvironmentVariable("HOTLINE_TEST_POSTGRES");
        if (string.IsNullOrEmpty(postgres) || !File.Exists("/usr/bin/redis-server"))
        {
            Console.Error.WriteLine("scaleout needs --postgres (or HOTLINE_TEST_POSTGRES) and /usr/bin/redis-server");
            return 2;
        }
        var counts = (args.Text("nodes") ?? (args.Flag("herd-only") ? "1,2" : "1,2,3")).Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList();
        if (args.Flag("herd-only"))
            return await HerdOnlyAsync(postgres, counts, args.Whole("herd", 10_000), args.Whole("herds", 1));
        var tickets = args.Whole("tickets", 5_000);
        var clients = args.Whole("clients", 32);
        var warmup = args.Whole("warmup", 300);
        var warmupSeconds = args.Number("warmup-seconds", 45);
        var fanoutClients = args.Whole("fanout-clients", 5_000);
        var fanoutSeconds = args.Number("fanout-seconds", 30);
        var fanoutRate = args.Number("fanout-rate", 5);
        Console.WriteLine($"scaleout: nodes {string.Join(',', counts)}, {tickets} tickets, {clients} clients; machine: {MachineSummary()}");
        var bodies = TicketCorpus.Generate(tickets + warmup, 12345).Select(t => t.ToJson()).ToArray();

        var results = new List<(int Nodes, double Rate, LatencySummary Latency, double CpuMsPerTicket, int Errors)>();
        Failover? failover = null;
        FanoutResult? fanout = null;
        foreach (var n in counts)
        {
            await using var cluster = await Cluster.StartAsync(postgres, n);
            var key = await cluster.ApiKeyAsync();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = cluster.Balancer, Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
            // Fresh node processes spend their first minute recompiling hot code (tiered JIT; see the intake benchmark's
            // warm-up): warm up for a while, not only for a count, so every cluster size is measured at steady state.
            var warming = Stopwatch.StartNew();
            do
                await LoadAsync(http, bodies.AsMemory(0, warmup), clients, new Latencies(warmup));
            while (warming.Elapsed.TotalSeconds < warmupSeconds);
            var cpuBefore = cluster.CpuTime();
            var latencies = new Latencies(tickets);
            var wall = Stopwatch.StartNew();
            var errors = await LoadAsync(http, bodies.AsMemory(warmup, tickets), clients, latencies);
            wall.Stop();
            var cpu = cluster.CpuTime() - cpuBefore;
            var rate = latencies.Count / wall.Elapsed.TotalSeconds;
            var summary = latencies.Summarize();
            results.Add((n, rate, summary, cpu.TotalMilliseconds / Math.Max(1, latencies.Count), errors));
            Console.WriteLine($"{n} node(s): {Fmt(rate, 0)} tickets/s, p50 {Fmt(summary.P50)} p99 {Fmt(summary.P99)} ms, CPU {Fmt(cpu.TotalMilliseconds / Math.Max(1, latencies.Count), 2)} ms/ticket, {errors} errors");
            if (n == 2 && fanoutClients > 0)
            {
                fanout = await FanoutAsync(cluster, key, fanoutClients, fanoutSeconds, fanoutRate);
                Console.WriteLine(fanout);
            }
            if (n == 2)
            {
                failover = await FailoverAsync(cluster, key);
                Console.WriteLine(failover);
            }
        }

        var report = Report(results, failover, fanout, tickets, clients);
        Console.WriteLine(report);
        if (!args.Flag("no-doc") && WriteSection("scaleout", report) is { } file)
            Console.WriteLine($"written to {file}");
        return 0;
    }

    private static async Task<int> LoadAsync(HttpClient http, ReadOnlyMemory<byte[]> bodies, int clients, Latencies latencies)
    {
        var next = -1;
        var errors = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length)
            {
                using var content = new ByteArrayContent(bodies.Span[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/api/tickets", content);
                if (response.StatusCode == HttpStatusCode.Created)
                    latencies.Add(Latencies.Ms(start, Stopwatch.GetTimestamp()));
                else
                    Interlocked.Increment(ref errors);
            }
        })));
        return errors;
    }

    private sealed record FanoutResult(int Clients, IReadOnlyDictionary<string, int> PerNode, double ConnectSeconds, long Events, long Expected, long Lost, LatencySummary Latency)
    {
        public override string ToString() =>
            $"{Clients:N0} SignalR clients through the balancer ({string.Join(", ", PerNode.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value:N0} on {p.Key}"))}; "
            + $"connected in {Fmt(ConnectSeconds, 1)} s), {Events:N0} events made on node-a, {Expected:N0} deliveries expected: "
            + $"p50 {Fmt(Latency.P50)} ms, p99 {Fmt(Latency.P99)} ms, max {Fmt(Latency.Max)} ms (OccurredAt to receipt), lost {Lost:N0}";
    }

    /// <summary>
    /// Centre connections spread over both nodes by the balancer hear tickets registered on node a (so half of them
    /// across Redis): latency from the event's OccurredAt to receipt (one machine clock), and every event each should hear.
    /// </summary>
    private static async Task<FanoutResult> FanoutAsync(Cluster cluster, string key, int count, double seconds, double rate)
    {
        var clients = new List<FanoutClient>(count);
        var connect = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(64))
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                await gate.WaitAsync();
                try
                {
                    var client = await FanoutClient.ConnectAsync(cluster.Balancer, key);
                    lock (clients)
                        clients.Add(client);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        var connectSeconds = connect.Elapsed.TotalSeconds;
        try
        {
            var baseline = await cluster.ScalarAsync("SELECT COALESCE(MAX(\"Id\"), 0) FROM ticket_events");
            using var http = new HttpClient { BaseAddress = cluster.NodeAddress("node-a"), Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
            var bodies = TicketCorpus.Generate((int)Math.Ceiling(seconds * rate), 54321).Select(t => t.ToJson()).ToArray();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < bodies.Length; i++)
            {
                var due = TimeSpan.FromSeconds(i / rate) - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                    await Task.Delay(due);
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("/api/tickets", content);
                response.EnsureSuccessStatusCode();
            }
            var last = await cluster.ScalarAsync("SELECT COALESCE(MAX(\"Id\"), 0) FROM ticket_events");
            var expected = (await cluster.ScalarAsync($"SELECT COUNT(*) FROM ticket_events WHERE \"Id\" > {baseline} AND \"Id\" <= {last}"));
            // Drain: until every client has every event, or 10 s without progress.
            var drained = Stopwatch.StartNew();
            long Missing() => clients.Sum(c => c.Missing(baseline, last, expected));
            var missing = Missing();
            while (missing > 0 && drained.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(200);
                var now = Missing();
                if (now < missing)
                    drained.Restart();
                missing = now;
            }
            var latencies = new Latencies((int)Math.Min(int.MaxValue, expected * count));
            foreach (var c in clients)
                c.AddLatencies(latencies, baseline, last);
            var perNode = clients.GroupBy(c => c.Node ?? "?").ToDictionary(g => g.Key, g => g.Count());
            return new FanoutResult(count, perNode, connectSeconds, expected, expected * count, missing, latencies.Summarize());
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>One .NET SignalR client (WebSockets, no negotiate) through the balancer, recording sequence → latency.</summary>
    private sealed class FanoutClient : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<long, double> received = new();
        private readonly HubConnection connection;

        private FanoutClient(HubConnection connection)
        {
            this.connection = connection;
            connection.On<TicketEventMessage>(nameof(ITicketsClient.TicketEvent),
                m => received.TryAdd(m.Sequence, (TimeProvider.System.GetUtcNow() - m.OccurredAt).TotalMilliseconds));
        }

        /// <summary>The node that answered the WebSocket upgrade (the balancer's choice).</summary>
        public string? Node { get; private set; }

        public static async Task<FanoutClient> ConnectAsync(Uri balancer, string key)
        {
            string? node = null;
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(balancer, "hubs/tickets"), o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                    o.Headers[ApiKeyAuthenticationHandler.Header] = key;
                    o.WebSocketFactory = async (context, ct) =>
                    {
                        var socket = new ClientWebSocket();
                        socket.Options.CollectHttpResponseDetails = true;
                        socket.Options.SetRequestHeader(ApiKeyAuthenticationHandler.Header, key);
                        var url = new UriBuilder(context.Uri) { Scheme = context.Uri.Scheme == "https" ? "wss" : "ws" }.Uri;
                        await socket.ConnectAsync(url, ct);
                        node = socket.HttpResponseHeaders?.TryGetValue(NodeHeader, out var values) == true ? values.FirstOrDefault() : null;
                        return socket;
                    };
                })
                .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
                .Build();
            var client = new FanoutClient(connection);
            await connection.StartAsync();
            client.Node = node;
            await connection.InvokeAsync<List<TicketEventMessage>>("Since", long.MaxValue); // in its groups from here on
            return client;
        }

        public long Missing(long after, long last, long expected) => expected - received.Keys.Count(q => q > after && q <= last);

        public void AddLatencies(Latencies latencies, long after, long last)
        {
            foreach (var (q, ms) in received)
            {
                if (q > after && q <= last)
                    latencies.Add(ms);
            }
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    /// <summary>
    /// Every running clock but a probe's moved 60 days back: wait for the first step, kill the node executing the sweep,
    /// then move the probe's clock back too and time the first step the other node takes. The probe makes the takeover
    /// measurable whatever the herd's size: a small herd is often cleared by the first node in the sweep that took its first
    /// step, before the kill lands, and waiting for a step after the kill then never ended (the hang of the first small run).
    /// Every wait gives up after <see cref="FailoverPatience"/> and the report says so.
    /// </summary>
    private static async Task<Failover> FailoverAsync(Cluster cluster, string key)
    {
        using var http = new HttpClient { BaseAddress = cluster.Balancer, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        using var content = new ByteArrayContent(TicketCorpus.Generate(1, 777).Single().ToJson());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var registered = await http.PostAsync("/api/tickets", content);
        registered.EnsureSuccessStatusCode();
        var probe = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
        var probeTicket = $"(SELECT \"Id\" FROM tickets WHERE \"Number\" = '{probe}')";

        var baseline = await cluster.ScalarAsync("SELECT COALESCE(MAX(\"Id\"), 0) FROM ticket_events");
        var herdStart = Stopwatch.StartNew();
        var herd = await cluster.ScalarAsync(ShiftClocks($"\"TicketId\" <> {probeTicket}"));
        string? sweeper = null;
        var patience = Stopwatch.StartNew();
        while (sweeper is null || await cluster.ScalarAsync($"SELECT COUNT(*) FROM ticket_events WHERE \"Id\" > {baseline}") == 0)
        {
            if (patience.Elapsed > FailoverPatience)
                return new Failover(herd, null, null, 0, sweeper is null ? "no node was seen executing the sweep" : "the herd's first step never came");
            sweeper = await cluster.TextAsync("SELECT instance_name FROM qrtz_fired_triggers WHERE trigger_name = 'sla-sweep' LIMIT 1") ?? sweeper;
            await Task.Delay(2);
        }
        var atKill = await cluster.ScalarAsync("SELECT COALESCE(MAX(\"Id\"), 0) FROM ticket_events");
        cluster.Kill(sweeper);
        var killed = Stopwatch.StartNew();
        await cluster.ScalarAsync(ShiftClocks($"\"TicketId\" = {probeTicket}"));
        while (await cluster.ScalarAsync($"SELECT COUNT(*) FROM ticket_events WHERE \"Id\" > {atKill}") == 0)
        {
            if (killed.Elapsed > FailoverPatience)
                return new Failover(herd, null, null, 0, $"no SLA step within {FailoverPatience.TotalSeconds:0} s of killing {sweeper}");
            await Task.Delay(20);
        }
        var failover = killed.Elapsed.TotalSeconds;
        while (await cluster.ScalarAsync("SELECT COUNT(*) FROM sla_clocks WHERE \"NextAt\" <= now()") > 0)
        {
            if (herdStart.Elapsed > FailoverPatience + killed.Elapsed)
                return new Failover(herd, failover, null, 0, $"the herd was not cleared within {FailoverPatience.TotalSeconds:0} s of the takeover");
            await Task.Delay(20);
        }
        return new Failover(herd, failover, herdStart.Elapsed.TotalSeconds, await cluster.ScalarAsync($"SELECT COUNT(*) FROM ticket_events WHERE \"Id\" > {baseline}"), null);
    }

    private static readonly TimeSpan FailoverPatience = TimeSpan.FromMinutes(2);

    /// <summary>
    /// <c>--herd-only</c>: on each cluster size, only the SLA herd, no kill: <paramref name="size"/> SignFor clocks of dispatched
    /// tickets breach in the same whole second (the sla benchmark's herd, on PostgreSQL), timed from that second to the
    /// commit that takes the first and the last of them, each node's CPU over it, and checked exactly once.
    /// <c>--herds N</c> lets each cluster take N herds in turn: the first meets code the nodes have never run (the JIT's
    /// work is in its CPU), the later ones what a node that has swept before meets.
    /// </summary>
    private static async Task<int> HerdOnlyAsync(string postgres, IReadOnlyList<int> counts, int size, int herds)
    {
        var lines = new List<string>();
        foreach (var n in counts)
        {
            await using var cluster = await Cluster.StartAsync(postgres, n);
            for (var round = 1; round <= herds; round++)
            {
                var result = await HerdAsync(cluster, size, round);
                var line = $"herd {(herds > 1 ? $"{round} of {herds} " : "")}on {n} node(s): {result}";
                Console.WriteLine(line);
                lines.Add(line);
            }
        }
        Console.WriteLine(string.Join(Environment.NewLine, lines));
        return 0;
    }

    private static async Task<string> HerdAsync(Cluster cluster, int size, int round = 1)
    {
        // One ticket through the API (registered, dispatched to cgj, whose head gets the breach emails), copied in SQL.
        var agent = await cluster.ApiKeyAsync();
        var dispatcher = await cluster.ApiKeyAsync("Dispatcher");
        using var http = new HttpClient { BaseAddress = cluster.Balancer, Timeout = TimeSpan.FromMinutes(2) };
        using var content = new ByteArrayContent(TicketCorpus.Generate(1, 4242).Single().ToJson());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var register = new HttpRequestMessage(HttpMethod.Post, "/api/tickets") { Content = content };
        register.Headers.Add("X-Api-Key", agent);
        using var registered = await http.SendAsync(register);
        registered.EnsureSuccessStatusCode();
        var view = await registered.Content.ReadFromJsonAsync<JsonElement>();
        var number = view.GetProperty("number").GetString()!;
        using var dispatch = new HttpRequestMessage(HttpMethod.Post, $"/api/tickets/{number}/actions/dispatch")
        {
            Content = JsonContent.Create(new { departmentCode = "cgj", instructions = "请按职责办理。", expectedVersion = view.GetProperty("version").GetInt32() }),
        };
        dispatch.Headers.Add("X-Api-Key", dispatcher);
        using var dispatched = await http.SendAsync(dispatch);
        if (!dispatched.IsSuccessStatusCode)
            return $"not measured: dispatching the template ticket answered {(int)dispatched.StatusCode} {await dispatched.Content.ReadAsStringAsync()}";

        var firstTicket = await cluster.ScalarAsync("SELECT MAX(\"Id\") FROM tickets") + 1;
        // Set up a day ahead, and brought due once the copies' events are projected (the projector must not run with the herd).
        var due = TimeProvider.System.GetUtcNow().AddDays(1);
        due = due.AddTicks(-(due.UtcTicks % TimeSpan.TicksPerSecond));
        string At(DateTimeOffset t) => $"timestamptz '{t.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00'";
        var dueSql = At(due);
        var ticketColumns = await cluster.ColumnsAsync("tickets");
        var clockColumns = await cluster.ColumnsAsync("sla_clocks");
        string Pick(IEnumerable<string> columns, string table, IReadOnlyDictionary<string, string> set) =>
            string.Join(", ", columns.Select(c => set.TryGetValue(c, out var v) ? v : $"{table}.\"{c}\""));
        var ticketSet = new Dictionary<string, string> { ["Number"] = $"'H{round % 10}' || lpad(g::text, 14, '0')", ["IdempotencyKey"] = "NULL" };
        var clockSet = new Dictionary<string, string>
        {
            ["TicketId"] = "n.\"Id\"", ["Stage"] = "'WarnedAgain'", ["FirstWarningAt"] = $"{dueSql} - interval '60 seconds'",
            ["SecondWarningAt"] = $"{dueSql} - interval '30 seconds'", ["DueAt"] = dueSql, ["EscalateAt"] = $"{dueSql} + interval '30 days'", ["NextAt"] = dueSql,
        };
        var eventColumns = (await cluster.ColumnsAsync("ticket_events")).Where(c => c != "Id").ToList();
        var tickets = ticketColumns.Where(c => c != "Id").ToList();
        var clocks = clockColumns.Where(c => c != "Id").ToList();
        var copied = await cluster.ScalarAsync(
            $"WITH t AS (SELECT * FROM tickets WHERE \"Number\" = '{number}'), " +
            $"n AS (INSERT INTO tickets ({string.Join(", ", tickets.Select(c => $"\"{c}\""))}) SELECT {Pick(tickets, "t", ticketSet)} FROM t, generate_series(1, {size}) g RETURNING \"Id\"), " +
            $"c AS (INSERT INTO sla_clocks ({string.Join(", ", clocks.Select(c => $"\"{c}\""))}) SELECT {Pick(clocks, "k", clockSet)} FROM n, " +
            $"sla_clocks k WHERE k.\"TicketId\" = (SELECT \"Id\" FROM t) AND k.\"Kind\" = 'SignFor' RETURNING 1), " +
            // Each copy's register and dispatch events too, so the projector and the publisher see whole tickets.
            $"e AS (INSERT INTO ticket_events ({string.Join(", ", eventColumns.Select(c => $"\"{c}\""))}) SELECT {Pick(eventColumns, "v", new Dictionary<string, string> { ["TicketId"] = "n.\"Id\"" })} " +
            $"FROM n, ticket_events v WHERE v.\"TicketId\" = (SELECT \"Id\" FROM t) ORDER BY n.\"Id\", v.\"Version\" RETURNING 1) SELECT COUNT(*) FROM c");
        if (copied != size)
            return $"not measured: {copied} clocks set up instead of {size}";
        var events = await cluster.ScalarAsync("SELECT MAX(\"Id\") FROM ticket_events");
        var settle = Stopwatch.StartNew();
        while (await cluster.ScalarAsync("SELECT COALESCE(MAX(\"Position\"), 0) FROM analytics_checkpoints") < events && settle.Elapsed < FailoverPatience)
            await Task.Delay(200);
        Console.WriteLine($"herd: {size:N0} tickets set up, their events projected in {Fmt(settle.Elapsed.TotalSeconds, 1)} s");
        var baseline = await cluster.ScalarAsync("SELECT COALESCE(MAX(\"Id\"), 0) FROM ticket_events");
        var far = due;
        due = TimeProvider.System.GetUtcNow().AddSeconds(5);
        due = due.AddTicks(-(due.UtcTicks % TimeSpan.TicksPerSecond));
        var shift = $"interval '{(long)(due - far).TotalSeconds} seconds'";
        await cluster.ScalarAsync($"WITH s AS (UPDATE sla_clocks SET \"FirstWarningAt\" = \"FirstWarningAt\" + {shift}, \"SecondWarningAt\" = \"SecondWarningAt\" + {shift}, " +
            $"\"DueAt\" = \"DueAt\" + {shift}, \"EscalateAt\" = \"EscalateAt\" + {shift}, \"NextAt\" = \"NextAt\" + {shift} WHERE \"NextAt\" = {dueSql} RETURNING 1) SELECT COUNT(*) FROM s");
        dueSql = At(due);

        // Watch the herd's clocks leave their due instant (each commit moves a batch's NextAt on to the escalation).
        var wait = due - TimeProvider.System.GetUtcNow() - TimeSpan.FromMilliseconds(200);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        var cpuBefore = cluster.CpuTimes();
        var postgresBefore = PostgresCpu();
        double? first = null;
        var commits = 0;
        var left = (long)size;
        while (left > 0)
        {
            var now = await cluster.ScalarAsync($"SELECT COUNT(*) FROM sla_clocks WHERE \"NextAt\" = {dueSql}");
            var ms = (TimeProvider.System.GetUtcNow() - due).TotalMilliseconds;
            if (now < left)
            {
                first ??= ms;
                commits++;
                left = now;
            }
            if (ms > FailoverPatience.TotalMilliseconds)
                return $"not cleared within {FailoverPatience.TotalSeconds:0} s: {left:N0} of {size:N0} left";
            if (left > 0)
                await Task.Delay(10);
        }
        var cleared = (TimeProvider.System.GetUtcNow() - due).TotalMilliseconds;
        var cpu = cluster.CpuTimes().Select((t, i) => $"{cpuBefore[i].Id} {Fmt((t.Cpu - cpuBefore[i].Cpu).TotalSeconds, 2)} s").ToList();
        var postgresCpu = PostgresCpu() - postgresBefore;

        // Exactly once: one breach, one automatic supervision order and one head's email per clock.
        await Task.Delay(1_000);
        var herdTickets = $"\"TicketId\" >= {firstTicket}";
        var breaches = await cluster.ScalarAsync($"SELECT COUNT(*) FROM ticket_events WHERE \"Id\" > {baseline} AND {herdTickets} AND \"Action\" = 'SlaBreach'");
        var supervisions = await cluster.ScalarAsync($"SELECT COUNT(*) FROM ticket_events WHERE \"Id\" > {baseline} AND {herdTickets} AND \"Action\" = 'Supervise'");
        var twice = await cluster.ScalarAsync($"SELECT COUNT(*) FROM (SELECT \"TicketId\" FROM ticket_events WHERE \"Id\" > {baseline} AND {herdTickets} GROUP BY \"TicketId\", \"Action\" HAVING COUNT(*) > 1) d");
        var emails = await cluster.ScalarAsync($"SELECT COUNT(*) FROM outbox_emails WHERE {herdTickets} AND \"Kind\" = 'sla-breach'");
        var emailsTwice = await cluster.ScalarAsync($"SELECT COUNT(*) FROM (SELECT \"TicketId\" FROM outbox_emails WHERE {herdTickets} AND \"Kind\" = 'sla-breach' GROUP BY \"TicketId\" HAVING COUNT(*) > 1) d");
        var once = breaches == size && supervisions == size && twice == 0 && emails == size && emailsTwice == 0;
        return $"{size:N0} breaches due {due:HH:mm:ss}: first committed +{Fmt(first ?? 0, 0)} ms, cleared +{Fmt(cleared, 0)} ms after due "
            + $"({commits} commits seen); node CPU {string.Join(", ", cpu)}; PostgreSQL CPU {Fmt(postgresCpu.TotalSeconds, 2)} s; breaches {breaches:N0}, supervisions {supervisions:N0}, "
            + $"emails {emails:N0}, twice {twice + emailsTwice}: {(once ? "exactly once" : "NOT exactly once")}";
    }

    /// <summary>
    /// CPU time of every process on this machine named postgres (the server and its backends, ended ones excluded): what the
    /// database spent over the herd when it runs here. Another user of the same server counts too, so indicative only.
    /// </summary>
    private static TimeSpan PostgresCpu()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                if (close < 0 || stat[(stat.IndexOf('(') + 1)..close] != "postgres")
                    continue;
                var fields = stat[(close + 2)..].Split(' '); // state is field 3; utime and stime are fields 14 and 15
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // the process ended meanwhile, or is not a process directory
            }
        }
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    /// <summary>Moves the running clocks that match <paramref name="where"/> 60 days back (all their steps fall due); returns how many.</summary>
    private static string ShiftClocks(string where) =>
        "WITH s AS (UPDATE sla_clocks SET \"StartedAt\" = \"StartedAt\" - interval '60 days', \"FirstWarningAt\" = \"FirstWarningAt\" - interval '60 days', " +
        "\"SecondWarningAt\" = \"SecondWarningAt\" - interval '60 days', \"DueAt\" = \"DueAt\" - interval '60 days', \"EscalateAt\" = \"EscalateAt\" - interval '60 days', " +
        $"\"NextAt\" = \"NextAt\" - interval '60 days' WHERE \"NextAt\" IS NOT NULL AND {where} RETURNING 1) SELECT COUNT(*) FROM s";

    /// <summary>The failover's figures: clocks in the herd, seconds from the kill to the next step and from the herd falling due to its end, steps taken; or why it stopped.</summary>
    private sealed record Failover(long Clocks, double? FailoverSeconds, double? HerdSeconds, long Steps, string? Problem)
    {
        public override string ToString() => Problem is not null
            ? $"failover: {Problem} (herd of {Clocks:N0} clocks{(FailoverSeconds is { } f ? $"; next step {Fmt(f, 2)} s after the kill" : "")})"
            : $"failover: next sweep step {Fmt(FailoverSeconds!.Value, 2)} s after killing the sweeping node; herd of {Clocks:N0} clocks ({Steps:N0} steps) cleared in {Fmt(HerdSeconds!.Value, 2)} s";
    }

    private static string Report(List<(int Nodes, double Rate, LatencySummary Latency, double CpuMsPerTicket, int Errors)> results,
        Failover? failover, FanoutResult? fanout, int tickets, int clients)
    {
        var ci = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.Append(ci, $"Intake through a YARP balancer (round robin) in front of N node processes on one PostgreSQL and one Redis, ").Append(ci, $"{tickets:N0} tickets by {clients} closed-loop clients, production settings (logging as shipped). ")
            .Append("Ratios against one node in the same run. Figures to be measured on a quiet machine (3 runs); this machine has 2 cores, ")
            .Append("so more nodes cannot add throughput here: the question is what coordination costs.").AppendLine().AppendLine();
        b.AppendLine("| Nodes | Tickets/s | × 1 node | p50 ms | p99 ms | Node CPU ms/ticket | Errors |");
        b.AppendLine("|---|---|---|---|---|---|---|");
        var one = results.FirstOrDefault(r => r.Nodes == 1).Rate;
        foreach (var r in results)
            b.AppendLine(ci, $"| {r.Nodes} | {Fmt(r.Rate, 0)} | {(one > 0 ? Fmt(r.Rate / one, 2) : "–")} | {Fmt(r.Latency.P50)} | {Fmt(r.Latency.P99)} | {Fmt(r.CpuMsPerTicket, 2)} | {r.Errors} |");
        if (failover is { Problem: null } f)
            b.AppendLine().Append(ci, $"Failover (2 nodes): the first SLA step after killing the node executing the sweep came {Fmt(f.FailoverSeconds!.Value, 2)} s later ")
                .Append(ci, $"(goal ≤ 15 s: check-in every 3 s, dead 4 s after a missed one); the herd of {f.Clocks:N0} clocks ({f.Steps:N0} steps) was cleared {Fmt(f.HerdSeconds!.Value, 2)} s after it fell due, ")
                .Append("the kill and the takeover included (the herd goal, 10,000 within 2 s on two nodes, is measured alone by --herd-only).").AppendLine();
        else if (failover is { } stopped)
            b.AppendLine().Append(ci, $"Failover (2 nodes): not measured, {stopped}.").AppendLine();
        if (fanout is { } o)
            b.AppendLine().Append(ci, $"Fan-out (2 nodes): {o}; goal at 5,000 clients p99 ≤ 50 ms and 0 lost.").AppendLine();
        return b.ToString();
    }

    /// <summary>Redis, N node processes started one after another on a fresh database, and a balancer in this process.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly List<(string Id, Process Process, Uri Address)> nodes = [];
        private readonly string admin;
        private string database = "";
        private string data = "";
        private Process? redis;
        private WebApplication? balancer;

        private Cluster(string admin) => this.admin = admin;

        public Uri Balancer { get; private set; } = null!;

        public static async Task<Cluster> StartAsync(string postgres, int count)
        {
            var cluster = new Cluster(postgres);
            cluster.database = $"hotline_scaleout_{Guid.NewGuid():N}";
            var connection = new NpgsqlConnectionStringBuilder(postgres) { Database = cluster.database }.ToString();
            var redisPort = FreePort();
            cluster.redis = Process.Start(new ProcessStartInfo("/usr/bin/redis-server", ["--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                RedirectStandardOutput = true, UseShellExecute = false,
            })!;
            cluster.redis.OutputDataReceived += (_, _) => { }; // drained: a full pipe would stop Redis
            cluster.redis.BeginOutputReadLine();
            var data = cluster.data = Path.Combine(Path.GetTempPath(), $"hotline-scaleout-{Guid.NewGuid():N}");
            for (var i = 0; i < count; i++)
            {
                var id = $"node-{(char)('a' + i)}";
                var port = FreePort();
                var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
                foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Hotline.Server.dll"), "--urls", $"http://127.0.0.1:{port}" })
                    start.ArgumentList.Add(arg);
                start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
                start.Environment["Hotline__DataPath"] = Path.Combine(data, id);
                start.Environment["Hotline__NodeId"] = id;
                start.Environment["Hotline__InitialAdmin__UserName"] = "bench-admin";
                start.Environment["Hotline__InitialAdmin__Password"] = "Bench-admin-password-1";
                start.Environment["Database__Provider"] = "Postgres";
                start.Environment["Database__ConnectionString"] = connection;
                start.Environment["Redis__Configuration"] = $"127.0.0.1:{redisPort}";
                var process = Process.Start(start)!;
                // HOTLINE_BENCH_NODE_LOGS=DIR keeps each node's console output in DIR/node-x.log (to read what a node did).
                var log = Environment.GetEnvironmentVariable("HOTLINE_BENCH_NODE_LOGS") is { Length: > 0 } logs
                    ? TextWriter.Synchronized(new StreamWriter(Path.Combine(logs, $"{id}.log")) { AutoFlush = true }) : null;
                process.OutputDataReceived += (_, e) => log?.WriteLine(e.Data);
                process.ErrorDataReceived += (_, e) => log?.WriteLine(e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                var address = new Uri($"http://127.0.0.1:{port}");
                cluster.nodes.Add((id, process, address));
                using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
                while (true)
                {
                    if (process.HasExited)
                        throw new InvalidOperationException($"{id} exited while starting");
                    try
                    {
                        using var ready = await probe.GetAsync("/health/ready");
                        if (ready.IsSuccessStatusCode)
                            break;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                    }
                    await Task.Delay(100);
                }
            }
            var balancerPort = FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{balancerPort}");
            builder.Logging.ClearProviders();
            builder.Services.AddReverseProxy().LoadFromMemory(
                [new RouteConfig { RouteId = "all", ClusterId = "nodes", Match = new RouteMatch { Path = "{**rest}" } }],
                [new ClusterConfig
                {
                    ClusterId = "nodes", LoadBalancingPolicy = "RoundRobin",
                    Destinations = cluster.nodes.ToDictionary(n => n.Id, n => new DestinationConfig { Address = n.Address.ToString() }),
                }])
                .AddTransforms(t => t.AddResponseTransform(response =>
                {
                    // Names the node that answered (the fan-out phase counts its clients per node).
                    if (response.HttpContext.Features.Get<Yarp.ReverseProxy.Model.IReverseProxyFeature>()?.ProxiedDestination?.DestinationId is { } node)
                        response.HttpContext.Response.Headers[NodeHeader] = node;
                    return ValueTask.CompletedTask;
                }));
            cluster.balancer = builder.Build();
            cluster.balancer.MapReverseProxy();
            await cluster.balancer.StartAsync();
            cluster.Balancer = new Uri($"http://127.0.0.1:{balancerPort}");
            return cluster;
        }

        public Uri NodeAddress(string id) => nodes.Single(n => n.Id == id).Address;

        public Task<string> ApiKeyAsync(string role = "Agent") => ChildServers.AgentKeyAsync(nodes[0].Address, "bench-admin", "Bench-admin-password-1", role);

        /// <summary>Each live node's CPU time so far.</summary>
        public List<(string Id, TimeSpan Cpu)> CpuTimes() =>
            nodes.Where(n => !n.Process.HasExited).Select(n => { n.Process.Refresh(); return (n.Id, n.Process.TotalProcessorTime); }).ToList();

        /// <summary>A table's columns in their order.</summary>
        public async Task<List<string>> ColumnsAsync(string table)
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Database = database }.ToString());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var columns = new List<string>();
            while (await reader.ReadAsync())
                columns.Add(reader.GetString(0));
            return columns;
        }

        public TimeSpan CpuTime() =>
            nodes.Where(n => !n.Process.HasExited).Aggregate(TimeSpan.Zero, (sum, n) => { n.Process.Refresh(); return sum + n.Process.TotalProcessorTime; });

        public void Kill(string id)
        {
            var node = nodes.Single(n => n.Id == id);
            node.Process.Kill(entireProcessTree: true);
            node.Process.WaitForExit();
        }

        public async Task<long> ScalarAsync(string sql) => Convert.ToInt64(await ExecuteScalarAsync(sql), CultureInfo.InvariantCulture);

        public async Task<string?> TextAsync(string sql) => await ExecuteScalarAsync(sql) as string;

        private async Task<object?> ExecuteScalarAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Database = database }.ToString());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            return await command.ExecuteScalarAsync();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async ValueTask DisposeAsync()
        {
            if (balancer is not null)
                await balancer.DisposeAsync();
            foreach (var (_, process, _) in nodes)
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
                process.WaitForExit();
                process.Dispose();
            }
            if (redis is { HasExited: false })
                redis.Kill();
            redis?.Dispose();
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            try { Directory.Delete(data, recursive: true); }
            catch (IOException ex) { Console.Error.WriteLine($"could not delete {data}: {ex.Message}"); }
        }
    }
}
