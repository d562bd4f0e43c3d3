using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Notifications;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Benchmarks.BenchReport;

namespace Hotline.Benchmarks;

/// <summary>
/// <c>email</c>: the outbox sender through MailKit to a loopback SMTP server (python3-aiosmtpd, the tests' smtp_sink.py),
/// against baseline B0 measured in the same run: the same sender with a new SMTP connection per message. Then ticket
/// intake latency (open loop, the intake benchmark's load code) with the sender idle, with mail flowing, and idle again.
/// Options: --messages 10000 --baseline (messages / 10) --clients 32 --calibrate 2000 --pace-seconds 15 --pace-fraction 0.5
/// --tls (STARTTLS with a self-signed certificate, pinned, as a production relay would use) --seed 12345 --keep --no-doc
/// </summary>
public static class EmailBenchmark
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var messages = args.Whole("messages", 10_000);
        var baseline = args.Whole("baseline", Math.Max(50, messages / 10));
        var clients = args.Whole("clients", 32);
        var calibrate = args.Whole("calibrate", 2_000);
        var paceSeconds = args.Number("pace-seconds", 15);
        var paceFraction = args.Number("pace-fraction", 0.5);
        var command = "dotnet run -c Release --project tests/Hotline.Benchmarks -- email" + (args.Raw.Count > 0 ? " " + string.Join(' ', args.Raw) : "");
        Console.WriteLine($"email: {command}");
        Console.WriteLine($"machine: {MachineSummary()}");

        var script = Path.Combine(RepositoryRoot() ?? ".", "tests", "Hotline.Tests", "Notifications", "smtp_sink.py");
        if (!File.Exists(script))
        {
            Console.Error.WriteLine($"{script} not found: run from the repository");
            return 2;
        }
        var root = Path.Combine(Path.GetTempPath(), $"hotline-bench-email-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(root, "sink"));
        var tls = args.Flag("tls");
        var fingerprint = tls ? await CertificateAsync(root) : null;
        using var sink = StartSink(script, Path.Combine(root, "sink"), tls ? root : null, out var port);
        if (sink is null)
            return 2;
        try
        {
            var server = await InProcessHotline.StartAsync(Path.Combine(root, "server"), new Dictionary<string, string?>
            {
                ["Notifications:Smtp:Host"] = "127.0.0.1",
                ["Notifications:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
                ["Notifications:Smtp:Security"] = tls ? "StartTls" : "None",
                ["Notifications:Smtp:ServerCertificateSha256"] = fingerprint,
                ["Notifications:PollMilliseconds"] = "0", // the benchmark drives the sender
            });
            await using (server)
            {
                var sp = server.App.Services;
                string key;
                await using (var scope = sp.CreateAsyncScope())
                    (_, key) = await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateApiKeyAsync("bench", "Agent", null, CancellationToken.None);
                var bodies = TicketCorpus.Generate(Math.Max(calibrate, 5_000), args.Whole("seed", 12345)).Select(WithEmail).ToArray();
                using var http = IntakeBenchmark.Client(server.Address, key, clients);
                var numbers = new ConcurrentBag<string>();
                await IntakeBenchmark.ClosedLoopAsync(http, bodies, 1, 1, numbers, 0); // one ticket: its registration email is the model row
                var pooledSender = sp.GetRequiredService<OutboxSender>();
                await DrainAsync(pooledSender, CancellationToken.None);

                // B0: a new connection (connect, EHLO, MAIL, RCPT, DATA, QUIT) per message.
                var single = ActivatorUtilities.CreateInstance<SmtpMailTransport>(sp);
                single.ReuseConnection = false;
                var b0Sender = ActivatorUtilities.CreateInstance<OutboxSender>(sp, (IMailTransport)single);
                await FillAsync(sp, 20); // warm-up of both paths (JIT, the pooled connection), not timed
                var warmed = await DrainAsync(b0Sender, CancellationToken.None);
                await FillAsync(sp, 20);
                warmed += await DrainAsync(pooledSender, CancellationToken.None);
                await FillAsync(sp, baseline);
                var b0 = await TimedDrainAsync(b0Sender, sink);
                Console.WriteLine($"B0 (connection per message): {b0.Sent} in {Fmt(b0.Seconds, 2)} s = {Fmt(b0.Rate, 0)} messages/s");

                await FillAsync(sp, messages);
                var pooled = await TimedDrainAsync(pooledSender, sink);
                Console.WriteLine($"pooled connection: {pooled.Sent} in {Fmt(pooled.Seconds, 2)} s = {Fmt(pooled.Rate, 0)} messages/s, {Fmt(pooled.Rate / b0.Rate, 1)}× B0");

                // Intake while mail flows: the same open loop with the sender idle, busy, and idle again.
                var max = await IntakeBenchmark.ClosedLoopAsync(http, bodies, calibrate, clients, numbers, 0);
                var target = max.Rate * paceFraction;
                Console.WriteLine($"intake calibration: {Fmt(max.Rate, 0)} tickets/s; open loop at {Fmt(target, 0)}/s for {paceSeconds:0} s per phase");
                using var open = IntakeBenchmark.Client(server.Address, key, 1024);
                var quiet1 = await IntakeBenchmark.OpenLoopAsync(open, bodies, target, paceSeconds, numbers);
                await ClearPendingAsync(sp); // the tickets' own emails wait until the flowing phase
                await FillAsync(sp, messages);
                using var stop = new CancellationTokenSource();
                var flowWatch = Stopwatch.StartNew();
                var flowing = Task.Run(() => DrainAsync(pooledSender, stop.Token));
                var busy = await IntakeBenchmark.OpenLoopAsync(open, bodies, target, paceSeconds, numbers);
                var busySeconds = flowWatch.Elapsed.TotalSeconds;
                await stop.CancelAsync();
                var sentWhileBusy = await flowing;
                var backlogLeft = await PendingAsync(sp);
                await ClearPendingAsync(sp);
                var quiet2 = await IntakeBenchmark.OpenLoopAsync(open, bodies, target, paceSeconds, numbers);
                await ClearPendingAsync(sp);

                // The SMTP server hangs: it accepts the connection and never greets. The sender waits inside it for the whole
                // phase (timeout longer than the phase); intake must not notice. (The tests prove it does not block; this
                // says how fast intake stays.)
                await FillAsync(sp, 100);
                var (hung, stuckSeconds) = await WithSilentSmtpServerAsync(sp, () => IntakeBenchmark.OpenLoopAsync(open, bodies, target, paceSeconds, numbers));
                await ClearPendingAsync(sp);
                Console.WriteLine($"intake p99 with the sender stuck on a silent SMTP server: {Fmt(hung.Latency.P99)} ms (sender stuck {Fmt(stuckSeconds, 1)} s)");
                var quietP99 = (quiet1.Latency.P99 + quiet2.Latency.P99) / 2;
                Console.WriteLine($"intake p99: idle {Fmt(quiet1.Latency.P99)} ms, mail flowing {Fmt(busy.Latency.P99)} ms ({sentWhileBusy} sent, {Fmt(sentWhileBusy / busySeconds, 0)}/s, backlog left {backlogLeft}), idle again {Fmt(quiet2.Latency.P99)} ms");

                var received = Directory.EnumerateFiles(Path.Combine(root, "sink"), "*.eml").Count();
                var expected = 1 + warmed + b0.Sent + pooled.Sent + sentWhileBusy;
                Console.WriteLine($"verify: sink received {received}, sender reported {expected}");

                var report = Report(command, tls, messages, baseline, b0, pooled, max.Rate, target, paceSeconds, quiet1, busy, quiet2, quietP99, sentWhileBusy, busySeconds,
                    backlogLeft, received, expected, hung);
                Console.WriteLine();
                Console.WriteLine(report);
                if (!args.Flag("no-doc"))
                {
                    var file = WriteSection("email", report);
                    Console.WriteLine(file is null ? "docs/benchmarks.md not found (run from the repository)" : $"wrote {file}");
                }
            }
        }
        finally
        {
            sink.StandardInput.Close();
            await sink.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            SqliteConnection.ClearAllPools();
            if (!args.Flag("keep"))
            {
                try { Directory.Delete(root, recursive: true); }
                catch (IOException ex) { Console.Error.WriteLine($"could not delete {root}: {ex.Message}"); }
            }
        }
        return 0;
    }

    /// <summary>
    /// Runs <paramref name="phase"/> while a second sender is stuck in a connection to a server that accepts and never
    /// says a word; returns the phase's result and how long the sender was inside that connection when the phase ended.
    /// </summary>
    private static async Task<(IntakeBenchmark.PhaseResult Result, double StuckSeconds)> WithSilentSmtpServerAsync(IServiceProvider sp, Func<Task<IntakeBenchmark.PhaseResult>> phase)
    {
        using var silent = new TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var smtp = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmtpOptions>>().Value;
        var options = Microsoft.Extensions.Options.Options.Create(new SmtpOptions
        {
            Host = "127.0.0.1", Port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port, Security = SmtpSecurity.None, TimeoutSeconds = 600,
            FromAddress = smtp.FromAddress, FromName = smtp.FromName, MessageIdDomain = smtp.MessageIdDomain,
        });
        await using var transport = ActivatorUtilities.CreateInstance<SmtpMailTransport>(sp, options);
        var sender = ActivatorUtilities.CreateInstance<OutboxSender>(sp, (IMailTransport)transport, options);
        using var stop = new CancellationTokenSource();
        var stuck = Task.Run(() => DrainAsync(sender, stop.Token));
        using var connection = await silent.AcceptTcpClientAsync(); // the sender is now waiting for a greeting
        var since = Stopwatch.StartNew();
        var result = await phase();
        var stuckSeconds = since.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        silent.Stop(); // first, so that a retry is refused at once instead of hanging in a new connection
        connection.Dispose(); // the sender's read fails; it records the attempt and the drain loop sees the stop
        try { await stuck; }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException) { }
        return (result, stuckSeconds);
    }

    /// <summary>A timed drain with the CPU the SMTP sink and this process (server, sender, SQLite) spent in it.</summary>
    private sealed record Drain(int Sent, double Seconds, double SinkCpuSeconds, double OwnCpuSeconds)
    {
        public double Rate => Sent / Seconds;
        public double SinkCpuMsPerMessage => SinkCpuSeconds * 1000 / Sent;
        public double OwnCpuMsPerMessage => OwnCpuSeconds * 1000 / Sent;
    }

    private static async Task<Drain> TimedDrainAsync(OutboxSender sender, Process sink)
    {
        sink.Refresh();
        var (sinkBefore, ownBefore) = (sink.TotalProcessorTime, Process.GetCurrentProcess().TotalProcessorTime);
        var watch = Stopwatch.StartNew();
        var sent = await DrainAsync(sender, CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        sink.Refresh();
        return new(sent, seconds, (sink.TotalProcessorTime - sinkBefore).TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - ownBefore).TotalSeconds);
    }

    /// <summary>Rounds until nothing is due (or until stopped, in which case the round in progress finishes).</summary>
    private static async Task<int> DrainAsync(OutboxSender sender, CancellationToken stop)
    {
        var sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var round = await sender.SendDueAsync(CancellationToken.None);
            sent += round.Sent;
            if (round.Claimed == 0)
            {
                if (stop.CanBeCanceled)
                    await Task.Delay(20, CancellationToken.None);
                else
                    break;
            }
        }
        return sent;
    }

    /// <summary>Adds <paramref name="count"/> copies of the first ticket's rendered registration email (real size and content).</summary>
    private static async Task FillAsync(IServiceProvider sp, int count)
    {
        var contexts = sp.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var model = await db.OutboxEmails.AsNoTracking().OrderBy(o => o.Id).FirstAsync();
        var next = await db.OutboxEmails.Where(o => o.TicketId == model.TicketId).MaxAsync(o => o.EventVersion) + 1;
        var now = TimeProvider.System.GetUtcNow();
        for (var done = 0; done < count;)
        {
            var chunk = Math.Min(1000, count - done);
            for (var i = 0; i < chunk; i++, next++)
            {
                db.OutboxEmails.Add(new OutboxEmail
                {
                    MessageId = $"{model.TicketNumber}.{next}.bench@hotline.example.cn", Kind = model.Kind, TicketId = model.TicketId, TicketNumber = model.TicketNumber,
                    EventVersion = next, ToAddress = $"requester{next}@example.com", ToName = model.ToName, Language = model.Language, Subject = model.Subject,
                    TextBody = model.TextBody, HtmlBody = model.HtmlBody, Status = OutboxStatus.Pending, NextAttemptAt = now, CreatedAt = now,
                });
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            done += chunk;
        }
    }

    private static async Task<int> PendingAsync(IServiceProvider sp)
    {
        await using var db = await sp.GetRequiredService<IDbContextFactory<HotlineDbContext>>().CreateDbContextAsync();
        return await db.OutboxEmails.CountAsync(o => o.Status == OutboxStatus.Pending);
    }

    /// <summary>Takes pending rows out of the way between phases (marked failed), so each phase sends only what it means to.</summary>
    private static async Task ClearPendingAsync(IServiceProvider sp)
    {
        await using var db = await sp.GetRequiredService<IDbContextFactory<HotlineDbContext>>().CreateDbContextAsync();
        await db.OutboxEmails.Where(o => o.Status == OutboxStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OutboxStatus.Failed).SetProperty(o => o.LastError, "benchmark: set aside between phases"));
    }

    /// <summary>The intake corpus with a requester email on every ticket, so every registration writes an outbox row.</summary>
    private static byte[] WithEmail(BenchTicket ticket, int i)
    {
        var json = JsonNode.Parse(ticket.ToJson())!;
        json["requester"]!["email"] = $"bench{i}@example.com";
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    /// <summary>A self-signed certificate for the sink (cert.pem, key.pem in <paramref name="folder"/>); returns its SHA-256.</summary>
    private static async Task<string> CertificateAsync(string folder)
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30));
        await File.WriteAllTextAsync(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(folder, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        return certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
    }

    private static Process? StartSink(string script, string folder, string? tlsFolder, out int port)
    {
        using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(folder);
        if (tlsFolder is not null)
        {
            start.ArgumentList.Add(Path.Combine(tlsFolder, "cert.pem"));
            start.ArgumentList.Add(Path.Combine(tlsFolder, "key.pem"));
        }
        var process = Process.Start(start)!;
        if (process.StandardOutput.ReadLine() != "ready")
        {
            Console.Error.WriteLine("the SMTP sink did not start (is python3-aiosmtpd installed?)");
            process.Dispose();
            return null;
        }
        return process;
    }

    private static string Report(string command, bool tls, int messages, int baseline, Drain b0, Drain pooled, double maxRate, double target, double paceSeconds,
        IntakeBenchmark.PhaseResult quiet1, IntakeBenchmark.PhaseResult busy, IntakeBenchmark.PhaseResult quiet2, double quietP99,
        int sentWhileBusy, double busySeconds, int backlogLeft, int received, int expected, IntakeBenchmark.PhaseResult hung)
    {
        var ci = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        var speedup = pooled.Rate / b0.Rate;
        var p99Ratio = busy.Latency.P99 / quietP99;
        b.AppendLine(ci, $"Run {TimeProvider.System.GetLocalNow():yyyy-MM-dd HH:mm zzz}.");
        b.AppendLine();
        b.AppendLine(ci, $"    {command}");
        b.AppendLine();
        b.AppendLine(ci, $"Machine: {MachineSummary()}.");
        b.AppendLine();
        b.Append(ci, $"Workload: the outbox sender (`OutboxSender.SendDueAsync` rounds: claim with a lease, send, mark sent by group commit) sends copies of a ").Append(ci, $"rendered registration email (text + HTML, one recipient each) through MailKit to python3-aiosmtpd on 127.0.0.1").Append(tls ? " with STARTTLS (a self-signed RSA-2048 certificate, pinned) " : ", no TLS, ").Append(ci, $"(`tests/Hotline.Tests/Notifications/smtp_sink.py`, which writes each message to a file). SQLite with WAL and synchronous=FULL; the ").Append("server, the load generator and the SMTP server share the machine.").AppendLine();
        b.AppendLine();
        b.AppendLine("| | messages | seconds | messages/s | sink CPU ms / message | Hotline CPU ms / message |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|");
        b.AppendLine(ci, $"| B0: new SMTP connection per message | {b0.Sent:N0} | {Fmt(b0.Seconds, 2)} | {Fmt(b0.Rate, 0)} | {Fmt(b0.SinkCpuMsPerMessage, 3)} | {Fmt(b0.OwnCpuMsPerMessage, 3)} |");
        b.AppendLine(ci, $"| One pooled connection | {pooled.Sent:N0} | {Fmt(pooled.Seconds, 2)} | {Fmt(pooled.Rate, 0)} | {Fmt(pooled.SinkCpuMsPerMessage, 3)} | {Fmt(pooled.OwnCpuMsPerMessage, 3)} |");
        b.AppendLine();
        var sinkCeiling = 1000 / pooled.SinkCpuMsPerMessage;
        b.Append(ci, $"The sink is one Python process (asyncio, one core). Its own CPU per pooled message caps what any client can send it ").Append(ci, $"at about {Fmt(sinkCeiling, 0)} messages/s, **{Fmt(sinkCeiling / b0.Rate, 1)}× B0**, on this machine.").AppendLine();
        b.AppendLine();
        b.Append(ci, $"Pooled / B0: **{Fmt(speedup, 1)}×** (goal ≥ 10×: {(speedup >= 10 ? "met" : "not met")}). Messages asked for: {messages:N0} (B0: {baseline:N0}). ").Append(ci, $"The sink received {received:N0}, the sender reported {expected:N0} sent{(received == expected ? "" : " — MISMATCH")}.").AppendLine();
        b.AppendLine();
        b.Append(ci, $"Ticket intake while mail flows: open loop (the intake benchmark's load code) at {Fmt(target, 0)} registrations/s ").Append(ci, $"(half of {Fmt(maxRate, 0)}/s measured closed-loop), {paceSeconds:0} s per phase, every ticket with a requester email (so each registration ").Append("also writes its outbox row). Latency counts from when each request was due.").AppendLine();
        b.AppendLine();
        b.AppendLine("| phase | registrations | errors | p50 ms | p99 ms | max ms |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (label, r) in new[] { ("sender idle", quiet1), ($"mail flowing ({sentWhileBusy:N0} sent, {Fmt(sentWhileBusy / busySeconds, 0)}/s)", busy), ("sender idle again", quiet2), ("SMTP server silent, the sender stuck in its connection", hung) })
            b.AppendLine(ci, $"| {label} | {r.Ok:N0} | {r.Errors} | {Fmt(r.Latency.P50)} | {Fmt(r.Latency.P99)} | {Fmt(r.Latency.Max)} |");
        b.AppendLine();
        b.Append(ci, $"p99 while mail flows / mean idle p99: **{Fmt(p99Ratio, 2)}×** (goal ≤ 1.1×: {(p99Ratio <= 1.1 ? "met" : "not met")}). ").Append((backlogLeft > 0 ? $"The backlog lasted the whole phase ({backlogLeft:N0} still pending at its end)." : "The backlog ran out before the phase ended: mail did not flow for the whole phase; raise --messages.")).AppendLine();
        b.AppendLine();
        b.Append(ci, $"p99 with the SMTP server silent / mean idle p99: **{Fmt(hung.Latency.P99 / quietP99, 2)}×** (the outbox tests prove actions commit while the ").Append("sender is stuck; this is how fast they stay).").AppendLine();
        return b.ToString();
    }
}
