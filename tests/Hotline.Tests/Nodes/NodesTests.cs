using System.Collections.Concurrent;
using Hotline.Server.Live;
using Hotline.Server.Telephony;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hotline.Tests.Nodes;

/// <summary>
/// Hotline as two real nodes (server processes) on one PostgreSQL and one Redis: what is done through one node is seen,
/// popped, refused or swept on the other, a node killed with SIGKILL mid-work loses nothing and repeats nothing, and a
/// Redis outage delays nothing beyond the polling safety net and loses nothing. Waits follow the work's own progress.
/// </summary>
[Collection(ClusterTests.Name)]
public sealed class NodesTests
{
    private const string Password = "Correct-horse-battery-9";

    private static readonly Dictionary<string, string?> Quiet = new()
    {
        ["Sla:SweepIntervalMilliseconds"] = "0",
        ["Sla:DailyDigest"] = "false",
        ["Sla:CalendarReminder"] = "false",
    };

    [NodesFact]
    public async Task An_event_made_through_node_A_reaches_a_client_on_node_B_in_order_and_Since_there_agrees()
    {
        await using var cluster = await NodeCluster.StartAsync(2, Quiet);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var key = await a.ApiKeyAsync(cluster.Data, Roles.Agent);
        var received = new ConcurrentQueue<TicketEventMessage>();
        await using var hub = await NodeCluster.ConnectHubAsync(b.BaseAddress, o => o.Headers["X-Api-Key"] = key);
        hub.On<TicketEventMessage>(nameof(ITicketsClient.TicketEvent), received.Enqueue);
        await hub.StartAsync();
        await hub.InvokeAsync<List<TicketEventMessage>>("Since", long.MaxValue); // in its groups from here on

        using var client = a.Client(key);
        var numbers = new List<string>();
        for (var i = 0; i < 20; i++)
            numbers.Add((await Api.RegisterAsync(client, Api.Citizen(title: $"跨节点事件 {i}"))).Str("number"));

        await Waits.UntilAsync(() => Task.FromResult(numbers.All(n => received.Any(e => e.Number == n))), "every registration on node B");
        var sequences = received.Select(e => e.Sequence).ToList();
        Assert.Equal(Enumerable.Range(0, sequences.Count).Select(i => sequences[0] + i), sequences); // in order, no gap, no repeat
        var since = await hub.InvokeAsync<List<TicketEventMessage>>("Since", sequences[0] - 1);
        Assert.Equal(sequences, since.Select(e => e.Sequence));
    }

    [NodesFact]
    public async Task An_incoming_call_posted_to_node_A_pops_on_the_agent_connected_to_node_B_with_a_cookie_node_A_issued()
    {
        await using var cluster = await NodeCluster.StartAsync(2, Quiet);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var admin = await SignInAsync(a, ServerData.AdminName, ServerData.AdminPassword);
        using (var created = await SendAsync(a, HttpMethod.Post, "/api/admin/users", admin,
            new { userName = "agent-b", displayName = "坐席乙", role = Roles.Agent, password = Password }))
            await Api.ExpectAsync(created, HttpStatusCode.Created);
        var agentCookie = await SignInAsync(a, "agent-b", Password); // protected with the key ring in the database

        var calls = new ConcurrentQueue<IncomingCallMessage>();
        await using var hub = await NodeCluster.ConnectHubAsync(b.BaseAddress, o => o.Headers["Cookie"] = agentCookie);
        hub.On<IncomingCallMessage>(nameof(ITicketsClient.IncomingCall), calls.Enqueue);
        await hub.StartAsync();
        await hub.InvokeAsync<List<TicketEventMessage>>("Since", long.MaxValue);

        var telephony = await a.ApiKeyAsync(cluster.Data, Roles.Agent);
        using var client = a.Client(telephony);
        using (var posted = await client.PostAsJsonAsync("/api/telephony/incoming", new { callerPhone = "13812345678", agent = "agent-b", callId = "call-across-nodes" }))
            await Api.ExpectAsync(posted, HttpStatusCode.Accepted);

        await Waits.UntilAsync(() => Task.FromResult(calls.Any(c => c.CallId == "call-across-nodes")), "the call popped on node B");
        Assert.Equal("agent-b", Assert.Single(calls).AgentUserName);
    }

