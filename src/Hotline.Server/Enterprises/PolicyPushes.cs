using System.ComponentModel.DataAnnotations;
using Hotline.Domain.Access;
using Hotline.Domain.Policies;
using Hotline.Server.Data;
using Hotline.Server.Knowledge;
using Hotline.Server.Notifications;
using Hotline.Server.Problems;
using Hotline.Server.Ratings;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Enterprises;

/// <summary><c>Enterprises:*</c>: how fast a policy push writes its emails.</summary>
public sealed class PushOptions
{
    public const string Section = "Enterprises";

    /// <summary>Emails a push writes into the outbox per minute (all running pushes together), so ticket emails are not buried.</summary>
    [Range(1, 100_000)]
    public int PushEmailsPerMinute { get; set; } = 1200;

    /// <summary>Emails per batch (one transaction); the worker waits between batches to keep the rate. Small batches hold
    /// SQLite's single write lock briefly: with 100 a batch, ticket intake's p99 rose 11–12 % during a push (knowledge benchmark).</summary>
    [Range(1, 1000)]
    public int PushBatchSize { get; set; } = 20;

    /// <summary>0 turns the background push worker off (tests push by hand).</summary>
    [Range(0, 3600)]
    public int PushPollSeconds { get; set; } = 2;
}

public sealed record PushView(long Id, long PolicyId, PushStatus Status, int Matched, int Queued, int Skipped, DateTimeOffset StartedAt, string StartedBy, DateTimeOffset? CompletedAt);

