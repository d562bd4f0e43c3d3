using Hotline.Server.Nodes;
using Hotline.Server.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Nodes;

/// <summary>
/// Failed sign-ins, API keys and access codes are counted in Redis when there are several nodes: guesses spread over
/// the balancer's nodes meet one back-off, by the same rule a single node applies in memory, and a Redis outage leaves
/// each node counting on its own rather than not at all. The confidential-notice allowance is shared the same way. A real redis-server, two limiters as two nodes would hold them.
/// </summary>
public sealed class SharedAttemptLimitTests : IAsyncLifetime
{
    private static readonly BackOffOptions Policy = new() { FreeFailures = 3, FirstDelaySeconds = 2, MaxDelaySeconds = 60, ForgetAfterSeconds = 600 };

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.FromHours(8)));
    private readonly List<IDisposable> buses = [];
    private RedisServer redis = null!;

    public async Task InitializeAsync() => redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var bus in buses)
            bus.Dispose();
        await redis.DisposeAsync();
    }

    [RedisFact]
    public async Task Failures_counted_on_one_node_make_the_other_node_wait()
    {
        var (a, b) = (Node("a"), Node("b"));
        Assert.Null(await a.FailAsync("login:ip:203.0.113.7", Policy, default));
        Assert.Null(await b.FailAsync("login:ip:203.0.113.7", Policy, default));
        Assert.Null(await a.TryBeginAsync("login:ip:203.0.113.7", Policy, default)); // the third free failure
        Assert.Null(await b.TryBeginAsync("login:ip:203.0.113.7", Policy, default)); // let in, and counted: the fourth

        Assert.Equal(TimeSpan.FromSeconds(2), await a.TryBeginAsync("login:ip:203.0.113.7", Policy, default));
        Assert.Equal(TimeSpan.FromSeconds(2), await a.WaitAsync("login:ip:203.0.113.7", default));
        Assert.Null(await b.WaitAsync("login:ip:198.51.100.1", default)); // other keys are not held up

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await a.WaitAsync("login:ip:203.0.113.7", default));
        Assert.Equal(TimeSpan.FromSeconds(4), await b.FailAsync("login:ip:203.0.113.7", Policy, default)); // doubling
    }

    [RedisFact]
    public async Task A_success_on_one_node_clears_the_account_for_every_node()
    {
        var (a, b) = (Node("a"), Node("b"));
        for (var i = 0; i < 4; i++)
            await a.FailAsync("login:account:li.qiang", Policy, default);
        Assert.NotNull(await b.WaitAsync("login:account:li.qiang", default));

        await b.SucceededAsync("login:account:li.qiang", forget: true, default);
        Assert.Null(await a.WaitAsync("login:account:li.qiang", default));
    }

    [RedisFact]
    public async Task Redis_keeps_the_same_rule_as_one_nodes_memory_over_a_random_history()
    {
        // The in-memory limiter is the specification: the same steps at the same instants must get the same answers.
        var shared = Node("a");
        var memory = new MemoryAttemptLimiter(clock);
        var random = new Random(20261207);
        var keys = new[] { "k1", "k2", "k3" };
        for (var step = 0; step < 400; step++)
        {
            var key = keys[random.Next(keys.Length)];
            clock.Advance(TimeSpan.FromMilliseconds(random.Next(0, 3000)));
            switch (random.Next(5))
            {
                case 0:
                    Assert.Equal(await memory.WaitAsync(key, default), await shared.WaitAsync(key, default));
                    break;
                case 1:
                    Assert.Equal(await memory.FailAsync(key, Policy, default), await shared.FailAsync(key, Policy, default));
                    break;
                case 2:
                case 3:
                    Assert.Equal(await memory.TryBeginAsync(key, Policy, default), await shared.TryBeginAsync(key, Policy, default));
                    break;
                default:
                    var forget = random.Next(2) == 0;
                    await memory.SucceededAsync(key, forget, default);
                    await shared.SucceededAsync(key, forget, default);
                    break;
            }
        }
    }

    [RedisFact]
    public async Task With_Redis_down_each_node_still_backs_off_on_its_own()
    {
        var a = Node("a");
        redis.Stop();
        for (var i = 0; i <= Policy.FreeFailures; i++) // the free failures, and the one that starts the wait
            Assert.Null(await a.TryBeginAsync("track:ticket:20261207-0001", Policy, default));
        Assert.Equal(TimeSpan.FromSeconds(2), await a.TryBeginAsync("track:ticket:20261207-0001", Policy, default));
    }

    [RedisFact]
    public async Task The_confidential_notice_allowance_is_one_per_person_across_nodes_and_renews_after_an_hour()
    {
        var (a, b) = (Allowance("a"), Allowance("b"));
        Assert.True(await a.SpendAsync("u1", "13800000001", 2, default));
        Assert.True(await b.SpendAsync("u1", "13800000002", 2, default));
        Assert.False(await a.SpendAsync("u1", "13800000003", 2, default)); // two distinct values an hour, over both nodes
        Assert.True(await b.SpendAsync("u1", "13800000001", 2, default)); // one already looked up is free
        Assert.True(await b.SpendAsync("u2", "13800000003", 2, default)); // another person's allowance is their own

        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.True(await a.SpendAsync("u1", "13800000003", 2, default));
    }

    [RedisFact]
    public async Task Redis_holds_no_looked_up_phone_number_in_clear()
    {
        await Allowance("a").SpendAsync("u1", "13912345566", 5, default);
        var bus = Bus("probe");
        var server = bus.Database.Multiplexer.GetServers().Single();
        foreach (var key in server.Keys(pattern: "limits:lookups:*"))
        {
            var values = key.ToString().EndsWith(":values", StringComparison.Ordinal)
                ? (await bus.Database.SetMembersAsync(key)).Select(v => v.ToString())
                : [(await bus.Database.StringGetAsync(key)).ToString()];
            Assert.DoesNotContain(values, v => v.Contains("13912345566", StringComparison.Ordinal));
        }
    }

    private RedisAttemptLimiter Node(string id) => new(Bus(id), clock, NullLogger<RedisAttemptLimiter>.Instance);

    private RedisLookupAllowance Allowance(string id) => new(Bus(id), clock, NullLogger<RedisLookupAllowance>.Instance);

    private RedisNodeBus Bus(string id)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new RedisOptions { Configuration = redis.Configuration + ",connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000", ChannelPrefix = "limits" });
        var bus = new RedisNodeBus(new NodeIdentity(id), options, NullLogger<RedisNodeBus>.Instance);
        buses.Add(bus);
        return bus;
    }
}

/// <summary>Needs Debian's redis-server (./test.sh installs it); no database.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (!File.Exists(NodesFactAttribute.RedisServer))
            Skip = $"Needs {NodesFactAttribute.RedisServer}; ./test.sh installs it (apt: redis-server).";
    }
}
