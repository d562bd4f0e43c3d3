using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using static Hotline.Benchmarks.BenchReport;

namespace Hotline.Benchmarks;

/// <summary>
/// The durability phase of <c>intake</c>: the real server as a process of its own (the Hotline.Server.dll built beside
/// this benchmark, Production environment, logging as shipped, its own data folder), a burst of intake from many
/// clients, SIGKILL in the middle of the burst (no shutdown code runs, as in a power cut or an OOM kill), a start on the
/// same folder, and a check that every ticket answered 201 before the kill is there with its registration event.
/// </summary>
public static class IntakeDurability
{
#if DEBUG
    private const string Build = "Debug";
#else
    private const string Build = "Release";
#endif

    public static async Task<DurabilityResult> RunAsync(string root, byte[][] bodies, int clients, int killAfter)
    {
        var data = Path.Combine(root, "data");
        var acknowledged = new ConcurrentQueue<string>(); // in the order the 201s arrived
        var cutOff = 0;
        var killed = 0;
        double burstSeconds;
        string key;
        await using (var first = await ChildServer.StartAsync(root, data))
        {
            key = await first.ApiKeyAsync();
            using var http = IntakeBenchmark.Client(first.Address, key, clients);
            var next = -1;
            var burst = Stopwatch.StartNew();
            async Task Worker()
            {
                while (Volatile.Read(ref killed) == 0)
                {
                    var i = Interlocked.Increment(ref next);
                    if (await IntakeBenchmark.RegisterAsync(http, bodies[i % bodies.Length], reportErrors: false) is not { } number)
                    {
                        Interlocked.Increment(ref cutOff);
                        continue;
                    }
                    acknowledged.Enqueue(number);
                    // The kill comes from inside the burst: every other client has a request in flight at that moment.
                    if (acknowledged.Count >= killAfter && Interlocked.CompareExchange(ref killed, 1, 0) == 0)
                        first.Kill();
                }
            }
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Worker)));
            burstSeconds = burst.Elapsed.TotalSeconds;
        }

        var restart = Stopwatch.StartNew();
        await using var second = await ChildServer.StartAsync(root, data);
        var restartSeconds = restart.Elapsed.TotalSeconds;

        // What the database holds, read beside the running server (WAL): each ticket with its registration event.
        var registered = new HashSet<string>(StringComparer.Ordinal);
        long rows;
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(data, "hotline.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 60,
        }.ToString()))
        {
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM tickets";
            rows = (long)count.ExecuteScalar()!;
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT t.Number FROM tickets t
                WHERE EXISTS (SELECT 1 FROM ticket_events e WHERE e.TicketId = t.Id AND e.Version = 1 AND e.Action = 'Register')
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
                registered.Add(reader.GetString(0));
        }
        var missing = acknowledged.Where(n => !registered.Contains(n)).ToList();

        // And through the restarted server, the tickets acknowledged last (those nearest the kill).
        using var client = IntakeBenchmark.Client(second.Address, key, 8); // the key made before the kill
        var lastOnes = acknowledged.TakeLast(100).ToList();
        var notServed = 0;
        foreach (var number in lastOnes)
        {
            using var response = await client.GetAsync(new Uri($"api/tickets/{number}/events", UriKind.Relative));
            var history = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            if (history.ValueKind != JsonValueKind.Array || history.GetArrayLength() == 0)
            {
                notServed++;
                if (!missing.Contains(number))
                    missing.Add(number);
            }
        }
        return new DurabilityResult(Build, clients, killAfter, acknowledged.Count, cutOff, burstSeconds, rows, restartSeconds, lastOnes.Count, notServed, missing);
    }

    public sealed record DurabilityResult(string Build, int Clients, int KillAfter, int Acknowledged, int CutOff, double BurstSeconds, long RowsAfter,
        double RestartSeconds, int CheckedThroughApi, int NotServed, List<string> Missing)
    {
        public bool Ok => Missing.Count == 0;

        public string Report() =>
            string.Create(CultureInfo.InvariantCulture, $"**Durability** — the {Build} server as a process of its own (`dotnet Hotline.Server.dll`, Production, logging as shipped, its own data folder), ")
            + string.Create(CultureInfo.InvariantCulture, $"{Clients} clients in a closed loop, SIGKILL once {KillAfter:N0} tickets had been answered 201 ({Fmt(BurstSeconds, 1)} s into the burst), then a start on the same folder: ")
            + string.Create(CultureInfo.InvariantCulture, $"{Acknowledged:N0} tickets answered 201, {CutOff:N0} requests cut off by the kill; after the restart ({Fmt(RestartSeconds, 1)} s to ready) ")
            + string.Create(CultureInfo.InvariantCulture, $"the database holds {RowsAfter:N0} tickets (a ticket committed whose answer died with the process is there too); ")
            + string.Create(CultureInfo.InvariantCulture, $"the last {CheckedThroughApi} answered were also read back through the restarted server ({NotServed} not served). ")
            + (Ok
                ? "Every ticket answered 201 is there with its registration event: **OK**."
                : string.Create(CultureInfo.InvariantCulture, $"**{Missing.Count} ticket(s) answered 201 are missing: {string.Join(", ", Missing.Take(50))}{(Missing.Count > 50 ? ", …" : "")}** — FAILED."));
    }

    /// <summary>The server as a child process; its output goes to <c>server-process-N.log</c> in the benchmark's folder.</summary>
    private sealed class ChildServer : IAsyncDisposable
    {
        private const string AdminName = "bench-admin";
        private const string AdminPassword = "Bench-admin-password-1";
        private static int starts;

        private readonly Process process;

        private ChildServer(Process process, Uri address) => (this.process, Address) = (process, address);

        public Uri Address { get; }

        public static async Task<ChildServer> StartAsync(string root, string dataPath)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Hotline.Server.dll"), "--urls", $"http://127.0.0.1:{port}" })
                start.ArgumentList.Add(arg);
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["Hotline__DataPath"] = dataPath;
            start.Environment["Hotline__InitialAdmin__UserName"] = AdminName;
            start.Environment["Hotline__InitialAdmin__Password"] = AdminPassword;
            var process = Process.Start(start)!;
            var log = new StreamWriter(Path.Combine(root, $"server-process-{Interlocked.Increment(ref starts)}.log")) { AutoFlush = true };
            process.OutputDataReceived += (_, e) => { lock (log) { if (e.Data is not null) log.WriteLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (log) { if (e.Data is not null) log.WriteLine(e.Data); } };
            process.Exited += (_, _) => { lock (log) log.Dispose(); };
            process.EnableRaisingEvents = true;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var server = new ChildServer(process, new Uri($"http://127.0.0.1:{port}"));
            using var probe = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(5) };
            var waited = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"The server exited with {process.ExitCode} while starting; see {root}/server-process-*.log");
                try
                {
                    using var ready = await probe.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    if (ready.IsSuccessStatusCode)
                        return server;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
                if (waited.Elapsed > TimeSpan.FromMinutes(3))
                {
                    server.Kill();
                    throw new TimeoutException($"The server did not get ready within 3 minutes; see {root}/server-process-*.log");
                }
                await Task.Delay(100);
            }
        }

        /// <summary>Signs in as the first admin and creates an Agent API key.</summary>
        public Task<string> ApiKeyAsync() => ChildServers.AgentKeyAsync(Address, AdminName, AdminPassword);

        /// <summary>SIGKILL: the process ends at once and is gone when this returns.</summary>
        public void Kill()
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public ValueTask DisposeAsync()
        {
            Kill();
            process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
