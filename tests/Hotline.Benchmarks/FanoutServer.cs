using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hotline.Domain.Access;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Benchmarks;

/// <summary>
/// The server side of <c>fanout</c>, run as a child process (<c>fanout-server --root DIR</c>) so its CPU and memory are
/// its own. It starts the real Hotline host on loopback, creates one handler API key per department, and for each
/// <c>PHASE</c> line on stdin produces ticket events through the real pipeline (add-progress over HTTP on tickets
/// dispatched to each department in turn) at a fixed rate; with <c>baseline</c> it also feeds that many in-process
/// channel subscribers (<see cref="LiveTicketFeed"/>, one bounded channel per simulated client) and measures them.
/// It answers each phase with a <c>RESULT</c> line (JSON) and stops on <c>QUIT</c>.
/// </summary>
public static class FanoutServer
{
    public const string Ready = "FANOUT-READY ";
    public const string Result = "FANOUT-RESULT ";
    private const int TicketsPerDepartment = 2;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var root = args.Text("root") ?? throw new ArgumentException("--root is required");
        var config = new Dictionary<string, string?> { ["Sla:SweepIntervalMilliseconds"] = "0" }; // no SLA events: only the producer writes
        if (args.Text("max-pending") is { } maxPending)
            config["Live:MaxPendingMessagesPerConnection"] = maxPending;
        await using var server = await InProcessHotline.StartAsync(root, config);
        var services = server.App.Services;

        var departments = new List<string>();
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        string agentKey, dispatcherKey;
        await using (var scope = services.CreateAsyncScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
            departments.AddRange(await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().Departments.Select(d => d.Code).OrderBy(c => c).ToListAsync());
            foreach (var d in departments)
                keys[d] = (await admin.CreateApiKeyAsync($"fanout {d}", Roles.DepartmentHandler, d, CancellationToken.None)).Item2;
            agentKey = (await admin.CreateApiKeyAsync("fanout agent", Roles.Agent, null, CancellationToken.None)).Item2;
            dispatcherKey = (await admin.CreateApiKeyAsync("fanout dispatcher", Roles.Dispatcher, null, CancellationToken.None)).Item2;
        }

        // The tickets the producer works on: registered and dispatched to every department before any phase.
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
        var tickets = new List<ProducerTicket>();
        foreach (var d in departments)
        {
            for (var i = 0; i < TicketsPerDepartment; i++)
            {
                var ticket = await SendAsync(http, agentKey, "api/tickets", Ticket(d, i));
                var number = ticket.GetProperty("number").GetString()!;
                await SendAsync(http, dispatcherKey, $"api/tickets/{number}/actions/dispatch", new JsonObject { ["departmentCode"] = d, ["expectedVersion"] = 1 });
                tickets.Add(new ProducerTicket(number, d, keys[d]) { Version = 2 });
            }
        }

