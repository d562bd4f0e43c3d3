using System.Diagnostics;
using System.Threading.Channels;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Hotline.Server.Notifications;

/// <summary>
/// Sends the outbox. Each round claims due rows with a lease (an UPDATE that only succeeds on rows nobody holds, so two
/// instances never take the same row), sends them over the pooled connection and marks each one sent right after the
/// server accepted it. Marks are written by a second task while the next message goes out, each write taking every
/// mark waiting (group commit), so sending is not held up by a commit per message. A failure backs off exponentially
/// with jitter; a permanent one, or the last attempt, marks the row failed for an admin to see and retry.
/// </summary>
public sealed class OutboxSender(
    IDbContextFactory<HotlineDbContext> contexts, IMailTransport transport, Outbox outbox, EmailTemplates templates, CommitSignal commits,
    IOptions<NotificationOptions> options, IOptions<SmtpOptions> smtp, TimeProvider time, Data.SqliteWriteGate writeGate, ILogger<OutboxSender> logger)
    : BackgroundService
{
    private static readonly TimeSpan MarkGathering = TimeSpan.FromMilliseconds(10);

    private readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>How the round went: rows claimed, sent, and failed (for good or for now).</summary>
    public sealed record Round(int Claimed, int Sent, int Retrying, int Failed);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!smtp.Value.Enabled)
        {
            logger.LogWarning("Notifications:Smtp:Host is not set: emails are written to the outbox and stay pending");
            return;
        }
        if (o.PollMilliseconds == 0)
            return; // sent by hand (tests)
        commits.Committed += OnCommitted;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Round round;
                try
                {
                    await templates.RefreshIfOlderThanAsync(TimeSpan.FromMinutes(1), stoppingToken);
                    round = await SendDueAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Outbox round failed");
                    round = new(0, 0, 0, 0);
                }
                if (round.Claimed < o.BatchSize || round.Sent == 0)
                    await wake.WaitAsync(TimeSpan.FromMilliseconds(o.PollMilliseconds), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            commits.Committed -= OnCommitted;
        }
    }

    private void OnCommitted()
    {
        if (outbox.TakeWrittenHint() && wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException) // woken by another commit at the same moment
            {
            }
        }
    }

    /// <summary>One round: claim up to a batch of due rows and send them. Public so tests and tools can send by hand.</summary>
    public async Task<Round> SendDueAsync(CancellationToken ct)
    {
        var o = options.Value;
        var token = Guid.NewGuid().ToString("N");
        var now = time.GetUtcNow();
        var leaseUntil = now.AddSeconds(o.LeaseSeconds);
        var rows = await ClaimAsync(token, now, leaseUntil, o.BatchSize, ct);
        if (rows.Count == 0)
            return new(0, 0, 0, 0);

        var marks = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
        var marker = MarkSentAsync(marks.Reader);
        int sent = 0, retrying = 0, failed = 0;
        try
        {
            foreach (var row in rows)
            {
                await PaceAsync(o.MaxMessagesPerSecond, ct);
                // Stop before the lease runs out: past it another instance may take the row and both would send it.
                if (time.GetUtcNow() >= leaseUntil.AddSeconds(-Math.Min(o.LeaseSeconds / 2, smtp.Value.TimeoutSeconds * 2)))
                    break;
                try
                {
                    await transport.SendAsync(ToMessage(row), ct);
                    marks.Writer.TryWrite(row.Id); // accepted: mark at once
                    sent++;
                }
                catch (MailDeliveryException ex)
                {
                    if (await FailAsync(row, token, ex.Message, ex.Permanent, ct))
                        failed++;
                    else
                        retrying++;
                    if (ex.Unreachable)
                        break; // the server is unreachable: the rest wait for their own turn, no need to hammer it
                }
            }
        }
        finally
        {
            marks.Writer.Complete();
            await marker; // every accepted message is marked before the round ends (or the host stops)
        }
        // Rows left unsent in this round (server down, lease running out) are released for the next one.
        if (sent + retrying + failed < rows.Count)
            await ReleaseAsync(token, ct);
        if (sent + failed > 0)
            logger.LogInformation("Outbox: {Sent} sent, {Retrying} to retry, {Failed} failed", sent, retrying, failed);
        return new(rows.Count, sent, retrying, failed);
    }

    /// <summary>
    /// Waits until the next message is due at <paramref name="perSecond"/> (0: no limit). The schedule is the sender's,
    /// not a round's: while mail keeps coming, the first message of a round waits for the last of the one before (when
    /// each round started afresh, 50 a second measured 53). After an idle spell nothing is owed: the schedule restarts
    /// from now. Wall time: this spaces the sender's CPU and the relay's, it is not a business instant (and a test's fake
    /// clock must not stop it). Waits under a few milliseconds are let pass, kept on average as the schedule advances.
    /// </summary>
    private async Task PaceAsync(int perSecond, CancellationToken ct)
    {
        if (perSecond <= 0)
            return;
        var now = Stopwatch.GetTimestamp();
        var due = Math.Max(nextDue, now);
        nextDue = due + Stopwatch.Frequency / perSecond;
        var wait = Stopwatch.GetElapsedTime(now, due);
        if (wait >= TimeSpan.FromMilliseconds(5))
            await Task.Delay(wait, ct);
    }

    /// <summary>The Stopwatch timestamp the next message is due at under the pace (one sender sends one round at a time).</summary>
    private long nextDue;

    private async Task<List<OutboxEmail>> ClaimAsync(string token, DateTimeOffset now, DateTimeOffset leaseUntil, int batch, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var due = await db.OutboxEmails.AsNoTracking()
            .Where(r => r.Status == OutboxStatus.Pending && r.NextAttemptAt <= now && (r.LeaseUntil == null || r.LeaseUntil < now))
            .OrderBy(r => r.Id).Select(r => r.Id).Take(batch).ToListAsync(ct);
        if (due.Count == 0)
            return [];
        // The condition is checked again by the UPDATE itself: a row another instance leased meanwhile is not taken
        // (PostgreSQL re-reads a row changed by a concurrent commit before updating it; SQLite has one writer).
        await using (await writeGate.EnterRelaxedAsync(db, ct))
            await db.OutboxEmails
                .Where(r => due.Contains(r.Id) && r.Status == OutboxStatus.Pending && (r.LeaseUntil == null || r.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseToken, token).SetProperty(r => r.LeaseUntil, leaseUntil), ct);
        return await db.OutboxEmails.AsNoTracking().Include(r => r.Attachments).Where(r => r.LeaseToken == token).OrderBy(r => r.Id).ToListAsync(ct);
    }

    /// <summary>
    /// Writes the marks of accepted messages, as many per transaction as are waiting, gathering for at most
    /// <see cref="MarkGathering"/> after the first: on SQLite every write transaction takes the one write lock that
    /// ticket actions need too, so a transaction per message would compete with intake for nothing.
    /// </summary>
    private async Task MarkSentAsync(ChannelReader<long> accepted)
    {
        var ids = new List<long>();
        while (await accepted.WaitToReadAsync(CancellationToken.None))
        {
            await Task.WhenAny(Task.Delay(MarkGathering), accepted.Completion); // wall time: how long to gather, not a business instant
            while (accepted.TryRead(out var id))
                ids.Add(id);
            var at = time.GetUtcNow();
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            // Not cancellable: the server has the message; losing the mark would send it again.
            await using (await writeGate.EnterRelaxedAsync(db, CancellationToken.None))
                await db.OutboxEmails.Where(r => ids.Contains(r.Id)).ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, OutboxStatus.Sent).SetProperty(r => r.SentAt, at).SetProperty(r => r.Attempts, r => r.Attempts + 1)
                    .SetProperty(r => r.LastError, (string?)null).SetProperty(r => r.LeaseToken, (string?)null).SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null),
                    CancellationToken.None);
            ids.Clear();
        }
    }

    /// <returns>True when the row is now failed for good.</returns>
    private async Task<bool> FailAsync(OutboxEmail row, string token, string error, bool permanent, CancellationToken ct)
    {
        Nodes.HotlineMetrics.OutboxFailures.Add(1);
        var o = options.Value;
        var attempts = row.Attempts + 1;
        var final = permanent || attempts >= o.MaxAttempts;
        var next = time.GetUtcNow() + Backoff(attempts, o);
        if (error.Length > 1000)
            error = error[..1000];
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.OutboxEmails.Where(r => r.Id == row.Id && r.LeaseToken == token).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Attempts, attempts).SetProperty(r => r.LastError, error).SetProperty(r => r.NextAttemptAt, next)
            .SetProperty(r => r.Status, final ? OutboxStatus.Failed : OutboxStatus.Pending)
            .SetProperty(r => r.LeaseToken, (string?)null).SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), ct);
        if (final)
            logger.LogWarning("Email {OutboxId} ({Kind}) for ticket {TicketNumber} failed after {Attempts} attempts; its error is in the outbox",
                row.Id, row.Kind, row.TicketNumber ?? "-", attempts); // the server's text may quote the address: not logged
        return final;
    }

    private async Task ReleaseAsync(string token, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.OutboxEmails.Where(r => r.LeaseToken == token && r.Status == OutboxStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseToken, (string?)null).SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), ct);
    }

    /// <summary>
    /// Exponential back-off with jitter: FirstRetrySeconds × 2^(attempt−1), capped at MaxRetrySeconds, then a random
    /// point in its upper half, so many emails failed together do not all retry at the same instant.
    /// </summary>
    public static TimeSpan Backoff(int attempts, NotificationOptions o)
    {
        var seconds = Math.Min(o.MaxRetrySeconds, o.FirstRetrySeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds * (0.5 + 0.5 * Random.Shared.NextDouble()));
    }

    public MimeMessage ToMessage(OutboxEmail row)
    {
        var s = smtp.Value;
        var body = new BodyBuilder { TextBody = row.TextBody, HtmlBody = row.HtmlBody };
        foreach (var file in row.Attachments)
            body.Attachments.Add(file.FileName, file.Content, ContentType.Parse(file.ContentType));
        var message = new MimeMessage
        {
            MessageId = row.MessageId,
            Subject = row.Subject,
            Date = row.CreatedAt,
            Body = body.ToMessageBody(),
        };
        message.From.Add(new MailboxAddress(s.FromName, s.FromAddress));
        message.To.Add(new MailboxAddress(row.ToName ?? "", row.ToAddress));
        message.Headers.Add("Auto-Submitted", "auto-generated"); // RFC 3834: no vacation replies to us
        if (row.TicketNumber is not null)
            message.Headers.Add("X-Hotline-Ticket", row.TicketNumber);
        if (row.UnsubscribeUrl is not null)
        {
            // RFC 2369 and RFC 8058: mail clients show an unsubscribe button that posts to the link.
            message.Headers.Add("List-Unsubscribe", $"<{row.UnsubscribeUrl}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        return message;
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