    [NodesFact]
    public async Task An_api_key_revoked_through_node_A_is_refused_by_node_B_long_before_its_cached_row_expires()
    {
        await using var cluster = await NodeCluster.StartAsync(2, Quiet);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var admin = await SignInAsync(a, ServerData.AdminName, ServerData.AdminPassword);
        JsonElement key;
        using (var created = await SendAsync(a, HttpMethod.Post, "/api/admin/api-keys", admin, new { name = "integration", role = Roles.Agent }))
            key = await Api.ExpectAsync(created, HttpStatusCode.Created);
        using var onB = b.Client(key.Str("key"));
        await Api.RegisterAsync(onB, Api.Citizen(title: "吊销前")); // node B now holds the key row in memory

        using (var revoked = await SendAsync(a, HttpMethod.Delete, $"/api/admin/api-keys/{key.GetProperty("id").GetInt32()}", admin))
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        // Without the message node B would accept the key until its cached row expires (ApiKeyCache.Lifetime, 30 s);
        // the cap below is far inside that, so only the invalidation over Redis can make this pass.
        await Waits.UntilAsync(async () =>
        {
            using var response = await onB.GetAsync("/api/queues/revisit");
            return response.StatusCode == HttpStatusCode.Unauthorized;
        }, "node B refusing the revoked key", TimeSpan.FromSeconds(10));
    }

