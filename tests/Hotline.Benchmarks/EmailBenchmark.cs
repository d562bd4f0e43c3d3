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
/// against baseline B0 measured in the same run: the same sender with a new SMTP connection per message (pooled ÷ B0 is
/// reported as a figure). Then ticket intake latency, open loop at a fixed --intake-rate with latency counted from when
/// each request was due, in --pairs alternating pairs of phases (sender idle, mail flowing; the order swaps every pair),
/// pooled per kind: the goal is p99 while mail flows within 1.1× of idle in every run. Last, one phase with the sender
/// stuck on an SMTP server that never greets. Each of --runs runs starts a fresh server.
/// Options: --runs 3 --messages 10000 --baseline (messages / 10) --pairs 4 --intake-rate 50 --pace-seconds 15 --warmup 500
/// --clients 32 (warm-up) --tls (STARTTLS with a self-signed certificate, pinned, as a production relay would use) --seed 12345 --keep --no-doc
/// </summary>
public static class EmailBenchmark
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var messages = args.Whole("messages", 10_000);
        var o = new Options(args.Whole("runs", 3), messages, args.Whole("baseline", Math.Max(50, messages / 10)), args.Whole("pairs", 4),
            args.Number("intake-rate", 50), args.Number("pace-seconds", 15), args.Whole("warmup", 500), args.Whole("clients", 32), args.Whole("seed", 12345));
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
        var sinkFolder = Path.Combine(root, "sink");
        Directory.CreateDirectory(sinkFolder);
        var tls = args.Flag("tls");
        var fingerprint = tls ? await CertificateAsync(root) : null;
        using var sink = StartSink(script, sinkFolder, tls ? root : null, out var port);
        if (sink is null)
            return 2;
        var runs = new List<RunResult>();
        try
        {
            for (var run = 1; run <= o.Runs; run++)
            {
                Console.WriteLine($"--- run {run} of {o.Runs}");
                var settings = new Dictionary<string, string?>
                {
                    ["Notifications:Smtp:Host"] = "127.0.0.1",
                    ["Notifications:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
                    ["Notifications:Smtp:Security"] = tls ? "StartTls" : "None",
                    ["Notifications:Smtp:ServerCertificateSha256"] = fingerprint,
                    ["Notifications:PollMilliseconds"] = "0", // the benchmark drives the sender
                    ["Notifications:MaxMessagesPerSecond"] = "0", // B0 and pooled at full speed; the flowing phases use the shipped pace
                    // No analysis reports: the weekly one a fresh server catches up on at start would email leaders in the middle of a phase.
                    ["Analytics:Reports"] = "false",
                };
                var receivedBefore = Directory.EnumerateFiles(sinkFolder, "*.eml").Count();
                await using (var server = await InProcessHotline.StartAsync(Path.Combine(root, $"server-{run}"), settings))
                {
                    var result = await RunOnceAsync(server, sink, o);
                    runs.Add(result with { Received = Directory.EnumerateFiles(sinkFolder, "*.eml").Count() - receivedBefore });
                }
                SqliteConnection.ClearAllPools();
                Console.WriteLine($"verify: sink received {runs[^1].Received}, sender reported {runs[^1].Expected}");
            }

            var report = Report(command, tls, o, runs);
            Console.WriteLine();
            Console.WriteLine(report);
            if (!args.Flag("no-doc"))
            {
                var file = WriteSection("email", report);
                Console.WriteLine(file is null ? "docs/benchmarks.md not found (run from the repository)" : $"wrote {file}");
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
        return runs.All(r => r.Received == r.Expected && r.Errors == 0) ? 0 : 1;
    }

    private sealed record Options(int Runs, int Messages, int Baseline, int Pairs, double IntakeRate, double PaceSeconds, int Warmup, int Clients, int Seed);

    /// <summary>One intake phase while mail flowed: its p99, the mail sent meanwhile and what was still pending at its end.</summary>
    private sealed record FlowingPhase(double P99, int Sent, double Seconds, int BacklogLeft);

    private sealed record RunResult(Drain B0, Drain Pooled, LatencySummary Idle, LatencySummary Flowing, List<double> IdleP99s, List<FlowingPhase> FlowingPhases,
        IntakeBenchmark.PhaseResult Hung, int Errors, int Expected, int Received = 0)
    {
        public double Ratio => Flowing.P99 / Idle.P99;
    }

    private static async Task<RunResult> RunOnceAsync(InProcessHotline server, Process sink, Options o)
    {
        var sp = server.App.Services;
        string key;
        await using (var scope = sp.CreateAsyncScope())
            (_, key) = await scope.ServiceProvider.GetRequiredService<UserAdministration>().CreateApiKeyAsync("bench", "Agent", null, CancellationToken.None);
        var perPhase = (int)(o.IntakeRate * o.PaceSeconds);
        var bodies = TicketCorpus.Generate(Math.Max(o.Warmup, 5_000), o.Seed).Select(WithEmail).ToArray();
        using var http = IntakeBenchmark.Client(server.Address, key, o.Clients);
        var numbers = new ConcurrentBag<string>();
        await IntakeBenchmark.ClosedLoopAsync(http, bodies, 1, 1, numbers, 0); // one ticket: its registration email is the model row
        // Pooled ÷ B0 compares the two ways of connecting at full speed: the server runs unpaced
        // (Notifications:MaxMessagesPerSecond = 0). While intake is measured, mail flows through a sender with the
        // notification options as shipped, paced included, as in production.
        var pooledSender = sp.GetRequiredService<OutboxSender>();
        var shippedSender = ActivatorUtilities.CreateInstance<OutboxSender>(sp, Microsoft.Extensions.Options.Options.Create(new NotificationOptions()));
        var sent = await DrainAsync(pooledSender, CancellationToken.None);

        // B0: a new connection (connect, EHLO, MAIL, RCPT, DATA, QUIT) per message.
        var single = ActivatorUtilities.CreateInstance<SmtpMailTransport>(sp);
        single.ReuseConnection = false;
        var b0Sender = ActivatorUtilities.CreateInstance<OutboxSender>(sp, (IMailTransport)single);
        await FillAsync(sp, 20); // warm-up of both paths (JIT, the pooled connection), not timed
        sent += await DrainAsync(b0Sender, CancellationToken.None);
        await FillAsync(sp, 20);
        sent += await DrainAsync(pooledSender, CancellationToken.None);
        await FillAsync(sp, o.Baseline);
        var b0 = await TimedDrainAsync(b0Sender, sink);
        Console.WriteLine($"B0 (connection per message): {b0.Sent} in {Fmt(b0.Seconds, 2)} s = {Fmt(b0.Rate, 0)} messages/s");
        await FillAsync(sp, o.Messages);
        var pooled = await TimedDrainAsync(pooledSender, sink);
        Console.WriteLine($"pooled connection: {pooled.Sent} in {Fmt(pooled.Seconds, 2)} s = {Fmt(pooled.Rate, 0)} messages/s, {Fmt(pooled.Rate / b0.Rate, 1)}× B0");
        sent += b0.Sent + pooled.Sent;

        // Intake: warm-up (closed loop, then one open-loop phase at the rate), not measured; then the pairs.
        await IntakeBenchmark.ClosedLoopAsync(http, bodies, o.Warmup, o.Clients, numbers, 0);
        using var open = IntakeBenchmark.Client(server.Address, key, 1024);
        await IntakeBenchmark.OpenLoopAsync(open, bodies, o.IntakeRate, o.PaceSeconds, numbers);
        var idle = new Latencies(perPhase * o.Pairs);
        var flowing = new Latencies(perPhase * o.Pairs);
        var idleP99s = new List<double>();
        var flowingPhases = new List<FlowingPhase>();
        var errors = 0;
        // Enough mail to flow for the whole phase at the shipped pace (or the pooled rate measured above), and then some.
        var shippedRate = new NotificationOptions().MaxMessagesPerSecond;
        var fill = (int)Math.Ceiling((shippedRate > 0 ? Math.Min(pooled.Rate, shippedRate) : pooled.Rate) * o.PaceSeconds * 1.5);
        for (var pair = 0; pair < o.Pairs; pair++)
        {
            foreach (var withMail in pair % 2 == 0 ? new[] { false, true } : [true, false]) // idle first, then flowing first: no order favoured
            {
                // The tickets' own emails of the phase before are set aside, and a fresh backlog written before either kind of
                // phase (so both follow the same writes); the sender drains it only in a flowing phase.
                await ClearPendingAsync(sp);
                await FillAsync(sp, fill);
                if (!withMail)
                {
                    var quiet = await IntakeBenchmark.OpenLoopAsync(open, bodies, o.IntakeRate, o.PaceSeconds, numbers, idle);
                    idleP99s.Add(quiet.Latency.P99);
                    errors += quiet.Errors;
                    Console.WriteLine($"intake, sender idle: p99 {Fmt(quiet.Latency.P99)} ms");
                    continue;
                }
                using var stop = new CancellationTokenSource();
                var watch = Stopwatch.StartNew();
                var sending = Task.Run(() => DrainAsync(shippedSender, stop.Token));
                var busy = await IntakeBenchmark.OpenLoopAsync(open, bodies, o.IntakeRate, o.PaceSeconds, numbers, flowing);
                var seconds = watch.Elapsed.TotalSeconds;
                await stop.CancelAsync();
                var sentNow = await sending;
                sent += sentNow;
                errors += busy.Errors;
                flowingPhases.Add(new FlowingPhase(busy.Latency.P99, sentNow, seconds, await PendingAsync(sp)));
                Console.WriteLine($"intake, mail flowing: p99 {Fmt(busy.Latency.P99)} ms ({sentNow} sent, {Fmt(sentNow / seconds, 0)}/s, backlog left {flowingPhases[^1].BacklogLeft})");
            }
        }
        await ClearPendingAsync(sp);
        var (idleSummary, flowingSummary) = (idle.Summarize(), flowing.Summarize());
        Console.WriteLine($"intake p99 pooled: idle {Fmt(idleSummary.P99)} ms, mail flowing {Fmt(flowingSummary.P99)} ms ({Fmt(flowingSummary.P99 / idleSummary.P99, 2)}×)");

        // The SMTP server hangs: it accepts the connection and never greets. The sender waits inside it for the whole
        // phase (timeout longer than the phase); intake must not notice. (The tests prove it does not block; this
        // says how fast intake stays.)
        await FillAsync(sp, 100);
        var (hung, stuckSeconds) = await WithSilentSmtpServerAsync(sp, () => IntakeBenchmark.OpenLoopAsync(open, bodies, o.IntakeRate, o.PaceSeconds, numbers));
        await ClearPendingAsync(sp);
        Console.WriteLine($"intake p99 with the sender stuck on a silent SMTP server: {Fmt(hung.Latency.P99)} ms (sender stuck {Fmt(stuckSeconds, 1)} s)");
        return new RunResult(b0, pooled, idleSummary, flowingSummary, idleP99s, flowingPhases, hung, errors + hung.Errors, sent);
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
        var model = await db.OutboxEmails.AsNoTracking().Where(o => o.TicketId != null).OrderBy(o => o.Id).FirstAsync();
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

    private static string Report(string command, bool tls, Options o, List<RunResult> runs)
    {
        var ci = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(ci, $"Run {TimeProvider.System.GetLocalNow():yyyy-MM-dd HH:mm zzz}, {runs.Count} run(s), each on a fresh server.");
        b.AppendLine();
        b.AppendLine(ci, $"    {command}");
        b.AppendLine();
        b.AppendLine(ci, $"Machine: {MachineSummary()}.");
        b.AppendLine();
        b.Append("Workload: the outbox sender (`OutboxSender.SendDueAsync` rounds: claim with a lease, send, mark sent by group commit) sends copies of a ")
            .Append("rendered registration email (text + HTML, one recipient each) through MailKit to python3-aiosmtpd on 127.0.0.1")
            .Append(tls ? " with STARTTLS (a self-signed RSA-2048 certificate, pinned) " : ", no TLS, ")
            .Append(ci, $"(`tests/Hotline.Tests/Notifications/smtp_sink.py`, which writes each message to a file): {o.Baseline:N0} messages with a new connection each (B0), ")
            .Append(ci, $"then {o.Messages:N0} on one pooled connection. SQLite with WAL and synchronous=FULL; the server, the load generator and the SMTP server share the machine. ")
            .Append(ci, $"Intake: open loop at {Fmt(o.IntakeRate, 0)} registrations/s, latency from when each request was due, every ticket with a requester email (so each ")
            .Append(ci, $"registration also writes its outbox row); {o.Pairs} pairs of {Fmt(o.PaceSeconds, 0)} s phases, sender idle and mail flowing (from a backlog, through a ")
            .Append(ci, $"sender with the notification options as shipped: at most {new NotificationOptions().MaxMessagesPerSecond} messages a second), the order swapped every pair, after a warm-up phase; each kind's latencies pooled over its phases.")
            .AppendLine();
        b.AppendLine();
        b.AppendLine("| run | B0 msg/s | pooled msg/s | pooled ÷ B0 | sink CPU ms/msg (pooled) | Hotline CPU ms/msg (pooled) | intake p99 idle, per phase (ms) | intake p99 mail flowing, per phase (ms) | mail sent while flowing (msg/s) | intake p99 idle / flowing, pooled (ms) | flowing ÷ idle (goal ≤ 1.1) | p99 sender stuck on a silent server (ms) | errors | mail sent / received |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---|---|---|---|---:|---:|---:|---|");
        var i = 0;
        foreach (var r in runs)
        {
            var flowRate = r.FlowingPhases.Sum(f => f.Sent) / r.FlowingPhases.Sum(f => f.Seconds);
            b.AppendLine(ci, $"| {++i} | {Fmt(r.B0.Rate, 0)} | {Fmt(r.Pooled.Rate, 0)} | {Fmt(r.Pooled.Rate / r.B0.Rate, 1)}× | {Fmt(r.Pooled.SinkCpuMsPerMessage, 3)} | {Fmt(r.Pooled.OwnCpuMsPerMessage, 3)} | "
                + $"{string.Join(", ", r.IdleP99s.Select(p => Fmt(p)))} | {string.Join(", ", r.FlowingPhases.Select(f => Fmt(f.P99)))} | {r.FlowingPhases.Sum(f => f.Sent):N0} ({Fmt(flowRate, 0)}/s) | "
                + $"{Fmt(r.Idle.P99)} / {Fmt(r.Flowing.P99)} | **{Fmt(r.Ratio, 2)}** | {Fmt(r.Hung.Latency.P99)} | {r.Errors} | {r.Expected:N0} / {r.Received:N0} |");
        }
        b.AppendLine();
        var speedups = runs.Select(r => r.Pooled.Rate / r.B0.Rate).ToList();
        var ceilings = runs.Select(r => 1000 / r.Pooled.SinkCpuMsPerMessage / r.B0.Rate).ToList();
        b.Append(ci, $"Pooled ÷ B0 (a figure, no goal: against this sink it is bounded by the sink itself, see the notes): {Fmt(speedups.Min(), 1)}–{Fmt(speedups.Max(), 1)}×; ")
            .Append(ci, $"the sink's own CPU per pooled message caps any client at {Fmt(ceilings.Min(), 1)}–{Fmt(ceilings.Max(), 1)}× B0 on this machine.").AppendLine();
        b.AppendLine();
        var missed = runs.Select((r, n) => (r, n: n + 1)).Where(x => x.r.Ratio > 1.1).Select(x => x.n.ToString(ci)).ToList();
        b.Append(ci, $"Intake p99 while mail flows ÷ idle (pooled per kind): {string.Join(", ", runs.Select(r => Fmt(r.Ratio, 2) + "×"))}; goal ≤ 1.1× in every run: ")
            .Append(missed.Count == 0 ? "**met**." : $"**not met** (run {string.Join(", ", missed)}).");
        if (runs.Any(r => r.FlowingPhases.Any(f => f.BacklogLeft == 0)))
            b.Append(" In some flowing phase the backlog ran out before the phase ended, so mail did not flow for the whole of it.");
        if (runs.Any(r => r.Received != r.Expected))
            b.Append(" The sink received a different number of messages than the sender reported: MISMATCH.");
        b.AppendLine();
        b.AppendLine();
        b.Append(ci, $"p99 with the SMTP server silent ÷ pooled idle p99: {string.Join(", ", runs.Select(r => Fmt(r.Hung.Latency.P99 / r.Idle.P99, 2) + "×"))} ")
            .Append("(the outbox tests prove actions commit while the sender is stuck; this is how fast they stay).").AppendLine();
        return b.ToString();
    }
}
