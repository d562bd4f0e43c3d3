using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using Hotline.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace Hotline.Tests.Nodes;

/// <summary>
/// A multi-node test: needs PostgreSQL (HOTLINE_TEST_POSTGRES) and Debian's redis-server; ./test.sh provides both in
/// its PostgreSQL run. Plain <c>dotnet test</c> skips it with this reason.
/// </summary>
public sealed class NodesFactAttribute : FactAttribute
{
    public const string RedisServer = "/usr/bin/redis-server";

    public NodesFactAttribute()
    {
        if (TestDatabases.PostgresConnectionString is null)
            Skip = "Multi-node tests need HOTLINE_TEST_POSTGRES (one PostgreSQL shared by the nodes); ./test.sh starts one and sets it.";
        else if (!File.Exists(RedisServer))
            Skip = $"Multi-node tests need {RedisServer}; ./test.sh installs it (apt: redis-server).";
    }

    /// <summary>The test also needs Debian's Chromium.</summary>
    public bool Browser
    {
        get => false;
        init
        {
            if (value && Skip is null && !File.Exists(BrowserFactAttribute.Chromium))
                Skip = $"Chromium is not installed at {BrowserFactAttribute.Chromium}; ./test.sh installs it (apt: chromium).";
        }
    }

    /// <summary>The test also needs the SMTP sink (python3-aiosmtpd).</summary>
    public bool Smtp
    {
        get => false;
        init
        {
            if (value && Skip is null && Notifications.SmtpSink.MissingReason is { } missing)
                Skip = missing;
        }
    }
}

/// <summary>A throwaway Redis of the test's own (no persistence), which the test may stop and start again on the same port.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? process;

    public int Port { get; } = FreePort();

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var redis = new RedisServer();
        await redis.StartAgainAsync();
        return redis;
    }

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(NodesFactAttribute.RedisServer)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            start.ArgumentList.Add(arg);
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Waits.UntilAsync(() => Task.FromResult(Accepts(Port) || process.HasExited), "redis-server listening");
        Assert.False(process.HasExited, "redis-server exited at start");
    }

    /// <summary>SIGKILL: every node loses its connection at once.</summary>
    public void Stop()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        process?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Two (or more) real server processes of the app on one PostgreSQL database and one Redis, each with its own node id
/// and data folder, optionally behind a YARP balancer with cookie affinity. Nodes start one after the other (the first
/// applies the migrations), and may be killed with SIGKILL.
/// </summary>
public sealed class NodeCluster : IAsyncDisposable
{
    private readonly List<ServerData> folders = [];
    private readonly Dictionary<string, string?> settings;
    private WebApplication? balancer;

    private NodeCluster(ServerData data, RedisServer redis, Dictionary<string, string?> settings) => (Data, Redis, this.settings) = (data, redis, settings);

    /// <summary>The database (and the first node's folder); the test reads and changes it behind the nodes' backs.</summary>
    public ServerData Data { get; }

    public RedisServer Redis { get; }

    public List<ServerProcess> Nodes { get; } = [];

    public Uri? BalancerAddress { get; private set; }

    /// <summary>Starts Redis and <paramref name="nodes"/> nodes on <paramref name="data"/> (new if null; the cluster disposes it).</summary>
    public static async Task<NodeCluster> StartAsync(int nodes, IReadOnlyDictionary<string, string?>? extra = null, ServerData? data = null)
    {
        data ??= new ServerData();
        var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>())
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Redis:ChannelPrefix"] = $"hotline-test-{Guid.NewGuid():N}",
            ["Metrics:Prometheus"] = "true",
        };
        var cluster = new NodeCluster(data, redis, settings);
        for (var i = 0; i < nodes; i++)
            await cluster.StartNodeAsync();
        return cluster;
    }

    /// <summary>Starts one more node (its own folder for attachments and logs, the shared database and Redis).</summary>
    public async Task<ServerProcess> StartNodeAsync()
    {
        var index = Nodes.Count;
        var folder = index == 0 ? Data : new ServerData(Data.PostgresDatabase);
        if (index > 0)
            folders.Add(folder);
        var node = await ServerProcess.StartAsync(folder, new Dictionary<string, string?>(settings) { ["Hotline:NodeId"] = $"node-{(char)('a' + index)}" });
        Nodes.Add(node);
        return node;
    }

    /// <summary>The answer header through which the balancer names the node that served a request (for tests only).</summary>
    public const string NodeHeader = "X-Test-Node";

    /// <summary>
    /// A YARP reverse proxy in this process in front of the live nodes, with cookie affinity (as nginx's sticky sessions)
    /// and an active health check of each node's /health/ready (as nginx's max_fails), so a dead node's clients are
    /// sent to another node. Each answer names its node in <see cref="NodeHeader"/>.
    /// </summary>
    public async Task<Uri> StartBalancerAsync()
    {
        var port = RedisServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory(
            // The browser's Host passed on, as nginx's proxy_set_header Host: the nodes check Origin against it.
            [new RouteConfig { RouteId = "all", ClusterId = "nodes", Match = new RouteMatch { Path = "{**rest}" } }.WithTransformUseOriginalHostHeader()],
            [new ClusterConfig
            {
                ClusterId = "nodes",
                SessionAffinity = new SessionAffinityConfig { Enabled = true, Policy = "Cookie", AffinityKeyName = "hotline.node" },
                // Two failed probes a second apart mark a node down; a generous timeout keeps a busy live node up.
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true, Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(10), Policy = "ConsecutiveFailures", Path = "/health/ready",
                    },
                },
                Destinations = Nodes.Select((n, i) => (n, i)).ToDictionary(x => $"node-{(char)('a' + x.i)}", x => new DestinationConfig { Address = x.n.BaseAddress.ToString() }),
            }])
            .AddTransforms(t => t.AddResponseTransform(response =>
            {
                if (response.HttpContext.Features.Get<Yarp.ReverseProxy.Model.IReverseProxyFeature>()?.ProxiedDestination?.DestinationId is { } node)
                    response.HttpContext.Response.Headers[NodeHeader] = node;
                return ValueTask.CompletedTask;
            }));
        balancer = builder.Build();
        balancer.MapReverseProxy();
        await balancer.StartAsync();
        return BalancerAddress = new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>A hub connection through the real .NET SignalR client (WebSockets) to <paramref name="address"/>.</summary>
    public static async Task<HubConnection> ConnectHubAsync(Uri address, Action<HttpConnectionOptions> auth)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(address, "/hubs/tickets"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                auth(o);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (balancer is not null)
            await balancer.DisposeAsync();
        foreach (var node in Nodes)
            await node.DisposeAsync();
        await Redis.DisposeAsync();
        foreach (var folder in folders)
        {
            try
            {
                Directory.Delete(folder.DataPath, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        Data.Dispose();
    }
}

/// <summary>Waiting for work's own progress, with a cap so a broken node fails the test instead of hanging the run.</summary>
public static class Waits
{
    public static readonly TimeSpan Cap = TimeSpan.FromMinutes(2);

    public static async Task UntilAsync(Func<Task<bool>> done, string what, TimeSpan? cap = null, TimeSpan? poll = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await done())
        {
            if (waited.Elapsed > (cap ?? Cap))
                throw new TimeoutException($"Still waiting for {what} after {waited.Elapsed}.");
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(50));
        }
    }
}
