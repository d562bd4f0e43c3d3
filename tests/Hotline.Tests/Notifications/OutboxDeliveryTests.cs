using System.Diagnostics;
using System.Net.Sockets;
using Hotline.Server.Data;
using Hotline.Server.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MimeKit;

namespace Hotline.Tests.Notifications;

/// <summary>The outbox's promises: retries with back-off, permanent failures for admins, no duplicates, no blocking.</summary>
public sealed class OutboxDeliveryTests
{
    [SmtpFact]
    public async Task An_email_written_while_SMTP_is_down_is_delivered_after_its_back_off_once_the_server_is_up()
    {
        var port = SmtpSink.FreePort(); // nothing listens there yet
        await RunAsync(Mail.Server(port), async factory =>
        {
            var number = (await Api.RegisterAsync(await factory.AgentAsync())).Number();
            var round = await Mail.SendAsync(factory);
            Assert.Equal((1, 0, 1, 0), (round.Claimed, round.Sent, round.Retrying, round.Failed));
            var row = Assert.Single(await Mail.OutboxAsync(factory, number));
            Assert.Equal((OutboxStatus.Pending, 1), (row.Status, row.Attempts));
            Assert.NotNull(row.LastError);
            Assert.InRange(row.NextAttemptAt, HotlineFactory.Start.AddSeconds(15), HotlineFactory.Start.AddSeconds(30)); // 30 s, jittered into its upper half

            await using var sink = await SmtpSink.StartAsync(port);
            Assert.Equal(0, (await Mail.SendAsync(factory)).Claimed); // not due yet
            factory.Clock.Advance(TimeSpan.FromSeconds(31));
            Assert.Equal(1, (await Mail.SendAsync(factory)).Sent);
            Assert.Equal(number, Assert.Single(await sink.WaitForAsync(1)).Ticket());
            row = Assert.Single(await Mail.OutboxAsync(factory, number));
            Assert.Equal((OutboxStatus.Sent, 2, null), (row.Status, row.Attempts, row.LastError));
        });
    }

    [SmtpFact]
    public async Task A_refused_recipient_fails_for_good_at_once_and_admins_see_it_and_can_retry_it()
    {
        await using var sink = await SmtpSink.StartAsync();
        await RunAsync(Mail.Server(sink.Port), async factory =>
        {
            var body = Api.Citizen();
            body["requester"]!["email"] = "reject-me@example.com";
            var number = (await Api.RegisterAsync(await factory.AgentAsync(), body)).Number();
            Assert.Equal(1, (await Mail.SendAsync(factory)).Failed);

            var admin = await factory.ClientAsync(Roles.Admin);
            var failed = (await Api.GetAsync(admin, "/api/notifications/outbox?status=Failed")).GetProperty("items").EnumerateArray().Single();
            Assert.Equal((number, "registered", "Failed", 1), (failed.Str("ticketNumber"), failed.Str("kind"), failed.Str("status"), failed.GetProperty("attempts").GetInt32()));
            Assert.StartsWith("550", failed.Str("lastError"), StringComparison.Ordinal);
            Assert.Equal(0, (await Api.GetAsync(admin, "/api/notifications/outbox?status=Pending")).GetProperty("items").GetArrayLength());
            using (var forbidden = await (await factory.SupervisorAsync()).GetAsync("/api/notifications/outbox?status=Failed"))
                Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

            var id = failed.GetProperty("id").GetInt64();
            using (var retry = await admin.PostAsync($"/api/notifications/outbox/{id}/retry", null))
                Assert.Equal(("Pending", 0), ((await Api.ExpectAsync(retry, HttpStatusCode.OK)).Str("status"), 0));
            Assert.Equal(1, (await Mail.SendAsync(factory)).Failed); // still refused: failed again, for the admin to fix the address
            Assert.Empty(sink.Messages());
        });
    }