        Console.WriteLine(Ready + JsonSerializer.Serialize(new ReadyMessage(server.Address.ToString(), keys, agentKey)));
        while (Console.ReadLine() is { } line)
        {
            if (line == "QUIT")
                break;
            if (!line.StartsWith("PHASE ", StringComparison.Ordinal))
                continue;
            var phase = JsonSerializer.Deserialize<PhaseCommand>(line["PHASE ".Length..])!;
            var result = await RunPhaseAsync(services, http, tickets, phase);
            Console.WriteLine(Result + JsonSerializer.Serialize(result));
        }
        return 0;
    }

    private static async Task<PhaseResult> RunPhaseAsync(IServiceProvider services, HttpClient http, List<ProducerTicket> tickets, PhaseCommand phase)
    {
        var feed = services.GetRequiredService<LiveTicketFeed>();
        var live = services.GetRequiredService<LiveConnections>();
        var publisher = services.GetRequiredService<TicketEventPublisher>();
        var departments = tickets.Select(t => t.Department).Distinct().ToList();
        var startSequence = publisher.Published;
        var abortsBefore = live.OverflowAborts;
        // Drops as the server sees them (the source of its hotline.hub.drops metric), told apart by kind: the stalled
        // clients are the centre connections, the healthy ones are department handlers.
        var centre = live.Members(LiveGroups.Centre).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var drops = new ConcurrentQueue<PhaseDrop>();
        var wall = Stopwatch.StartNew();
        void OnDropped(string connectionId, IReadOnlyCollection<string> _) => drops.Enqueue(new PhaseDrop(wall.Elapsed.TotalSeconds, centre.Contains(connectionId)));
        live.Dropped += OnDropped;

        // Baseline: one in-process channel per simulated client, spread over the departments like the hub clients.
        var subscribers = Enumerable.Range(0, phase.Baseline).Select(i => new BaselineSubscriber(
            departments[i % departments.Count], feed.Subscribe(new Actor($"bench-{i}", "bench", Roles.DepartmentHandler, departments[i % departments.Count])))).ToList();
        var readers = subscribers.Select(s => Task.Run(s.ReadAsync)).ToList();
        // The publish time of each event: a centre subscription of the in-process feed, which the publisher feeds right
        // after it has issued the hub writes for the event.
        var probe = new BaselineSubscriber("", feed.Subscribe(new Actor("bench-probe", "bench", Roles.Admin, null)), keepTimes: true);
        var probeReader = Task.Run(probe.ReadAsync);

        using var self = Process.GetCurrentProcess();
        var cpuStart = self.TotalProcessorTime;
        wall.Restart();
        var total = (int)(phase.Seconds * phase.Rate);
        var inflight = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var wait = TimeSpan.FromSeconds(i / phase.Rate) - wall.Elapsed; // read once: read twice, it may turn negative between
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait);
            var ticket = tickets[i % tickets.Count];
            inflight.Add(ProduceAsync(ticket));
        }
        await Task.WhenAll(inflight);
        await Task.Delay(TimeSpan.FromSeconds(phase.DrainSeconds)); // let the last events reach everyone
        live.Dropped -= OnDropped;
        self.Refresh();
        var cpu = (self.TotalProcessorTime - cpuStart).TotalSeconds;
        var seconds = wall.Elapsed.TotalSeconds;

        // What each department should have heard: the events committed in this phase, from the database.
        var endSequence = publisher.Published;
        List<PhaseEvent> events;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            events = (await db.TicketEvents.AsNoTracking().Where(e => e.Id > startSequence && e.Id <= endSequence)
                    .Join(db.Tickets, e => e.TicketId, t => t.Id, (e, t) => new { e.Id, t.AssignedDepartmentCode })
                    .OrderBy(x => x.Id).ToListAsync())
                .Select(x => new PhaseEvent(x.Id, x.AssignedDepartmentCode ?? "")).ToList();
        }

        probe.Subscription.Dispose();
        await probeReader;
        events = events.Select(e => e with { PublishedAt = probe.Times.GetValueOrDefault(e.Sequence) }).ToList();

        BaselineResult? baseline = null;
        if (subscribers.Count > 0)
        {
            foreach (var s in subscribers)
                s.Subscription.Dispose();
            await Task.WhenAll(readers);
            var byDepartment = events.GroupBy(e => e.Department).ToDictionary(g => g.Key, g => g.Select(e => e.Sequence).ToHashSet());
            var published = events.ToDictionary(e => e.Sequence, e => e.PublishedAt);
            var latencies = new Latencies(subscribers.Sum(s => s.Received.Count));
            var fromPublish = new Latencies(subscribers.Sum(s => s.Received.Count));
            long lost = 0, expected = 0;
            foreach (var s in subscribers)
            {
                var want = byDepartment.GetValueOrDefault(s.Department) ?? [];
                expected += want.Count;
                lost += want.Count(q => !s.Received.ContainsKey(q));
                foreach (var (q, ms) in s.Received)
                {
                    if (q > startSequence && q <= endSequence)
                    {
                        latencies.Add(ms);
                        if (published.TryGetValue(q, out var at) && s.Times.TryGetValue(q, out var got))
                            fromPublish.Add((got - at).TotalMilliseconds);
                    }
                }
            }
            var summary = latencies.Summarize();
            var publish = fromPublish.Summarize();
            baseline = new BaselineResult(expected, lost, summary.P50, summary.P99, summary.Max, publish.P50, publish.P99);
        }

        self.Refresh();
        return new PhaseResult(startSequence, endSequence, events, Volatile.Read(ref produceErrors), seconds, cpu,
            self.WorkingSet64 / 1048576.0, self.PeakWorkingSet64 / 1048576.0, GC.GetTotalMemory(false) / 1048576.0,
            live.Count, live.OverflowAborts - abortsBefore, [.. drops], baseline);

        async Task ProduceAsync(ProducerTicket ticket)
        {
            await ticket.Gate.WaitAsync(); // one action at a time per ticket, on the version it last saw
            try
            {
                var body = new JsonObject { ["note"] = "fanout", ["expectedVersion"] = ticket.Version };
                await SendAsync(http, ticket.Key, $"api/tickets/{ticket.Number}/actions/add-progress", body);
                ticket.Version++;
            }
            catch (HttpRequestException ex)
            {
                Interlocked.Increment(ref produceErrors);
                Console.Error.WriteLine($"produce failed: {ex.Message}");
            }
            finally
            {
                ticket.Gate.Release();
            }
        }
    }

    private static int produceErrors;

    private static async Task<JsonElement> SendAsync(HttpClient http, string key, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(ApiKeyAuthenticationHandler.Header, key);
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{(int)response.StatusCode} {path}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static JsonObject Ticket(string department, int i) => new()
    {
        ["type"] = "Complaint",
        ["channel"] = "Phone",
        ["priority"] = "Normal",
        ["requester"] = new JsonObject { ["kind"] = "Citizen", ["name"] = "张三", ["phone"] = "13812345678" },
        ["title"] = $"实时推送压测 {department} {i}",
        ["description"] = "用于实时推送基准测试的工单，由基准程序自动登记并派发到各承办单位。",
        ["categoryCode"] = "urban-management",
        ["districtCode"] = "tianning",
    };

    private sealed class ProducerTicket(string number, string department, string key)
    {
        public string Number { get; } = number;
        public string Department { get; } = department;
        public string Key { get; } = key;
        public int Version { get; set; }
        public SemaphoreSlim Gate { get; } = new(1);
    }

    private sealed class BaselineSubscriber(string department, LiveSubscription subscription, bool keepTimes = true)
    {
        public string Department { get; } = department;
        public LiveSubscription Subscription { get; } = subscription;
        public Dictionary<long, double> Received { get; } = [];
        public Dictionary<long, DateTimeOffset> Times { get; } = [];

        public async Task ReadAsync()
        {
            await foreach (var m in Subscription.Events.ReadAllAsync())
            {
                var now = TimeProvider.System.GetUtcNow();
                Received[m.Sequence] = (now - m.OccurredAt).TotalMilliseconds;
                if (keepTimes)
                    Times[m.Sequence] = now;
            }
        }
    }

    public sealed record ReadyMessage(string Address, Dictionary<string, string> HandlerKeys, string AgentKey);

    public sealed record PhaseCommand(double Seconds, double Rate, int Baseline, double DrainSeconds);

    public sealed record PhaseEvent(long Sequence, string Department, DateTimeOffset PublishedAt = default);

    public sealed record BaselineResult(long Expected, long Lost, double P50, double P99, double Max, double PublishP50, double PublishP99);

    public sealed record PhaseResult(long StartSequence, long EndSequence, List<PhaseEvent> Events, int ProduceErrors, double Seconds,
        double CpuSeconds, double WorkingSetMb, double PeakWorkingSetMb, double ManagedHeapMb, int HubConnections, long OverflowAborts,
        List<PhaseDrop> Drops, BaselineResult? Baseline)
    {
        public int StalledDropped => Drops.Count(d => d.Stalled);
        public int HealthyDropped => Drops.Count(d => !d.Stalled);
    }

    /// <summary>A connection the server dropped for not reading: seconds into the phase, and whether it was a stalled (centre) one.</summary>
    public sealed record PhaseDrop(double Seconds, bool Stalled);
}