/// <summary>
/// 政策精准推送: a push walks the enterprise library in credit-code order from its stored cursor and, batch by batch,
/// writes one outbox email (with a signed unsubscribe link and a counted policy link) and one delivery row per
/// matching enterprise that may be emailed. The delivery's unique (policy, enterprise) and the outbox's Message-ID from
/// (policy, credit code) make a restart, a second push or a second node unable to email anyone twice.
/// </summary>
public sealed class PolicyPushes(
    IDbContextFactory<HotlineDbContext> contexts, PolicyLibrary library, Outbox outbox, RequesterLinks links, CityClock clock,
    IOptions<PushOptions> options, IOptions<NotificationOptions> notifications, SqliteWriteGate writeGate, ILogger<PolicyPushes> logger)
{
    public const string UnsubscribePath = "policy-unsubscribe";
    public const string ClickPath = "p";

    public async Task<PushView> StartAsync(long policyId, Actor actor, CancellationToken ct)
    {
        EnterpriseLibrary.RequirePolicyEditor(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.Policies.AnyAsync(p => p.Id == policyId, ct))
            throw new KnowledgeNotFoundException($"Policy {policyId}");
        if (await db.PolicyPushes.AnyAsync(p => p.PolicyId == policyId && p.Status == PushStatus.Running, ct))
            throw new GuardConflictException(PolicyErrors.PushRunning, policyId);
        var push = new PolicyPush { PolicyId = policyId, Status = PushStatus.Running, StartedAt = clock.Now, StartedBy = actor.Name };
        db.PolicyPushes.Add(push);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Push {PushId} of policy {PolicyId} started", push.Id, policyId);
        return View(push);
    }

    public async Task<IReadOnlyList<PushView>> ListAsync(long policyId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return (await db.PolicyPushes.AsNoTracking().Where(p => p.PolicyId == policyId).OrderByDescending(p => p.Id).ToListAsync(ct)).Select(View).ToList();
    }

    /// <summary>
    /// One batch of the oldest running push: up to <see cref="PushOptions.PushBatchSize"/> emails written with the
    /// cursor in one transaction. Returns how many emails it wrote, or -1 when no push is running.
    /// </summary>
    public async Task<int> RunBatchAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var push = await db.PolicyPushes.Where(p => p.Status == PushStatus.Running).OrderBy(p => p.Id).FirstOrDefaultAsync(ct);
        if (push is null)
            return -1;
        var policy = await db.Policies.AsNoTracking().FirstAsync(p => p.Id == push.PolicyId, ct);
        await MarkBouncedAsync(db, ct);
        var audience = policy.Audience();
        var batch = options.Value.PushBatchSize;
        var written = 0;
        var language = notifications.Value.DefaultLanguage;
        var done = false;
        Dictionary<string, object?>? policyModel = null; // rendered at the batch's first email, if it has one
        // Pages about the batch's size: every enterprise read is materialised and matched, and reading 500 for a batch of 20
        // (a batch a second at the default rate) was CPU taken from ticket intake for the whole length of a push.
        var pageSize = Math.Clamp(batch * 2, 50, 500);
        while (written < batch)
        {
            var page = await PolicyLibrary.Page(db, push.Cursor, pageSize).ToListAsync(ct);
            if (page.Count == 0)
            {
                done = true;
                break;
            }
            var codes = page.Select(e => e.CreditCode).ToList();
            var sent = (await db.PolicyDeliveries.AsNoTracking().Where(d => d.PolicyId == policy.Id && codes.Contains(d.CreditCode)).Select(d => d.CreditCode).ToListAsync(ct))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var e in page)
            {
                push.Cursor = e.CreditCode;
                var profile = e.Profile();
                if (!PolicyMatching.Matches(audience, profile))
                    continue;
                push.Matched++;
                if (!PolicyMatching.CanEmail(profile) || sent.Contains(e.CreditCode))
                {
                    push.Skipped++;
                    continue;
                }
                var key = $"policy-{policy.Id}.{e.CreditCode}";
                var unsubscribe = UnsubscribeUrl(e.CreditCode);
                var row = outbox.Compose(EmailKinds.PolicyPush, key, e.Email!, e.Name, language, Model(policy, policyModel ??= PolicyModel(policy), e, language, unsubscribe),
                    unsubscribeUrl: unsubscribe.AbsoluteUri);
                db.OutboxEmails.Add(row);
                db.PolicyDeliveries.Add(new PolicyDelivery
                {
                    PolicyId = policy.Id, PushId = push.Id, CreditCode = e.CreditCode, Email = e.Email!, MessageId = row.MessageId, QueuedAt = clock.Now,
                });
                push.Queued++;
                if (++written == batch)
                    break;
            }
            if (written < batch && page.Count < pageSize && push.Cursor == page[^1].CreditCode)
            {
                done = true;
                break;
            }
        }
        if (done)
        {
            push.Status = PushStatus.Completed;
            push.CompletedAt = clock.Now;
        }
        push.Round++;
        try
        {
            await using (await writeGate.EnterRelaxedAsync(db, ct))
                await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            // Another node wrote this batch first (the round token, or the unique delivery): it stands; try again later.
            logger.LogInformation(ex, "Push {PushId}: batch taken by another writer", push.Id);
            return 0;
        }
        if (done)
            logger.LogInformation("Push {PushId} of policy {PolicyId} completed: {Matched} matched, {Queued} emails, {Skipped} skipped",
                push.Id, policy.Id, push.Matched, push.Queued, push.Skipped);
        return written;
    }

    /// <summary>An address whose policy email failed for good (refused by the mail server) gets no more pushes.</summary>
    private async Task MarkBouncedAsync(HotlineDbContext db, CancellationToken ct)
    {
        var failed = await db.OutboxEmails.AsNoTracking().Where(o => o.Kind == EmailKinds.PolicyPush && o.Status == OutboxStatus.Failed)
            .Select(o => o.ToAddress).Distinct().ToListAsync(ct);
        if (failed.Count == 0)
            return;
        var now = clock.Now;
        await db.Enterprises.Where(e => e.BouncedAt == null && e.Email != null && failed.Contains(e.Email))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.BouncedAt, now), ct);
    }

    public Uri UnsubscribeUrl(string creditCode) => links.SignedUrl(UnsubscribePath, "unsubscribe", creditCode);

    public Uri ClickUrl(long policyId, string creditCode) => links.SignedUrl(ClickPath, "policy-click", $"{policyId}.{creditCode}");

    /// <summary>Follows a policy link from an email: counts the click and returns where the policy's full text is.</summary>
    public async Task<string?> ClickAsync(string? token, CancellationToken ct)
    {
        if (links.ReadSigned("policy-click", token) is not { } value || value.Split('.') is not [var idText, var code] || !long.TryParse(idText, out var policyId))
            return null;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var url = await db.Policies.AsNoTracking().Where(p => p.Id == policyId).Select(p => p.FullTextUrl).FirstOrDefaultAsync(ct);
        var now = clock.Now;
        var counted = await db.PolicyDeliveries.Where(d => d.PolicyId == policyId && d.CreditCode == code)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Clicks, d => d.Clicks + 1).SetProperty(d => d.ClickedAt, d => d.ClickedAt ?? now), ct);
        if (counted > 0)
            await db.Policies.Where(p => p.Id == policyId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Clicks, p => p.Clicks + 1), ct);
        return url ?? $"/ask";
    }

    public string? CreditCodeOfUnsubscribe(string? token) => links.ReadSigned("unsubscribe", token);

    /// <summary>
    /// The policy's part of every email of a batch, rendered once per batch: the summary's Markdown to sanitized HTML
    /// and to text is most of composing an email, the same for every enterprise, and a push composes 20 a second.
    /// </summary>
    private Dictionary<string, object?> PolicyModel(Policy policy) => new()
    {
        ["id"] = policy.Id,
        ["title"] = policy.Title,
        ["issuedBy"] = library.IssuedBy(policy),
        ["validFrom"] = policy.ValidFrom?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["validTo"] = policy.ValidTo?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["summaryText"] = KnowledgeMarkdown.ToPlainText(policy.Summary),
        ["summaryHtml"] = KnowledgeMarkdown.ToHtml(policy.Summary),
    };

    private Dictionary<string, object?> Model(Policy policy, IReadOnlyDictionary<string, object?> policyModel, Enterprise e, string language, Uri unsubscribe)
    {
        var en = language == Languages.English;
        return new Dictionary<string, object?>
        {
            ["language"] = language,
            ["enterprise"] = new Dictionary<string, object?> { ["name"] = e.Name, ["creditCode"] = e.CreditCode },
            ["policy"] = policyModel,
            ["links"] = new Dictionary<string, object?>
            {
                ["policy"] = ClickUrl(policy.Id, e.CreditCode).AbsoluteUri,
                ["unsubscribe"] = unsubscribe.AbsoluteUri,
            },
            ["hotline"] = new Dictionary<string, object?> { ["name"] = en ? "12345 Government Service Hotline" : "12345政务服务便民热线", ["phone"] = "12345" },
        };
    }

    private static PushView View(PolicyPush p) => new(p.Id, p.PolicyId, p.Status, p.Matched, p.Queued, p.Skipped, p.StartedAt, p.StartedBy, p.CompletedAt);
}

/// <summary>
/// Runs the pushes in the background, batch after batch at the configured rate: after a batch it waits
/// <c>PushBatchSize / PushEmailsPerMinute</c> minutes on the <see cref="TimeProvider"/> (the system clock in production,
/// the test's fake clock in tests, which proves the pacing without timing anything).
/// </summary>
public sealed class PolicyPushWorker(PolicyPushes pushes, IOptions<PushOptions> options, TimeProvider time, ILogger<PolicyPushWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.PushPollSeconds == 0)
            return;
        var pause = TimeSpan.FromMinutes((double)o.PushBatchSize / o.PushEmailsPerMinute);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                int written;
                try
                {
                    written = await pushes.RunBatchAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Policy push batch failed");
                    written = -1;
                }
                await Task.Delay(written > 0 ? pause : TimeSpan.FromSeconds(o.PushPollSeconds), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
