using System.Collections.Concurrent;
using Hotline.Tests.Notifications;
using MimeKit;

namespace Hotline.Tests.Security;

/// <summary>
/// Crash safety with a real server process killed by SIGKILL (no shutdown code runs) in the middle of its work, then
/// started again on the same data: acknowledged registrations are there exactly once, the SLA sweep takes every step
/// exactly once (the same events as a run that was never killed), and every email goes out, repeated at most when it
/// was in flight at the kill. Nothing here waits for a time to pass: the kill follows the work's own progress.
/// </summary>
public sealed class CrashTests
{
    private static readonly Dictionary<string, string?> Quiet = new()
    {
        ["Sla:SweepIntervalMilliseconds"] = "0", // no sweep until the test wants one
        ["Sla:DailyDigest"] = "false",
    };

    [Fact]
    public async Task Every_acknowledged_registration_survives_a_kill_mid_burst_once()
    {
        using var data = new ServerData();
        var acknowledged = new ConcurrentDictionary<string, string>();
        var attempted = new ConcurrentDictionary<string, JsonObject>();
        string key;
        await using (var server = await ServerProcess.StartAsync(data, Quiet))
        {
            key = await server.ApiKeyAsync(data, Roles.Agent);
            var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                using var client = server.Client(key);
                for (var i = 0; ; i++)
                {
                    var idempotencyKey = $"burst-{w}-{i}";
                    var body = Api.Citizen(title: $"断电测试 {w}-{i}");
                    attempted[idempotencyKey] = body;
                    try
                    {
                        using var response = await Api.PostAsync(client, "/api/tickets", body, idempotencyKey);
                        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                            acknowledged[idempotencyKey] = (await Api.ExpectAsync(response, response.StatusCode)).Number();
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToList();
            await UntilAsync(() => Task.FromResult(acknowledged.Count >= 150 || workers.All(w => w.IsCompleted)), "150 registrations acknowledged");
            Assert.True(acknowledged.Count >= 150, $"the burst stopped after {acknowledged.Count} registrations; see {data.DataPath}");
            server.Kill(); // mid-burst: the workers still have requests in flight
            await Task.WhenAll(workers);
        }

        await using var restarted = await ServerProcess.StartAsync(data, Quiet);
        using var retrying = restarted.Client(key);
        foreach (var (idempotencyKey, body) in attempted)
        {
            using var response = await Api.PostAsync(retrying, "/api/tickets", body, idempotencyKey);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{idempotencyKey}: {(int)response.StatusCode}");
            if (acknowledged.TryGetValue(idempotencyKey, out var number))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode); // committed before its 201: the retry is a replay
                Assert.Equal(number, (await Api.ExpectAsync(response, HttpStatusCode.OK)).Number());
            }
        }
        var duplicates = await data.RowsAsync("SELECT \"Title\", COUNT(*) FROM tickets WHERE \"Title\" LIKE '断电测试%' GROUP BY \"Title\" HAVING COUNT(*) > 1");
        Assert.Empty(duplicates);
        Assert.Equal(attempted.Count, await data.ScalarAsync("SELECT COUNT(*) FROM tickets WHERE \"Title\" LIKE '断电测试%'"));
    }

