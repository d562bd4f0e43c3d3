using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Server.Access;
using Hotline.Server.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Benchmarks.BenchReport;

namespace Hotline.Benchmarks;

/// <summary>
/// <c>fanout</c>: the live hub under many clients. For each client count, a fresh Hotline server runs in a child process
/// (<see cref="FanoutServer"/>: real Kestrel on loopback, SQLite, one handler API key per seeded department) and produces
/// --rate ticket events per second through the real pipeline. Phases, same server and same event stream:
/// <list type="number">
/// <item>baseline: the same fan-out through in-process channels (LiveTicketFeed, one bounded channel per simulated client), no hub clients;</item>
/// <item>hub: N Microsoft .NET SignalR clients (WebSockets, no negotiate), spread over the departments' groups;</item>
/// <item>stalled: the same N clients plus --stalled-fraction × N centre connections (every event) that complete the
/// handshake and never read again (raw WebSockets with a 4 KiB receive buffer).</item>
/// </list>
/// Latency is OccurredAt (the server's clock when the action was taken, before its commit) to receipt on the client's
/// clock: the same machine clock in both processes. Each client checks that it got every sequence number its department
/// should get (from the database after the phase). Server CPU and memory are the child process's own.
/// The stalled phase counts the connections the server dropped (by kind, and when), and the healthy clients' p99 is compared
/// with the hub phase's only when every stalled one was dropped. Each client count is run --runs times on a fresh server.
/// Options: --clients 2000,5000 --runs 3 --seconds 60 --rate 300 --stalled-fraction 0.01 --drain 3 --warmup 5 --connect-parallelism 64
/// --max-pending (server's Live:MaxPendingMessagesPerConnection) --keep --no-doc.
/// </summary>
public static class FanoutBenchmark
{
    /// <summary>
    /// Events a second. A stalled connection is dropped only once the server socket's send buffer (Linux grows it to its
    /// 4 MB maximum), Kestrel's and SignalR's pipes and then its queue of Live:MaxPendingMessagesPerConnection messages are
    /// full: about 13,000 events of a few hundred bytes. At 10 events/s that took longer than the phase and the drop was
    /// never exercised; at 300 it comes about 43 s into a 60 s phase (measured: 1 of 1 dropped at 43 s).
    /// </summary>
    private const double DefaultRate = 300;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var sizes = (args.Text("clients") ?? "2000,5000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var o = new Options(args.Number("seconds", 60), args.Number("rate", DefaultRate), args.Number("stalled-fraction", 0.01), args.Number("drain", 3),
            args.Whole("connect-parallelism", 64), args.Text("max-pending"), args.Number("warmup", 5), args.Whole("runs", 3));
        var command = "dotnet run -c Release --project tests/Hotline.Benchmarks -- fanout" + (args.Raw.Count > 0 ? " " + string.Join(' ', args.Raw) : "");
        Console.WriteLine($"fanout: {command}");
        Console.WriteLine($"machine: {MachineSummary()}");
        Console.WriteLine($"open files limit (ulimit -n) {OpenFilesLimit()}: each client is one socket here and one in the server process");

        var results = new List<SizeResult>();
        foreach (var (n, run) in sizes.SelectMany(n => Enumerable.Range(1, o.Runs).Select(run => (n, run))))
        {
            var root = Path.Combine(Path.GetTempPath(), $"hotline-bench-fanout-{Guid.NewGuid():N}");
            try
            {
                results.Add(await RunSizeAsync(n, run, root, o));
            }
            finally
            {
                if (!args.Flag("keep"))
                {
                    try { Directory.Delete(root, recursive: true); }
                    catch (IOException ex) { Console.Error.WriteLine($"could not delete {root}: {ex.Message}"); }
                }
            }
        }