    [SmtpFact]
    public async Task A_deferred_recipient_is_retried_and_the_last_allowed_attempt_marks_it_failed()
    {
        await using var sink = await SmtpSink.StartAsync();
        var server = Mail.Server(sink.Port);
        server.Settings["Notifications:MaxAttempts"] = "2";
        await RunAsync(server, async factory =>
        {
            var body = Api.Citizen();
            body["requester"]!["email"] = "defer-me@example.com";
            var number = (await Api.RegisterAsync(await factory.AgentAsync(), body)).Number();
            Assert.Equal(1, (await Mail.SendAsync(factory)).Retrying); // 451: try later
            factory.Clock.Advance(TimeSpan.FromSeconds(31));
            Assert.Equal(1, (await Mail.SendAsync(factory)).Failed);
            var row = Assert.Single(await Mail.OutboxAsync(factory, number));
            Assert.Equal((OutboxStatus.Failed, 2), (row.Status, row.Attempts));
            Assert.StartsWith("451", row.LastError, StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// The sender never holds up a ticket action: with the sender provably stuck inside a connection to an SMTP server
    /// that never says a word (the server itself tells us it holds the connection), registering and dispatching go on
    /// and commit. No clock is read: the property is the order of events, not a duration (the speed is the outbox
    /// benchmark's business).
    /// </summary>
    [SmtpFact]
    public async Task Ticket_actions_succeed_while_the_sender_is_stuck_on_a_hanging_SMTP_server()
    {
        // A server that accepts connections and never says a word: the worst case for a sender waiting on it.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(100);
        var held = new System.Collections.Concurrent.ConcurrentQueue<TcpClient>();
        var firstConnection = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var accepting = new CancellationTokenSource();
        var accept = Task.Run(async () =>
        {
            while (!accepting.IsCancellationRequested)
            {
                held.Enqueue(await silent.AcceptTcpClientAsync(accepting.Token));
                firstConnection.TrySetResult();
            }
        });
        var server = Mail.Server(((IPEndPoint)silent.LocalEndpoint).Port);
        server.Settings["Notifications:PollMilliseconds"] = "20"; // the background sender runs
        server.Settings["Notifications:Smtp:TimeoutSeconds"] = "600"; // stuck for as long as the server keeps silent
        await RunAsync(server, async factory =>
        {
            var agent = await factory.AgentAsync();
            var dispatcher = await factory.DispatcherAsync();
            var first = (await Api.RegisterAsync(agent, Api.Citizen(title: "SMTP 无响应前登记"))).Number();
            await firstConnection.Task.WaitAsync(TimeSpan.FromSeconds(60)); // the sender is now waiting for a greeting that never comes

            var numbers = new List<string>();
            for (var i = 0; i < 10; i++)
            {
                var number = (await Api.RegisterAsync(agent, Api.Citizen(title: $"SMTP 无响应时登记 {i}"))).Number();
                Assert.Equal("Dispatched", (await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"))).Str("status"));
                numbers.Add(number);
            }

            // All of it happened while the sender was still stuck: one connection, still open, and not one attempt ended.
            Assert.True(held.TryPeek(out var stuck) && IsOpen(stuck.Client), "the sender's connection was closed while the actions ran");
            Assert.Single(held);
            var rows = await Mail.OutboxAsync(factory);
            Assert.Equal(21, rows.Count); // registered ×11, dispatched ×10: every action's email committed with it
            Assert.All(rows, r => Assert.Equal((OutboxStatus.Pending, 0), (r.Status, r.Attempts)));
            foreach (var number in numbers)
                Assert.Equal("Dispatched", (await Api.GetAsync(agent, $"/api/tickets/{number}")).Str("status"));

            // The server goes away: the sender really was trying, and records the failure for a later retry.
            await accepting.CancelAsync();
            silent.Stop();
            while (held.TryDequeue(out var connection))
                connection.Dispose();
            for (var i = 0; i < 600 && (await Mail.OutboxAsync(factory)).All(o => o.Attempts == 0); i++)
                await Task.Delay(100);
            rows = await Mail.OutboxAsync(factory);
            Assert.Contains(rows, r => r.TicketNumber == first && r.Attempts == 1 && r.LastError is not null);
            Assert.All(rows, r => Assert.Equal(OutboxStatus.Pending, r.Status));
        });
        await Assert.ThrowsAnyAsync<Exception>(() => accept);
    }

    /// <summary>Open: nothing to read and not closed by the peer (a closed socket polls readable with no data).</summary>
    private static bool IsOpen(Socket socket) => !(socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0);

    [SmtpFact]
    public async Task A_restart_in_the_middle_of_sending_neither_resends_what_was_marked_nor_loses_what_was_not()
    {
        await using var sink = await SmtpSink.StartAsync();
        var (sent, inFlight) = await CrashMidSendAsync(sink, acceptBeforeCrash: false);
        var messages = await sink.WaitForAsync(6);
        Assert.Equal(6, messages.Count);
        Assert.Equal(6, messages.Select(m => m.MessageId).Distinct().Count()); // each email exactly once
        Assert.Equal(3, sent);
        Assert.Contains(inFlight, messages.Select(m => m.MessageId));
    }

    [SmtpFact]
    public async Task A_crash_between_the_servers_acceptance_and_the_mark_resends_that_one_email_with_the_same_Message_ID()
    {
        // The honest window of an outbox over SMTP: at least once. The copy carries the same Message-ID for receivers to drop.
        await using var sink = await SmtpSink.StartAsync();
        var (_, inFlight) = await CrashMidSendAsync(sink, acceptBeforeCrash: true);
        var messages = await sink.WaitForAsync(7);
        Assert.Equal(7, messages.Count);
        Assert.Equal(6, messages.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(inFlight, Assert.Single(messages.GroupBy(m => m.MessageId), g => g.Count() == 2).Key);
    }

    [SmtpFact]
    public async Task Two_senders_at_once_never_send_the_same_email_twice()
    {
        await using var sink = await SmtpSink.StartAsync();
        var server = Mail.Server(sink.Port);
        server.Settings["Notifications:BatchSize"] = "5";
        await RunAsync(server, async factory =>
        {
            var agent = await factory.AgentAsync();
            await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Api.RegisterAsync(agent, Api.Citizen(title: $"并发发送 {i}"))));
            var first = factory.Services.GetRequiredService<OutboxSender>();
            // A second instance: its own sender and its own SMTP connection over the same database.
            var second = ActivatorUtilities.CreateInstance<OutboxSender>(factory.Services, ActivatorUtilities.CreateInstance<SmtpMailTransport>(factory.Services));
            var counts = await Task.WhenAll(DrainAsync(first), DrainAsync(second));
            Assert.Equal(30, counts.Sum());
            var messages = await sink.WaitForAsync(30);
            Assert.Equal(30, messages.Count);
            Assert.Equal(30, messages.Select(m => m.MessageId).Distinct().Count());
            Assert.All(await Mail.OutboxAsync(factory), r => Assert.Equal((OutboxStatus.Sent, 1), (r.Status, r.Attempts)));
        });

        static async Task<int> DrainAsync(OutboxSender sender)
        {
            var sent = 0;
            for (var idle = 0; idle < 3;)
            {
                var round = await sender.SendDueAsync(default);
                sent += round.Sent;
                idle = round.Claimed == 0 ? idle + 1 : 0;
            }
            return sent;
        }
    }

    [SmtpFact]
    public async Task One_connection_carries_every_message_of_a_round()
    {
        await using var sink = await SmtpSink.StartAsync();
        await RunAsync(Mail.Server(sink.Port), async factory =>
        {
            var agent = await factory.AgentAsync();
            for (var i = 0; i < 5; i++)
                await Api.RegisterAsync(agent, Api.Citizen(title: $"连接复用 {i}"));
            Assert.Equal(5, (await Mail.SendAsync(factory)).Sent);
            await Api.RegisterAsync(agent, Api.Citizen(title: "连接复用 下一轮"));
            Assert.Equal(1, (await Mail.SendAsync(factory)).Sent);
            Assert.Equal(6, (await sink.WaitForAsync(6)).Count);
            Assert.Equal(1, sink.Sessions);
        });
    }

    [SmtpFact]
    public async Task A_round_is_spaced_to_the_configured_pace_and_sends_everything()
    {
        await using var sink = await SmtpSink.StartAsync();
        var server = Mail.Server(sink.Port);
        server.Settings["Notifications:MaxMessagesPerSecond"] = "20";
        await RunAsync(server, async factory =>
        {
            var agent = await factory.AgentAsync();
            for (var i = 0; i < 11; i++)
                await Api.RegisterAsync(agent, Api.Citizen(title: $"限速发送 {i}"));
            var watch = System.Diagnostics.Stopwatch.StartNew();

            Assert.Equal(11, (await Mail.SendAsync(factory)).Sent);

            // At 20 a second the 11th message is not due before 10/20 s after the first: a floor, which a slow machine only raises.
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(500 - 5), $"11 messages at 20/s went in {watch.Elapsed}");
            Assert.Equal(11, (await sink.WaitForAsync(11)).Count);
        });
    }

    [SmtpFact]
    public async Task The_pace_holds_across_rounds_not_only_within_one()
    {
        await using var sink = await SmtpSink.StartAsync();
        var server = Mail.Server(sink.Port);
        server.Settings["Notifications:MaxMessagesPerSecond"] = "2";
        server.Settings["Notifications:BatchSize"] = "1";
        await RunAsync(server, async factory =>
        {
            var agent = await factory.AgentAsync();
            for (var i = 0; i < 4; i++)
                await Api.RegisterAsync(agent, Api.Citizen(title: $"跨轮限速 {i}"));
            var watch = System.Diagnostics.Stopwatch.StartNew();

            for (var round = 0; round < 4; round++)
                Assert.Equal(1, (await Mail.SendAsync(factory)).Sent);

            // Four messages at 2 a second: the fourth is due 3/2 s after the first, whatever the rounds. Paced per round,
            // a round of one message never waited, and the four went as fast as the relay took them.
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(1500 - 5), $"4 messages at 2/s in rounds of 1 went in {watch.Elapsed}");
            Assert.Equal(4, (await sink.WaitForAsync(4)).Count);
        });
    }

    [SmtpFact]
    public async Task STARTTLS_to_a_relay_with_its_own_certificate_works_when_pinned_and_is_refused_otherwise()
    {
        await using var sink = await SmtpSink.StartAsync(tls: true);
        var pinned = Mail.Server(sink.Port);
        pinned.Settings["Notifications:Smtp:Security"] = "StartTls";
        pinned.Settings["Notifications:Smtp:ServerCertificateSha256"] = sink.CertificateSha256;
        await RunAsync(pinned, async factory =>
        {
            var number = (await Api.RegisterAsync(await factory.AgentAsync())).Number();
            Assert.Equal(1, (await Mail.SendAsync(factory)).Sent);
            Assert.Equal(number, Assert.Single(await sink.WaitForAsync(1)).Ticket());
        });

        var untrusted = Mail.Server(sink.Port);
        untrusted.Settings["Notifications:Smtp:Security"] = "StartTls";
        await RunAsync(untrusted, async factory =>
        {
            var number = (await Api.RegisterAsync(await factory.AgentAsync())).Number();
            Assert.Equal(1, (await Mail.SendAsync(factory)).Retrying); // a certificate nobody vouched for: nothing sent in clear
            Assert.Single(sink.Messages());
            Assert.NotNull(Assert.Single(await Mail.OutboxAsync(factory, number)).LastError);
        });
    }

    /// <summary>
    /// Six emails; the sender "dies" at the fourth (hangs until the host stops, after or before the server took it), then
    /// a new server on the same data sends the rest once the dead sender's lease has run out.
    /// </summary>
    private static async Task<(int SentBeforeCrash, string InFlight)> CrashMidSendAsync(SmtpSink sink, bool acceptBeforeCrash)
    {
        CrashingTransport? crashing = null;
        var first = Mail.Server(sink.Port);
        first.TestServices = s =>
        {
            s.RemoveAll<IMailTransport>();
            s.AddSingleton<IMailTransport>(sp => crashing = new CrashingTransport(ActivatorUtilities.CreateInstance<SmtpMailTransport>(sp), 4, acceptBeforeCrash));
        };
        string inFlight;
        int sent;
        try
        {
            var agent = await first.AgentAsync();
            for (var i = 0; i < 6; i++)
                await Api.RegisterAsync(agent, Api.Citizen(title: $"发送中重启 {i}"));
            using var stop = new CancellationTokenSource();
            var sending = Mail.SendAsync(first, stop.Token);
            inFlight = await crashing!.Hung.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
            var rows = await Mail.OutboxAsync(first);
            sent = rows.Count(r => r.Status == OutboxStatus.Sent);
            Assert.All(rows.Where(r => r.Status == OutboxStatus.Pending), r => Assert.NotNull(r.LeaseUntil)); // still held by the dead sender
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = Mail.Server(sink.Port, first.DataPath, first.PostgresDatabase);
        try
        {
            second.StartServer();
            Assert.Equal(0, (await Mail.SendAsync(second)).Claimed); // the lease keeps others off until it expires
            second.Clock.Advance(TimeSpan.FromSeconds(121));
            Assert.Equal(3, (await Mail.SendAsync(second)).Sent);
            Assert.All(await Mail.OutboxAsync(second), r => Assert.Equal(OutboxStatus.Sent, r.Status));
        }
        finally
        {
            await second.DisposeAsync();
            second.DeleteData();
        }
        return (sent, inFlight);
    }

    [SmtpFact]
    public async Task An_email_about_no_ticket_goes_out_once_with_its_attachment_and_unsubscribe_link()
    {
        await using var sink = await SmtpSink.StartAsync();
        await RunAsync(Mail.Server(sink.Port), async factory =>
        {
            var workbook = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
            OutboxEmail Notice(Outbox outbox) => outbox.Compose("notice", "weekly-2026-W49.leader", "leader@example.cn", "领导", "zh-CN",
                new Dictionary<string, object?> { ["title"] = "第49周研判报告" },
                [new OutboxAttachment { FileName = "研判报告.xlsx", ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Content = workbook }],
                unsubscribeUrl: "https://12345.example.cn/unsubscribe/abc");
            using (var scope = factory.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
                db.EmailTemplates.Add(new EmailTemplate { Kind = "notice", Language = "zh-CN", Subject = "通知：{{ title }}", Text = "{{ title }}", Html = "<p>{{ title }}</p>" });
                await db.SaveChangesAsync();
                await scope.ServiceProvider.GetRequiredService<EmailTemplates>().RefreshAsync(default);
                var outbox = scope.ServiceProvider.GetRequiredService<Outbox>();
                db.OutboxEmails.Add(Notice(outbox));
                await db.SaveChangesAsync();
                Assert.True(await outbox.ExistsAsync(db, "notice", "weekly-2026-W49.leader", default));
            }
            using (var scope = factory.Services.CreateScope()) // a second writer of the same email (a job run twice) is refused
            {
                var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
                db.OutboxEmails.Add(Notice(scope.ServiceProvider.GetRequiredService<Outbox>()));
                await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            }

            Assert.Equal(1, (await Mail.SendAsync(factory)).Sent);
            var message = Assert.Single(await sink.WaitForAsync(1));
            Assert.Equal("通知：第49周研判报告", message.Subject);
            Assert.Null(message.Ticket());
            var file = Assert.Single(message.Attachments.OfType<MimePart>());
            Assert.Equal("研判报告.xlsx", file.FileName);
            using var content = new MemoryStream();
            await file.Content!.DecodeToAsync(content);
            Assert.Equal(workbook, content.ToArray());
            Assert.Equal("<https://12345.example.cn/unsubscribe/abc>", message.Headers["List-Unsubscribe"]);
            Assert.Equal(0, (await Mail.SendAsync(factory)).Claimed);
        });
    }

    private static async Task RunAsync(HotlineFactory factory, Func<HotlineFactory, Task> test)
    {
        try
        {
            factory.StartServer();
            await test(factory);
        }
        finally
        {
            await factory.DisposeAsync();
            factory.DeleteData();
        }
    }

    /// <summary>Hangs at the n-th message (optionally after the server accepted it) until cancelled: a sender dying mid-send.</summary>
    private sealed class CrashingTransport(IMailTransport inner, int hangAt, bool acceptFirst) : IMailTransport
    {
        private int count;

        public TaskCompletionSource<string> Hung { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task SendAsync(MimeMessage message, CancellationToken ct)
        {
            if (Interlocked.Increment(ref count) != hangAt)
            {
                await inner.SendAsync(message, ct);
                return;
            }
            if (acceptFirst)
                await inner.SendAsync(message, ct);
            Hung.TrySetResult(message.MessageId!);
            await Task.Delay(Timeout.Infinite, ct);
        }
    }
}