    [NodesFact]
    public async Task Wrong_passwords_spread_over_two_nodes_meet_one_back_off()
    {
        // A first wait of ten minutes, so the wait the sixth failure starts cannot run out on a slow machine before the check.
        await using var cluster = await NodeCluster.StartAsync(2, new Dictionary<string, string?>(Quiet) { ["Security:LoginPerAccount:FirstDelaySeconds"] = "600", ["Security:LoginPerAccount:MaxDelaySeconds"] = "600" });
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var free = new Hotline.Server.Security.SecurityOptions().LoginPerAccount.FreeFailures;
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i <= free; i++) // alternating nodes: each node alone sees about half, under its free failures
        {
            using var client = (i % 2 == 0 ? a : b).Client();
            using var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = ServerData.AdminName, password = "Wrong-horse-1" });
            answers.Add(login.StatusCode);
        }
        Assert.All(answers, s => Assert.Equal(HttpStatusCode.Unauthorized, s));

        using var next = a.Client();
        using var waiting = await next.PostAsJsonAsync("/api/auth/login", new { userName = ServerData.AdminName, password = ServerData.AdminPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode); // counted together: even the right password waits
        Assert.True(waiting.Headers.Contains("Retry-After"));
    }

    [NodesFact]
    public async Task Killing_the_node_that_sweeps_mid_herd_moves_the_sweep_and_takes_every_step_exactly_once()
    {
        var data = new ServerData();
        await using (var single = await ServerProcess.StartAsync(data, Quiet))
        {
            var agent = await single.ApiKeyAsync(data, Roles.Agent);
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                using var client = single.Client(agent);
                for (var i = 0; i < 120; i++)
                    await Api.RegisterAsync(client, Api.Citizen(title: $"集群超时 {w}-{i}"));
            })));
        }
        var baseline = await data.ScalarAsync("SELECT MAX(\"Id\") FROM ticket_events");
        // Batches of 100: the herd takes several rounds even with the sweep's two workers side by side, so the kill lands mid-herd.
        var sweeping = new Dictionary<string, string?>(Quiet) { ["Sla:SweepIntervalMilliseconds"] = "200", ["Sla:SweepBatchSize"] = "100" };

        // The same herd swept by one node that is never killed: what exactly once looks like.
        List<string> expected;
        using (var neverKilled = await data.CopyAsync())
        {
            await neverKilled.ExecuteAsync(ShiftClocksSql);
            await using (await ServerProcess.StartAsync(neverKilled, sweeping))
                await UntilNothingIsDueAsync(neverKilled);
            expected = await StepsAsync(neverKilled, baseline);
        }

        await using var cluster = await NodeCluster.StartAsync(2, sweeping, data);
        // Both nodes up, the herd falls due; mid-sweep, holding the trigger, its node is killed: the other recovers it after a missed check-in.
        var stepsAtKill = await data.KillOnceCommittedAsync(ShiftClocksSql, $"SELECT COUNT(*) FROM ticket_events WHERE \"Id\" > {baseline}", async () =>
        {
            var rows = await data.RowsAsync("SELECT instance_name FROM qrtz_fired_triggers WHERE trigger_name = 'sla-sweep'");
            var sweeper = rows.Select(r => (string)r[0]!).FirstOrDefault();
            return sweeper is null ? null : cluster.Nodes[sweeper == "node-b" ? 1 : 0].Kill;
        });

        await UntilNothingIsDueAsync(data);
        var steps = await StepsAsync(data, baseline);
        Assert.True(expected.Count > 1500, $"a herd of {expected.Count} steps, many batches");
        Assert.True(stepsAtKill < expected.Count, $"killed after {stepsAtKill} of {expected.Count} steps");
        Assert.Equal(expected, steps);
    }

    [NodesFact(Smtp = true)]
    public async Task Killing_a_node_mid_send_leaves_the_outbox_to_the_other_which_delivers_every_email()
    {
        var data = new ServerData();
        await using (var single = await ServerProcess.StartAsync(data, Quiet)) // no mail server yet: the emails wait in the outbox
        {
            var agent = await single.ApiKeyAsync(data, Roles.Agent);
            using var client = single.Client(agent);
            for (var i = 0; i < 120; i++)
                await Api.RegisterAsync(client, Api.Citizen(title: $"集群邮件 {i}"));
        }
        await using var sink = await Notifications.SmtpSink.StartAsync();
        const int batch = 10;
        var sending = new Dictionary<string, string?>(Quiet)
        {
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Smtp:Security"] = "None",
            ["Notifications:LeaseSeconds"] = "5", // a dead sender's claim expires soon
            ["Notifications:BatchSize"] = batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:PollMilliseconds"] = "100",
        };
        // Held back until both nodes are up, so that both take part in sending.
        await data.ExecuteAsync("UPDATE outbox_emails SET \"NextAttemptAt\" = now() + interval '1 day'");
        await using var cluster = await NodeCluster.StartAsync(2, sending, data);
        await data.ExecuteAsync("UPDATE outbox_emails SET \"NextAttemptAt\" = now() - interval '1 minute'");
        var deliveredAtKill = 0;
        await Waits.UntilAsync(() => Task.FromResult((deliveredAtKill = sink.Messages().Count) >= 20), "20 emails delivered", poll: TimeSpan.FromMilliseconds(5));
        cluster.Nodes[0].Kill();

        await Waits.UntilAsync(async () => await data.ScalarAsync("SELECT COUNT(*) FROM outbox_emails WHERE \"Status\" <> 'Sent'") == 0, "every email sent");
        var received = sink.Messages().GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.Count());
        var messageIds = (await data.RowsAsync("SELECT \"MessageId\" FROM outbox_emails")).Select(r => (string)r[0]!).ToList();
        Assert.True(deliveredAtKill < messageIds.Count, $"killed after {deliveredAtKill} of {messageIds.Count} emails");
        Assert.Equal(messageIds.Order(), received.Keys.Order());
        // SMTP cannot be exactly once: what the server accepted but the dead node had not marked sent goes again, with its Message-ID.
        Assert.True(received.Values.Sum() - received.Count <= batch, $"{received.Values.Sum() - received.Count} repeated emails");
    }

    [NodesFact]
    public async Task Redis_stopped_and_started_mid_traffic_loses_no_event_and_invalidation_resumes()
    {
        await using var cluster = await NodeCluster.StartAsync(2, Quiet);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var key = await a.ApiKeyAsync(cluster.Data, Roles.Agent);
        var received = new ConcurrentQueue<TicketEventMessage>();
        await using var hub = await NodeCluster.ConnectHubAsync(b.BaseAddress, o => o.Headers["X-Api-Key"] = key);
        hub.On<TicketEventMessage>(nameof(ITicketsClient.TicketEvent), received.Enqueue);
        await hub.StartAsync();
        await hub.InvokeAsync<List<TicketEventMessage>>("Since", long.MaxValue);

        using var client = a.Client(key);
        var numbers = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            if (i == 10)
                cluster.Redis.Stop(); // mid-traffic
            if (i == 20)
                await cluster.Redis.StartAgainAsync();
            numbers.Add((await Api.RegisterAsync(client, Api.Citizen(title: $"缓存中断 {i}"))).Str("number"));
        }

        await Waits.UntilAsync(() => Task.FromResult(numbers.All(n => received.Any(e => e.Number == n))), "every registration on node B");
        var sequences = received.Select(e => e.Sequence).ToList();
        Assert.Equal(Enumerable.Range(0, sequences.Count).Select(i => sequences[0] + i), sequences);

        // Once the nodes are back on Redis, an invalidation made on A reaches B again.
        var admin = await SignInAsync(a, ServerData.AdminName, ServerData.AdminPassword);
        JsonElement second;
        using (var created = await SendAsync(a, HttpMethod.Post, "/api/admin/api-keys", admin, new { name = "after outage", role = Roles.Agent }))
            second = await Api.ExpectAsync(created, HttpStatusCode.Created);
        using var onB = b.Client(second.Str("key"));
        await Waits.UntilAsync(async () =>
        {
            using var ok = await onB.GetAsync("/api/queues/revisit");
            return ok.StatusCode == HttpStatusCode.OK;
        }, "node B accepting the new key");
        await Waits.UntilAsync(async () =>
        {
            using var revoked = await SendAsync(a, HttpMethod.Delete, $"/api/admin/api-keys/{second.GetProperty("id").GetInt32()}", admin);
            using var response = await onB.GetAsync("/api/queues/revisit");
            return response.StatusCode == HttpStatusCode.Unauthorized;
        }, "node B refusing the key revoked on A after the outage", TimeSpan.FromSeconds(20));
    }

    [NodesFact]
    public async Task A_node_started_while_Redis_is_down_serves_and_hears_the_other_nodes_once_Redis_is_up()
    {
        await using var cluster = await NodeCluster.StartAsync(1, Quiet);
        var a = cluster.Nodes[0];
        cluster.Redis.Stop();
        var b = await cluster.StartNodeAsync(); // ready without Redis
        await cluster.Redis.StartAgainAsync();

        // A department head's email is reference data every node keeps in memory with no expiry: only a message from
        // node A (or the reload when the bus connects) can change what node B shows.
        var admin = await SignInAsync(a, ServerData.AdminName, ServerData.AdminPassword);
        var department = (await cluster.Data.RowsAsync("SELECT \"Code\" FROM departments ORDER BY \"Code\" LIMIT 1")).Single()[0]!.ToString();
        var email = $"head-{Guid.NewGuid():N}@example.gov.cn";
        await Waits.UntilAsync(async () =>
        {
            using (var set = await SendAsync(a, HttpMethod.Put, $"/api/notifications/department-heads/{department}", admin, new { headName = "主任", headEmail = email }))
                Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            using var onB = await SendAsync(b, HttpMethod.Get, "/api/notifications/department-heads", admin);
            return (await onB.Content.ReadAsStringAsync()).Contains(email, StringComparison.Ordinal);
        }, "node B showing the head set on node A");
    }

    [NodesFact]
    public async Task Viewers_on_node_A_are_seen_on_node_B_and_leave_within_seconds_when_node_A_is_killed()
    {
        await using var cluster = await NodeCluster.StartAsync(2, Quiet);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var onA = await a.ApiKeyAsync(cluster.Data, Roles.Agent);
        var onB = await a.ApiKeyAsync(cluster.Data, Roles.Dispatcher);
        using var client = a.Client(onA);
        var number = (await Api.RegisterAsync(client, Api.Citizen(title: "两个节点上同时查看"))).Str("number");

        var seenOnB = new ConcurrentQueue<List<LiveViewer>>();
        await using var watcherB = await NodeCluster.ConnectHubAsync(b.BaseAddress, o => o.Headers["X-Api-Key"] = onB);
        watcherB.On<string, List<LiveViewer>>(nameof(ITicketsClient.PresenceChanged), (n, v) => { if (n == number) seenOnB.Enqueue(v); });
        await watcherB.StartAsync();
        await watcherB.InvokeAsync<List<LiveViewer>>("WatchTicket", number);
        await using var watcherA = await NodeCluster.ConnectHubAsync(a.BaseAddress, o => o.Headers["X-Api-Key"] = onA);
        await watcherA.StartAsync();
        await watcherA.InvokeAsync<List<LiveViewer>>("WatchTicket", number);

        await Waits.UntilAsync(() => Task.FromResult(seenOnB.Any(v => v.Count == 2)), "node B seeing the viewer on node A");
        a.Kill();
        seenOnB.Clear();
        // Node A's viewer leaves once node A has been silent for NodePresence.Silence (seconds), not when a TCP timeout gives up.
        await Waits.UntilAsync(() => Task.FromResult(seenOnB.Any(v => v.Count == 1)), "node B dropping the dead node's viewer", TimeSpan.FromSeconds(30));
    }

    [NodesFact]
    public async Task Through_the_balancer_each_node_serves_its_metrics_and_a_client_stays_on_its_node()
    {
        await using var cluster = await NodeCluster.StartAsync(2, Quiet);
        var balancer = await cluster.StartBalancerAsync();
        var key = await cluster.Nodes[0].ApiKeyAsync(cluster.Data, Roles.Agent);
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = balancer };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        for (var i = 0; i < 5; i++)
            await Api.RegisterAsync(client, Api.Citizen(title: $"负载均衡 {i}"));
        Assert.Contains(cookies.GetCookies(balancer), c => c.Name == "hotline.node"); // affinity: later requests go to the same node

        foreach (var node in cluster.Nodes)
        {
            using var metrics = node.Client();
            var text = await metrics.GetStringAsync("/metrics");
            Assert.Contains("hotline_hub_connections", text, StringComparison.Ordinal);
            Assert.Contains("http_server_request_duration", text, StringComparison.Ordinal);
        }
        var registeredOn = 0;
        foreach (var node in cluster.Nodes)
        {
            using var metrics = node.Client();
            if ((await metrics.GetStringAsync("/metrics")).Contains("hotline_intake_tickets", StringComparison.Ordinal))
                registeredOn++;
        }
        Assert.Equal(1, registeredOn); // all five on one node, as its cookie said
    }

    private static readonly string[] TimeColumns = ["StartedAt", "FirstWarningAt", "SecondWarningAt", "DueAt", "EscalateAt", "NextAt"];

    /// <summary>Every running clock started 60 days ago: all its warnings, breaches and escalations are due at once.</summary>
    private static readonly string ShiftClocksSql =
        "UPDATE sla_clocks SET " + string.Join(", ", TimeColumns.Select(c => $"\"{c}\" = \"{c}\" - interval '60 days'")) + " WHERE \"NextAt\" IS NOT NULL";

    private static Task UntilNothingIsDueAsync(ServerData data) =>
        Waits.UntilAsync(async () => await data.ScalarAsync("SELECT COUNT(*) FROM sla_clocks WHERE \"NextAt\" <= now()") == 0, "every due step taken");

    /// <summary>The events the sweep added: which ticket, which version, which action.</summary>
    private static async Task<List<string>> StepsAsync(ServerData data, long after) =>
        (await data.RowsAsync($"SELECT \"TicketId\", \"Version\", \"Action\" FROM ticket_events WHERE \"Id\" > {after}"))
            .Select(r => $"{r[0]}:{r[1]}:{r[2]}").Order(StringComparer.Ordinal).ToList();

    private static async Task<string> SignInAsync(ServerProcess node, string userName, string password)
    {
        using var client = node.Client();
        using var login = await client.PostAsJsonAsync("/api/auth/login", new { userName, password });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        return login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("hotline.auth=", StringComparison.Ordinal));
    }

    private static async Task<HttpResponseMessage> SendAsync(ServerProcess node, HttpMethod method, string path, string cookie, object? body = null)
    {
        using var client = node.Client();
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }
}

/// <summary>
/// Multi-node tests run one at a time (one collection): each starts several servers, and two clusters at once would
/// starve a 2-core machine. The collection runs beside the others, not alone after them: most of its time is spent
/// waiting (a dead node's lease, Redis coming back), and <see cref="LongestFirst"/> starts it first so it is not the
/// suite's tail.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterTests
{
    public const string Name = "Nodes";
}