    [Fact]
    public async Task A_sweep_killed_midway_takes_every_step_exactly_once_like_a_run_never_killed()
    {
        using var data = new ServerData();
        await using (var server = await ServerProcess.StartAsync(data, Quiet))
        {
            var key = await server.ApiKeyAsync(data, Roles.Agent);
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                using var client = server.Client(key);
                for (var i = 0; i < 80; i++)
                    await Api.RegisterAsync(client, Api.Citizen(title: $"超时测试 {w}-{i}"));
            })));
        }
        var baseline = await data.ScalarAsync("SELECT MAX(\"Id\") FROM ticket_events");
        using var neverKilled = await data.CopyAsync();
        // Batches of 50 clocks, so the herd takes many commits and the kill after the first lands midway.
        var sweeping = new Dictionary<string, string?>(Quiet) { ["Sla:SweepIntervalMilliseconds"] = "200", ["Sla:SweepBatchSize"] = "50" };

        await neverKilled.ExecuteAsync(BackdateClocksSql(neverKilled));
        await using (var clean = await ServerProcess.StartAsync(neverKilled, sweeping))
            await UntilNothingIsDueAsync(neverKilled);
        var expected = await StepsAsync(neverKilled, baseline);

        long stepsAtKill;
        await using (var first = await ServerProcess.StartAsync(data, sweeping))
        {
            // The herd falls due only once this server is up and the test is watching: due before the start, a quiet
            // machine swept all of it while the server was still starting, before the first look.
            stepsAtKill = await data.KillOnceCommittedAsync(BackdateClocksSql(data), $"SELECT COUNT(*) FROM ticket_events WHERE \"Id\" > {baseline}",
                () => Task.FromResult<Action?>(first.Kill));
        }
        await using (var second = await ServerProcess.StartAsync(data, sweeping))
            await UntilNothingIsDueAsync(data);
        var steps = await StepsAsync(data, baseline);

        Assert.True(expected.Count > 1500, $"a herd of {expected.Count} steps, many batches of 50 clocks");
        Assert.True(stepsAtKill < expected.Count, $"killed after {stepsAtKill} of {expected.Count} steps");
        Assert.Equal(expected, steps);
    }

    [SmtpFact]
    public async Task An_outbox_killed_mid_send_delivers_every_email_repeating_only_what_was_in_flight()
    {
        using var data = new ServerData();
        await using (var server = await ServerProcess.StartAsync(data, Quiet)) // no mail server yet: the emails wait in the outbox
        {
            var key = await server.ApiKeyAsync(data, Roles.Agent);
            using var client = server.Client(key);
            for (var i = 0; i < 120; i++)
                await Api.RegisterAsync(client, Api.Citizen(title: $"邮件测试 {i}"));
        }
        var rows = await data.ScalarAsync("SELECT COUNT(*) FROM outbox_emails");
        Assert.True(rows >= 120, $"{rows} emails waiting");
        await using var sink = await SmtpSink.StartAsync();
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

        int deliveredAtKill;
        sink.HoldAfter(20); // the 21st email waits at the sink, so the kill finds the sender mid-send on any machine
        await using (var first = await ServerProcess.StartAsync(data, sending))
        {
            deliveredAtKill = 0;
            await UntilAsync(() => Task.FromResult((deliveredAtKill = sink.Messages().Count) >= 20), "20 emails delivered");
            first.Kill();
        }
        sink.Release();
        await using (var second = await ServerProcess.StartAsync(data, sending))
        {
            await UntilAsync(async () => await data.ScalarAsync("SELECT COUNT(*) FROM outbox_emails WHERE \"Status\" <> 'Sent'") == 0, "every email sent");
        }

        var received = sink.Messages().GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.Count());
        var messageIds = (await data.RowsAsync("SELECT \"MessageId\" FROM outbox_emails")).Select(r => (string)r[0]!).ToList();
        Assert.True(deliveredAtKill < messageIds.Count, $"killed after {deliveredAtKill} of {messageIds.Count} emails");
        Assert.All(messageIds, id => Assert.True(received.ContainsKey(id), $"{id} never delivered"));
        Assert.Equal(messageIds.Order(), received.Keys.Order());
        // SMTP cannot be exactly once: what the server accepted but the outbox had not marked sent is sent again, with its Message-ID.
        Assert.True(received.Values.Sum() - received.Count <= batch, $"{received.Values.Sum() - received.Count} repeated emails");
        Assert.All(received.Values, count => Assert.True(count <= 2));
    }

    private static readonly string[] TimeColumns = ["StartedAt", "FirstWarningAt", "SecondWarningAt", "DueAt", "EscalateAt", "NextAt"];

    /// <summary>Waits until no clock has a step due any more.</summary>
    private static Task UntilNothingIsDueAsync(ServerData data) =>
        UntilAsync(async () => await data.ScalarAsync(data.UsesPostgres
            ? "SELECT COUNT(*) FROM sla_clocks WHERE \"NextAt\" <= now()"
            : $"SELECT COUNT(*) FROM sla_clocks WHERE \"NextAt\" <= {TimeProvider.System.GetUtcNow().UtcTicks}") == 0, "every due step taken");

    /// <summary>
    /// Every running clock (2 working hours to dispatch) started 60 days ago: all its warnings, breaches and
    /// escalations are due at once, a herd of several batches.
    /// </summary>
    private static string BackdateClocksSql(ServerData data) => data.UsesPostgres
        ? string.Join(", ", TimeColumns.Select(c => $"\"{c}\" = \"{c}\" - interval '60 days'")).Insert(0, "UPDATE sla_clocks SET ") + " WHERE \"NextAt\" IS NOT NULL"
        : string.Join(", ", TimeColumns.Select(c => $"\"{c}\" = \"{c}\" - {TimeSpan.FromDays(60).Ticks}")).Insert(0, "UPDATE sla_clocks SET ") + " WHERE \"NextAt\" IS NOT NULL";

    /// <summary>
    /// Waits for a condition of the work's progress, as long as a loaded machine needs; a condition that never comes
    /// (the server broke) fails the test with what was awaited instead of hanging the run.
    /// </summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(3), $"still waiting for {what} after three minutes");
            await Task.Delay(5);
        }
    }

    /// <summary>The events the sweep added: which ticket, which version, which action.</summary>
    private static async Task<List<string>> StepsAsync(ServerData data, long after) =>
        (await data.RowsAsync($"SELECT \"TicketId\", \"Version\", \"Action\" FROM ticket_events WHERE \"Id\" > {after}"))
            .Select(r => $"{r[0]}:{r[1]}:{r[2]}").Order(StringComparer.Ordinal).ToList();
}
