using System.ComponentModel.DataAnnotations;
using Hotline.Domain.Knowledge;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Enterprises;
using Hotline.Server.Live;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Knowledge;

/// <summary><c>Knowledge:*</c> settings.</summary>
public sealed class KnowledgeOptions
{
    public const string Section = "Knowledge";

    /// <summary>How often the feedback reads new ticket events (seconds); 0 turns the background reader off (tests run it by hand).</summary>
    [Range(0, 3600)]
    public int FeedbackIntervalSeconds { get; set; } = 5;

    /// <summary>Load seed/knowledge (articles, synonyms, policies) after start-up; off in tests that do not use the knowledge base.</summary>
    public bool Seed { get; set; } = true;

    /// <summary>Requests per minute and client IP address to the public Q&amp;A page (/ask).</summary>
    [Range(1, 10_000)]
    public int PublicRequestsPerMinute { get; set; } = 30;
}

/// <summary>
/// 知识库自助更新 and the counters, from the ticket event log read in order after a stored cursor (so every node may
/// run it: the cursor is a concurrency token and one node's round wins). Per event:
/// an intake answer from an article counts a use; a rating of such a ticket counts for the article and an unsatisfied
/// one flags it; a ticket answered (resolved or explained, or at intake) that no published article covers well
/// proposes a draft; a department's reply unlike its own article's answer flags the article; an enterprise requester
/// enters the enterprise library. Once a day it also flags articles that expire within 30 days and expires those past.
/// </summary>
public sealed class KnowledgeFeedbackWorker(
    IDbContextFactory<HotlineDbContext> contexts, KnowledgeSearch search, KnowledgeText text, CityClock clock, IOptions<KnowledgeOptions> options,
    IOptions<LiveOptions> live, ILogger<KnowledgeFeedbackWorker> logger) : BackgroundService
{
    private const int Batch = 200;
    private readonly SequenceGaps gaps = new(TimeSpan.FromMilliseconds(live.Value.SequenceGapTimeoutMilliseconds), logger);
    private DateOnly lastDailyRun;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.FeedbackIntervalSeconds;
        if (interval == 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(interval));
        try
        {
            do
            {
                try
                {
                    while (await RunOnceAsync(stoppingToken) == Batch)
                    {
                    }
                    if (clock.Today != lastDailyRun)
                    {
                        await DailyAsync(stoppingToken);
                        lastDailyRun = clock.Today;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Knowledge feedback round failed");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads the next events after the cursor and acts on them. Returns how many were read.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var cursor = await db.KnowledgeFeed.FirstOrDefaultAsync(c => c.Id == 1, ct);
        if (cursor is null)
        {
            // First run: feedback starts from now; earlier history (demo tickets, an import) proposes no drafts, but the
            // enterprises that contacted us before enter the enterprise library, in the same transaction as the cursor.
            var max = await db.TicketEvents.MaxAsync(e => (long?)e.Id, ct) ?? 0;
            db.KnowledgeFeed.Add(new KnowledgeFeedCursor { Id = 1, LastEventId = max });
            await EnterprisesFromTicketsAsync(db, ct);
            await SaveOrIgnoreAsync(db, ct);
            return 0;
        }
        var events = await db.TicketEvents.AsNoTracking().Where(e => e.Id > cursor.LastEventId).OrderBy(e => e.Id).Take(Batch).ToListAsync(ct);
        if (db.Database.IsNpgsql())
            events = await UpToGapAsync(db, cursor.LastEventId, events, ct);
        if (events.Count == 0)
            return 0;
        var ticketIds = events.Select(e => e.TicketId).Distinct().ToList();
        var tickets = await db.Tickets.AsNoTracking().Where(t => ticketIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        foreach (var e in events)
        {
            if (tickets.TryGetValue(e.TicketId, out var ticket))
                await ApplyAsync(db, ticket, e, ct);
        }
        cursor.LastEventId = events[^1].Id;
        await SaveOrIgnoreAsync(db, ct);
        return events.Count;
    }

    private async Task<List<TicketEvent>> UpToGapAsync(HotlineDbContext db, long last, List<TicketEvent> events, CancellationToken ct)
    {
        // PostgreSQL: an id may become visible after a higher one; stop before a gap until its transaction is over.
        var expected = last + 1;
        for (var i = 0; i < events.Count; i++, expected++)
        {
            if (events[i].Id != expected && !await gaps.MayPassAsync(db, expected, events[i].Id, ct))
                return events[..i];
            expected = events[i].Id;
        }
        return events;
    }

    private async Task ApplyAsync(HotlineDbContext db, Ticket ticket, TicketEvent e, CancellationToken ct)
    {
        switch (e.Change)
        {
            // A confidential reporter (举报人) never enters the enterprise library: policy staff would learn who called.
            case Registered r when r.Draft.Requester is { Kind: RequesterKind.Enterprise, Confidential: false, CreditCode: { Length: 18 } code }:
                await EnterpriseContactedAsync(db, r.Draft, code, e.OccurredAt, ct);
                break;
            case ResolvedAtIntake { ArticleId: { } articleId } answer:
                // Counters change on tracked rows, saved with the cursor: a round another node took rolls back whole.
                if (await UseOfAsync(db, ticket.Id, ct) is null && await db.KnowledgeArticles.FindAsync([articleId], ct) is { } used)
                {
                    db.KnowledgeUses.Add(new KnowledgeUse { ArticleId = articleId, ArticleVersion = answer.ArticleVersion ?? used.Version, TicketId = ticket.Id, TicketNumber = ticket.Number, UsedAt = e.OccurredAt });
                    used.Uses++;
                }
                break;
            case ResolvedAtIntake answer:
                await ProposeIfUnmatchedAsync(db, ticket, answer.Answer, null, ticket.CategoryCode, null, e, ct);
                break;
            case Replied { Result: ReplyResult.Resolved or ReplyResult.Explained } reply:
                await ProposeIfUnmatchedAsync(db, ticket, reply.Resolution, reply.LegalBasis, ticket.CategoryCode, ticket.AssignedDepartmentCode, e, ct);
                break;
            case Rated { Level: { } level } rated:
                await RatedAsync(db, ticket, level, rated.Round, e, ct);
                break;
        }
    }

    private static async Task RatedAsync(HotlineDbContext db, Ticket ticket, RatingLevel level, int round, TicketEvent e, CancellationToken ct)
    {
        var use = await UseOfAsync(db, ticket.Id, ct);
        if (use is null)
            return;
        var unsatisfied = RatingRules.IsUnsatisfied(level);
        if (use.Rating is null && await db.KnowledgeArticles.FindAsync([use.ArticleId], ct) is { } article)
        {
            // The first rating counts; a rectification's later rating changes the use's rating but not the totals.
            if (unsatisfied)
                article.RatedUnsatisfied++;
            else
                article.RatedSatisfied++;
        }
        use.Rating = level;
        if (unsatisfied)
            await FlagAsync(db, use.ArticleId, ReviewReason.UnsatisfiedRating, $"{ticket.Number}.{round}", ticket.Number, null, e.OccurredAt, ct);
    }

    private async Task ProposeIfUnmatchedAsync(HotlineDbContext db, Ticket ticket, string answer, string? legalBasis, string? category, string? department,
        TicketEvent e, CancellationToken ct)
    {
        // Drafts and flags are read by editors and may become public answers: a confidential reporter is masked in them.
        var redaction = RequesterRedaction.For(ticket.Requester, seesConfidential: false);
        answer = redaction?.Text(answer) ?? answer;
        legalBasis = redaction?.OptionalText(legalBasis) ?? legalBasis;
        var question = $"{ticket.Title}\n{ticket.Description}";
        var words = text.TopicWords(question);
        var hits = await search.SearchAsync(new KnowledgeQuery(ticket.Title + " " + ticket.Description, KnowledgeAudience.Public, category, ticket.DistrictCode, 5), ct);
        var best = 0.0;
        long? bestId = null;
        foreach (var hit in hits)
        {
            var article = await db.KnowledgeArticles.AsNoTracking().Where(a => a.Id == hit.Id).Select(a => new { a.Title, a.Questions, a.Answer, a.DepartmentCodes }).FirstAsync(ct);
            var coverage = KnowledgeRanking.Coverage(words, $"{article.Title}\n{string.Join('\n', article.Questions)}\n{article.Answer}");
            if (coverage > best)
                (best, bestId) = (coverage, hit.Id);
            if (department is not null && KnowledgeFeedback.ChangesAnswer(coverage, department, article.DepartmentCodes, article.Answer, answer))
                await FlagAsync(db, hit.Id, ReviewReason.DepartmentAnswerChanged, ticket.Number, ticket.Number, Shorten(answer, 500), e.OccurredAt, ct);
        }
        // The round's own unsaved drafts count too: a second reply to one ticket in the same round (a rectification)
        // must not add a second draft, or the round's save fails on the unique (ticket, kind) and is retried for ever.
        if (!KnowledgeFeedback.ProposesDraft(best)
            || db.KnowledgeProposals.Local.Any(p => p.TicketId == ticket.Id && p.Kind == ProposalKind.UnmatchedAnswer)
            || await db.KnowledgeProposals.AnyAsync(p => p.TicketId == ticket.Id && p.Kind == ProposalKind.UnmatchedAnswer, ct))
            return;
        db.KnowledgeProposals.Add(new KnowledgeProposal
        {
            Kind = ProposalKind.UnmatchedAnswer, Status = ProposalStatus.Open, ArticleId = bestId, TicketId = ticket.Id, TicketNumber = ticket.Number,
            Question = Shorten(redaction?.Text(ticket.Title) ?? ticket.Title, ArticleContent.MaxTitle), Answer = Shorten(answer, ArticleContent.MaxAnswer),
            LegalBasis = legalBasis is null ? null : Shorten(legalBasis, TicketChange.MaxText), CategoryCode = category, DepartmentCode = department,
            BestCoverage = Math.Round(best, 2), ProposedAt = e.OccurredAt, ProposedBy = e.ActorName,
        });
    }

    private static async Task<KnowledgeUse?> UseOfAsync(HotlineDbContext db, long ticketId, CancellationToken ct) =>
        db.KnowledgeUses.Local.FirstOrDefault(u => u.TicketId == ticketId) ?? await db.KnowledgeUses.FirstOrDefaultAsync(u => u.TicketId == ticketId, ct);

    private static async Task FlagAsync(HotlineDbContext db, long articleId, ReviewReason reason, string key, string? ticketNumber, string? detail, DateTimeOffset at, CancellationToken ct)
    {
        if (db.KnowledgeFlags.Local.Any(f => f.ArticleId == articleId && f.Reason == reason && f.Key == key)
            || await db.KnowledgeFlags.AnyAsync(f => f.ArticleId == articleId && f.Reason == reason && f.Key == key, ct))
            return;
        db.KnowledgeFlags.Add(new KnowledgeFlag { ArticleId = articleId, Reason = reason, Key = key, TicketNumber = ticketNumber, Detail = detail, RaisedAt = at });
    }

    private static async Task EnterpriseContactedAsync(HotlineDbContext db, TicketDraft draft, string code, DateTimeOffset at, CancellationToken ct)
    {
        var known = db.Enterprises.Local.FirstOrDefault(x => x.CreditCode == code) ?? await db.Enterprises.FirstOrDefaultAsync(x => x.CreditCode == code, ct);
        var r = draft.Requester;
        if (known is null)
        {
            db.Enterprises.Add(new Enterprise
            {
                CreditCode = code, Name = Shorten(r.Name, 200), DistrictCode = draft.DistrictCode, ContactPerson = r.ContactPerson, Phone = r.Phone,
                Email = r.Email, Source = "ticket", CreatedAt = at, UpdatedAt = at,
            });
            return;
        }
        // Fill what the library does not know yet; an import's data is never overwritten by what a caller said.
        known.Email ??= r.Email;
        known.Phone ??= r.Phone;
        known.ContactPerson ??= r.ContactPerson;
        known.DistrictCode ??= draft.DistrictCode;
        known.UpdatedAt = at;
    }

    private async Task EnterprisesFromTicketsAsync(HotlineDbContext db, CancellationToken ct)
    {
        // The newest ticket of each credit code says best how to reach the enterprise.
        var latest = await db.Tickets.AsNoTracking().Where(t => t.RequesterCreditCode != null && !t.RequesterConfidential)
            .GroupBy(t => t.RequesterCreditCode!).Select(g => g.Max(t => t.Id)).ToListAsync(ct);
        foreach (var chunk in latest.Chunk(1000))
        {
            var tickets = await db.Tickets.AsNoTracking().Where(t => chunk.Contains(t.Id)).ToListAsync(ct);
            var codes = tickets.Select(t => t.RequesterCreditCode!).ToList();
            var known = (await db.Enterprises.Where(e => codes.Contains(e.CreditCode)).Select(e => e.CreditCode).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
            foreach (var t in tickets.Where(t => !known.Contains(t.RequesterCreditCode!) && t.RequesterCreditCode!.Length == 18))
            {
                db.Enterprises.Add(new Enterprise
                {
                    CreditCode = t.RequesterCreditCode!, Name = Shorten(t.RequesterName, 200), DistrictCode = t.DistrictCode, ContactPerson = t.RequesterContactPerson,
                    Phone = t.RequesterPhone, Email = t.RequesterEmail, Source = "ticket", CreatedAt = clock.Now, UpdatedAt = clock.Now,
                });
            }
        }
        logger.LogInformation("Knowledge feedback started; {Count} enterprises from earlier tickets checked for the enterprise library", latest.Count);
    }

    /// <summary>Once a day: flag articles expiring within 30 days; set published articles past their expiry to expired.</summary>
    public async Task DailyAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var today = clock.Today;
        var horizon = today.AddDays(KnowledgeFeedback.ExpiryWarningDays);
        var soon = await db.KnowledgeArticles.AsNoTracking()
            .Where(a => a.Status == ArticleStatus.Published && a.ExpiresOn != null && a.ExpiresOn >= today && a.ExpiresOn <= horizon)
            .Select(a => new { a.Id, a.ExpiresOn }).ToListAsync(ct);
        foreach (var a in soon)
            await FlagAsync(db, a.Id, ReviewReason.ExpiresSoon, a.ExpiresOn!.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture), null, null, clock.Now, ct);
        await db.SaveChangesAsync(ct);

        var expired = await db.KnowledgeArticles.Where(a => a.Status == ArticleStatus.Published && a.ExpiresOn != null && a.ExpiresOn < today).ToListAsync(ct);
        foreach (var a in expired)
        {
            a.Status = ArticleStatus.Expired;
            a.Version++;
            a.UpdatedAt = clock.Now;
            a.UpdatedBy = Domain.Access.Actor.System.Name;
            db.KnowledgeArticleVersions.Add(new KnowledgeArticleVersion
            {
                ArticleId = a.Id, Version = a.Version, Action = "expire", Status = a.Status, Content = a.Content(), ActorId = Domain.Access.Actor.System.Id,
                ActorName = Domain.Access.Actor.System.Name, At = a.UpdatedAt,
            });
        }
        await SaveOrIgnoreAsync(db, ct);
        if (soon.Count + expired.Count > 0)
            logger.LogInformation("Knowledge: {Soon} articles flagged as expiring soon, {Expired} expired", soon.Count, expired.Count);
    }

    private async Task SaveOrIgnoreAsync(HotlineDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            // Another node took the same round (the cursor's token, a unique proposal or flag): its work stands.
            logger.LogDebug(ex, "Knowledge feedback round taken by another writer");
        }
    }

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..max];
}