        var report = Report(results, o, command);
        Console.WriteLine();
        Console.WriteLine(report);
        if (!args.Flag("no-doc"))
        {
            var file = WriteSection("fanout", report);
            Console.WriteLine(file is null ? "docs/benchmarks.md not found (run from the repository)" : $"wrote {file}");
        }
        return results.All(r => r.Phases.All(p => p.Lost == 0 && p.ProduceErrors == 0)) ? 0 : 1;
    }

    private static async Task<SizeResult> RunSizeAsync(int n, int run, string root, Options o)
    {
        Console.WriteLine($"--- {n} clients, run {run} of {o.Runs}, server in {root}");
        await using var server = await ServerProcess.StartAsync(root, o.MaxPending);
        var departments = server.Ready.HandlerKeys.Keys.Order(StringComparer.Ordinal).ToList();
        var phases = new List<PhaseSummary>();

        // Warm-up (JIT, connection pools, SQLite cache), not reported.
        await server.PhaseAsync(new FanoutServer.PhaseCommand(o.Warmup, o.Rate, Math.Min(n, 100), 1));
        var baseline = await server.PhaseAsync(new FanoutServer.PhaseCommand(o.Seconds, o.Rate, n, o.Drain));
        phases.Add(new PhaseSummary("baseline: in-process channels", n, baseline.Events.Count, baseline.Baseline!.Expected, baseline.Baseline.P50, baseline.Baseline.P99,
            baseline.Baseline.Max, baseline.Baseline.PublishP50, baseline.Baseline.PublishP99, baseline.Baseline.Lost, baseline.ProduceErrors, baseline, 0, 0));
        Console.WriteLine(phases[^1]);

        var clients = new List<HubClient>(n);
        var connectWatch = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(o.ConnectParallelism))
        {
            await Task.WhenAll(Enumerable.Range(0, n).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var department = departments[i % departments.Count];
                    var client = await HubClient.ConnectAsync(new Uri(server.Ready.Address), server.Ready.HandlerKeys[department], department);
                    lock (clients)
                        clients.Add(client);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        var connectSeconds = connectWatch.Elapsed.TotalSeconds;
        Console.WriteLine($"connected {clients.Count} hub clients in {Fmt(connectSeconds)} s");
        // The clients' receive path warms up too (JIT in this process), not reported.
        await server.PhaseAsync(new FanoutServer.PhaseCommand(o.Warmup, o.Rate, 0, 1));

        var meter = new PhaseMeter();
        var hub = await server.PhaseAsync(new FanoutServer.PhaseCommand(o.Seconds, o.Rate, 0, o.Drain));
        phases.Add(Measure("hub: SignalR clients", clients, hub, meter.Stop().CpuSeconds, 0));
        Console.WriteLine(phases[^1]);

        var stalledCount = (int)Math.Ceiling(n * o.StalledFraction);
        var stalled = new List<StalledClient>();
        for (var i = 0; i < stalledCount; i++)
            stalled.Add(await StalledClient.ConnectAsync(new Uri(server.Ready.Address), server.Ready.AgentKey));
        await Task.Delay(TimeSpan.FromSeconds(2));
        meter = new PhaseMeter();
        var withStalled = await server.PhaseAsync(new FanoutServer.PhaseCommand(o.Seconds, o.Rate, 0, o.Drain));
        phases.Add(Measure($"hub + {stalledCount} stalled", clients, withStalled, meter.Stop().CpuSeconds, stalledCount));
        Console.WriteLine(phases[^1]);

        foreach (var s in stalled)
            s.Dispose();
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        return new SizeResult(n, run, connectSeconds, phases);
    }

    /// <summary>Latency and loss over the healthy clients for the events of one phase.</summary>
    private static PhaseSummary Measure(string name, List<HubClient> clients, FanoutServer.PhaseResult phase, double clientCpu, int stalled)
    {
        var byDepartment = phase.Events.GroupBy(e => e.Department).ToDictionary(g => g.Key, g => g.Select(e => e.Sequence).ToList());
        long expected = 0, lost = 0;
        var published = phase.Events.ToDictionary(e => e.Sequence, e => e.PublishedAt);
        var fromCommit = new List<double>();
        var fromPublish = new List<double>();
        foreach (var c in clients)
        {
            var received = c.Snapshot();
            var want = byDepartment.GetValueOrDefault(c.Department) ?? [];
            expected += want.Count;
            lost += want.Count(q => !received.ContainsKey(q));
            foreach (var (q, r) in received)
            {
                if (q <= phase.StartSequence || q > phase.EndSequence)
                    continue;
                fromCommit.Add((r.At - r.OccurredAt).TotalMilliseconds);
                if (published.TryGetValue(q, out var at) && at != default)
                    fromPublish.Add((r.At - at).TotalMilliseconds);
            }
        }
        var commit = Summarize(fromCommit);
        var publish = Summarize(fromPublish);
        return new PhaseSummary(name, clients.Count, phase.Events.Count, expected, commit.P50, commit.P99, commit.Max, publish.P50, publish.P99, lost,
            phase.ProduceErrors, phase, clientCpu, stalled);
    }

    private static LatencySummary Summarize(List<double> samples)
    {
        var latencies = new Latencies(samples.Count);
        foreach (var s in samples)
            latencies.Add(s);
        return latencies.Summarize();
    }

    private static string OpenFilesLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            return line is null ? "unknown" : string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3..5]);
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Report(List<SizeResult> sizes, Options o, string command)
    {
        var b = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        b.AppendLine(ci, $"Run {TimeProvider.System.GetLocalNow():yyyy-MM-dd HH:mm zzz}, {o.Runs} run(s) per client count, each on a fresh server.");
        b.AppendLine();
        b.AppendLine(ci, $"    {command}");
        b.AppendLine();
        b.AppendLine(ci, $"Machine: {MachineSummary()}. Open files limit: {OpenFilesLimit()}.");
        b.AppendLine();
        b.AppendLine(ci, $"Workload: {Fmt(o.Rate, 0)} ticket events/s for {Fmt(o.Seconds, 0)} s per phase (add-progress over HTTP, round robin over 2 tickets "
            + $"in each of the 41 seeded departments), the server (SQLite, Production, Serilog at Warning) in a child process on loopback. "
            + $"Clients are handler connections spread evenly over the departments (each hears about 1/41 of the events); stalled clients are "
            + $"centre connections (every event) that never read. Latency: the event's OccurredAt (taken before the commit, so it includes the "
            + $"commit) to receipt, on the same machine clock; \"from publish\" starts when the publisher handed the event to the in-process feed, right "
            + $"after issuing its hub writes, and so leaves out the commit and the publisher's wake-up. Loss: sequence numbers a client's department should have heard and it did not. "
            + $"Dropped: connections the server aborted because their queue overflowed (the source of its `hotline.hub.drops` metric), stalled ones with the "
            + $"seconds into the phase when the first and the last went, and healthy ones.");
        b.AppendLine();
        b.AppendLine("| clients | run | phase | events | deliveries expected | p50 ms | p99 ms | max ms | from publish p50 / p99 ms | lost | server CPU % | server WS MB (peak) | client CPU % | dropped: stalled (s into phase) / healthy |");
        b.AppendLine("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in sizes)
        {
            foreach (var p in s.Phases)
            {
                b.AppendLine(ci, $"| {s.Clients:N0} | {s.Run} | {p.Name} | {p.Events:N0} | {p.Expected:N0} | {Fmt(p.P50, 1)} | {Fmt(p.P99, 1)} | {Fmt(p.Max, 1)} | {Fmt(p.PublishP50, 1)} / {Fmt(p.PublishP99, 1)} | {p.Lost:N0} | "
                    + $"{Fmt(p.Server.CpuSeconds * 100 / p.Server.Seconds, 0)} | {Fmt(p.Server.WorkingSetMb, 0)} ({Fmt(p.Server.PeakWorkingSetMb, 0)}) | "
                    + $"{(p.ClientCpuSeconds > 0 ? Fmt(p.ClientCpuSeconds * 100 / p.Server.Seconds, 0) : "–")} | {Dropped(p)} |");
            }
        }
        b.AppendLine();
        b.AppendLine("**Summary**");
        b.AppendLine();
        foreach (var g in sizes.GroupBy(s => s.Clients))
        {
            var runs = g.ToList();
            string Each(Func<SizeResult, string> f) => string.Join(", ", runs.Select(f));
            var exercised = runs.All(r => r.AllStalledDropped);
            var stalledGoal = !exercised
                ? $"not exercised in run {string.Join(", ", runs.Where(r => !r.AllStalledDropped).Select(r => r.Run))} (stalled clients left connected: raise --rate or --seconds)"
                : runs.All(r => r.StalledRatio <= 1.2) ? "met in every run" : $"not met in run {string.Join(", ", runs.Where(r => r.StalledRatio > 1.2).Select(r => r.Run))}";
            var p99Goal = g.Key >= 5000
                ? $"; goal p99 ≤ 50 ms at 5,000 clients (both hub phases): **{(runs.All(r => r.Hub.P99 <= 50 && r.WithStalled.P99 <= 50) ? "met in every run" : "not met")}**"
                : "";
            b.AppendLine(ci, $"- {g.Key:N0} clients, {runs.Count} run(s) (connected in {Each(r => Fmt(r.ConnectSeconds, 0))} s): hub p99 {Each(r => Fmt(r.Hub.P99))} ms "
                + $"vs in-process channels {Each(r => Fmt(r.Phases[0].P99))} ms; loss {runs.Sum(r => r.Phases.Sum(p => p.Lost))}; stalled clients dropped by the server "
                + $"{Each(r => $"{r.WithStalled.Server.StalledDropped}/{r.WithStalled.Stalled}")}, healthy clients dropped {runs.Sum(r => r.Phases.Sum(p => p.Server.HealthyDropped))}; "
                + $"healthy p99 with stalled clients ÷ without {Each(r => Fmt(r.StalledRatio, 2) + "×")} (from publish {Each(r => Fmt(r.WithStalled.PublishP99 / r.Hub.PublishP99, 2) + "×")}); "
                + $"goal ≤ 1.2× with every stalled client dropped: **{stalledGoal}**{p99Goal}.");
        }
        b.AppendLine(ci, $"- Zero loss: **{(sizes.All(s => s.Phases.All(p => p.Lost == 0)) ? "met" : "not met")}**.");
        return b.ToString();

        static string Dropped(PhaseSummary p)
        {
            if (p.Stalled == 0)
                return p.Server.HealthyDropped == 0 ? "–" : $"– / {p.Server.HealthyDropped}";
            var when = p.Server.Drops.Where(d => d.Stalled).Select(d => d.Seconds).ToList();
            var at = when.Count == 0 ? "" : $" ({Fmt(when.Min(), 0)}–{Fmt(when.Max(), 0)} s)";
            return $"{p.Server.StalledDropped}/{p.Stalled}{at} / {p.Server.HealthyDropped}";
        }
    }

    private sealed record Options(double Seconds, double Rate, double StalledFraction, double Drain, int ConnectParallelism, string? MaxPending, double Warmup, int Runs);

    private sealed record PhaseSummary(string Name, int Clients, int Events, long Expected, double P50, double P99, double Max, double PublishP50, double PublishP99,
        long Lost, int ProduceErrors,
        FanoutServer.PhaseResult Server, double ClientCpuSeconds, int Stalled)
    {
        public override string ToString() =>
            $"{Name}: {Clients} clients, {Events} events, {Expected} deliveries expected, p50 {Fmt(P50)} p99 {Fmt(P99)} max {Fmt(Max)} ms "
            + $"(from publish p50 {Fmt(PublishP50)} p99 {Fmt(PublishP99)}), lost {Lost}, "
            + $"server CPU {Fmt(Server.CpuSeconds)} s, WS {Fmt(Server.WorkingSetMb, 0)} MB, hub connections {Server.HubConnections}, dropped: stalled {Server.StalledDropped}/{Stalled}, healthy {Server.HealthyDropped}, all {Server.OverflowAborts}, produce errors {ProduceErrors}";
    }

    private readonly record struct Receipt(DateTimeOffset At, DateTimeOffset OccurredAt);

    private sealed record SizeResult(int Clients, int Run, double ConnectSeconds, List<PhaseSummary> Phases)
    {
        public PhaseSummary Hub => Phases[1];
        public PhaseSummary WithStalled => Phases[2];

        /// <summary>Healthy clients' p99 with the stalled clients ÷ without them.</summary>
        public double StalledRatio => WithStalled.P99 / Hub.P99;

        /// <summary>Every stalled client was dropped by the server during the phase: only then was the ratio put to the test.</summary>
        public bool AllStalledDropped => WithStalled.Server.StalledDropped >= WithStalled.Stalled;
    }

    /// <summary>One Microsoft .NET SignalR client in a department group, recording sequence → latency.</summary>
    private sealed class HubClient : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<long, Receipt> received = new();
        private readonly HubConnection connection;

        private HubClient(HubConnection connection, string department)
        {
            this.connection = connection;
            Department = department;
            connection.On<TicketEventMessage>(nameof(ITicketsClient.TicketEvent),
                m => received.TryAdd(m.Sequence, new Receipt(TimeProvider.System.GetUtcNow(), m.OccurredAt)));
        }

        public string Department { get; }

        public static async Task<HubClient> ConnectAsync(Uri server, string key, string department)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(server, "hubs/tickets"), o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                    o.Headers[ApiKeyAuthenticationHandler.Header] = key;
                })
                .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
                .Build();
            var client = new HubClient(connection, department);
            await connection.StartAsync();
            return client;
        }

        public Dictionary<long, Receipt> Snapshot() => new(received);

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    /// <summary>
    /// A WebSocket hub connection that completes the handshake and never reads again, with a small receive buffer. It
    /// keeps sending pings, as a client whose process is alive but stuck would, so the server's client timeout does not end it.
    /// </summary>
    private sealed class StalledClient : IDisposable
    {
        private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
        private readonly ClientWebSocket socket;
        private readonly HttpMessageInvoker invoker;
        private readonly Timer pinger;

        private StalledClient(ClientWebSocket socket, HttpMessageInvoker invoker)
        {
            (this.socket, this.invoker) = (socket, invoker);
            pinger = new Timer(_ => _ = PingAsync(), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        }

        private async Task PingAsync()
        {
            try
            {
                await socket.SendAsync(Ping, WebSocketMessageType.Text, true, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                // dropped by the server: that is what a stalled client should expect
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public static async Task<StalledClient> ConnectAsync(Uri server, string key)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, ct) =>
                {
                    var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                    await s.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(s, ownsSocket: true);
                },
            };
            var invoker = new HttpMessageInvoker(handler);
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader(ApiKeyAuthenticationHandler.Header, key);
            var ws = new UriBuilder(new Uri(server, "hubs/tickets")) { Scheme = "ws" }.Uri;
            await socket.ConnectAsync(ws, invoker, CancellationToken.None);
            await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
            return new StalledClient(socket, invoker);
        }

        public void Dispose()
        {
            pinger.Dispose();
            socket.Abort();
            socket.Dispose();
            invoker.Dispose();
        }
    }

    /// <summary>The child process running <see cref="FanoutServer"/>, spoken to over its stdin and stdout.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly BlockingCollection<string> results = [];

        private ServerProcess(Process process) => this.process = process;

        public FanoutServer.ReadyMessage Ready { get; private set; } = null!;

        public static async Task<ServerProcess> StartAsync(string root, string? maxPending)
        {
            var self = Environment.ProcessPath!;
            var info = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
                info.ArgumentList.Add(typeof(FanoutServer).Assembly.Location);
            foreach (var a in new[] { "fanout-server", "--root", root })
                info.ArgumentList.Add(a);
            if (maxPending is not null)
            {
                info.ArgumentList.Add("--max-pending");
                info.ArgumentList.Add(maxPending);
            }
            var server = new ServerProcess(Process.Start(info)!);
            var ready = new TaskCompletionSource<FanoutServer.ReadyMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            server.process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    ready.TrySetException(new InvalidOperationException("The fanout server exited."));
                    server.results.CompleteAdding(); // a phase waiting for its result fails instead of waiting for ever
                }
                else if (e.Data.StartsWith(FanoutServer.Ready, StringComparison.Ordinal))
                    ready.TrySetResult(JsonSerializer.Deserialize<FanoutServer.ReadyMessage>(e.Data[FanoutServer.Ready.Length..])!);
                else if (e.Data.StartsWith(FanoutServer.Result, StringComparison.Ordinal))
                    server.results.Add(e.Data[FanoutServer.Result.Length..]);
                else
                    Console.WriteLine($"server: {e.Data}");
            };
            server.process.BeginOutputReadLine();
            server.Ready = await ready.Task.WaitAsync(TimeSpan.FromMinutes(5));
            return server;
        }

        public async Task<FanoutServer.PhaseResult> PhaseAsync(FanoutServer.PhaseCommand command)
        {
            await process.StandardInput.WriteLineAsync("PHASE " + JsonSerializer.Serialize(command));
            await process.StandardInput.FlushAsync();
            var line = await Task.Run(() => results.TryTake(out var result, Timeout.Infinite) ? result
                : throw new InvalidOperationException("The fanout server exited during a phase (its output is above)."));
            return JsonSerializer.Deserialize<FanoutServer.PhaseResult>(line)!;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await process.StandardInput.WriteLineAsync("QUIT");
                await process.StandardInput.FlushAsync();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
            }
            process.Dispose();
            results.Dispose();
        }
    }
}
