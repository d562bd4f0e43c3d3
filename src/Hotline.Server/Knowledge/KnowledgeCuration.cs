using Hotline.Domain.Access;
using Hotline.Domain.Knowledge;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Knowledge;

public sealed record ProposalView(
    long Id, ProposalKind Kind, ProposalStatus Status, long? ArticleId, string? ArticleTitle, string? TicketNumber, string Question, string Answer,
    string? LegalBasis, string? CategoryCode, string? DepartmentCode, double? BestCoverage, DateTimeOffset ProposedAt, string ProposedBy,
    DateTimeOffset? DecidedAt, string? DecidedBy, string? DecisionNote, long? MergedArticleId);

public sealed record SynonymGroup(long Id, IReadOnlyList<string> Words);

/// <summary>The body of a department's proposal (部门提出修改) for an article of its own.</summary>
public sealed record ProposeChange(string? Question, string? Answer, string? LegalBasis);

/// <summary>
/// The editors' side of self-update: the draft queue (merge into an article, or dismiss), departments' proposals for
/// their own articles, review flags, and the synonym table.
/// </summary>
public sealed class KnowledgeCuration(IDbContextFactory<HotlineDbContext> contexts, KnowledgeArticles articles, KnowledgeText text, CityClock clock)
{
    public async Task<IReadOnlyList<ProposalView>> ProposalsAsync(ProposalStatus status, Actor actor, CancellationToken ct, int max = 200)
    {
        KnowledgeArticles.RequireEditor(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Views(db, db.KnowledgeProposals.AsNoTracking().Where(p => p.Status == status).OrderByDescending(p => p.Id).Take(max)).ToListAsync(ct);
    }

    public async Task<ProposalView> ProposalAsync(long id, Actor actor, CancellationToken ct)
    {
        KnowledgeArticles.RequireEditor(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Views(db, db.KnowledgeProposals.AsNoTracking().Where(p => p.Id == id)).FirstOrDefaultAsync(ct) ?? throw new KnowledgeNotFoundException($"Proposal {id}");
    }

    /// <summary>A department proposes a change to an article of its own; it joins the editors' queue.</summary>
    public async Task<ProposalView> ProposeAsync(long articleId, ProposeChange body, Actor actor, CancellationToken ct)
    {
        var errors = new List<Domain.Tickets.FieldError>();
        if (string.IsNullOrWhiteSpace(body.Answer))
            errors.Add(new("answer", Domain.Tickets.ErrorCodes.Required));
        else if (body.Answer.Length > ArticleContent.MaxAnswer)
            errors.Add(new("answer", Domain.Tickets.ErrorCodes.TooLong, ArticleContent.MaxAnswer));
        if (body.LegalBasis is { Length: > Domain.Tickets.TicketChange.MaxText })
            errors.Add(new("legalBasis", Domain.Tickets.ErrorCodes.TooLong, Domain.Tickets.TicketChange.MaxText));
        if (errors.Count > 0)
            throw new RequestValidationException(errors);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var article = await db.KnowledgeArticles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == articleId, ct);
        if (article is null || !(ArticleLifecycle.IsEditor(actor) || ArticleLifecycle.IsForAgents(article.Status)))
            throw new KnowledgeNotFoundException($"Article {articleId}");
        if (actor.IsDepartmentHandler && !article.DepartmentCodes.Contains(actor.DepartmentCode!))
            throw new GuardConflictException(KnowledgeErrors.NotOwnDepartment, actor.DepartmentCode!);
        if (!actor.IsDepartmentHandler && !ArticleLifecycle.IsEditor(actor))
            throw new KnowledgeForbiddenException("propose");
        var row = new KnowledgeProposal
        {
            Kind = ProposalKind.DepartmentProposal, Status = ProposalStatus.Open, ArticleId = articleId,
            Question = string.IsNullOrWhiteSpace(body.Question) ? article.Title : body.Question.Trim(), Answer = body.Answer!.Trim(),
            LegalBasis = string.IsNullOrWhiteSpace(body.LegalBasis) ? null : body.LegalBasis.Trim(), CategoryCode = article.CategoryCodes.FirstOrDefault(),
            DepartmentCode = actor.DepartmentCode, ProposedAt = clock.Now, ProposedBy = actor.Name,
        };
        db.KnowledgeProposals.Add(row);
        await db.SaveChangesAsync(ct);
        return await ProposalAsync(row.Id, Actor.System, ct);
    }

    /// <summary>
    /// Merges a proposal: into the article named (a new version with the editor's content) or, without one, into a new
    /// draft article. The proposal is closed in the same transaction.
    /// </summary>
    public async Task<ArticleView> MergeAsync(long proposalId, long? articleId, int? expectedVersion, ArticleContent content, Actor actor, CancellationToken ct)
    {
        KnowledgeArticles.RequireEditor(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var proposal = await OpenProposalAsync(db, proposalId, ct);
        ArticleView view;
        if (articleId is { } id)
            view = await articles.UpdateAsync(id, content, expectedVersion ?? -1, $"合并知识草稿 #{proposalId}", actor, ct);
        else
            view = await articles.CreateAsync(content, actor, ct, "created-from-proposal", $"由知识草稿 #{proposalId} 生成");
        proposal.Status = ProposalStatus.Merged;
        proposal.MergedArticleId = view.Id;
        proposal.DecidedAt = clock.Now;
        proposal.DecidedBy = actor.Name;
        await db.SaveChangesAsync(ct);
        return view;
    }

    public async Task DismissAsync(long proposalId, string? note, Actor actor, CancellationToken ct)
    {
        KnowledgeArticles.RequireEditor(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var proposal = await OpenProposalAsync(db, proposalId, ct);
        proposal.Status = ProposalStatus.Dismissed;
        proposal.DecisionNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        proposal.DecidedAt = clock.Now;
        proposal.DecidedBy = actor.Name;
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<FlagView>> FlagsAsync(Actor actor, CancellationToken ct, int max = 200)
    {
        KnowledgeArticles.RequireEditor(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.KnowledgeFlags.AsNoTracking().Where(f => f.ClearedAt == null).OrderByDescending(f => f.Id).Take(max)
            .Join(db.KnowledgeArticles, f => f.ArticleId, a => a.Id, (f, a) => new FlagView(f.Id, f.ArticleId, a.Title, f.Reason, f.TicketNumber, f.Detail, f.RaisedAt))
            .ToListAsync(ct);
    }

    public async Task ClearFlagAsync(long flagId, Actor actor, CancellationToken ct)
    {
        KnowledgeArticles.RequireEditor(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var flag = await db.KnowledgeFlags.FirstOrDefaultAsync(f => f.Id == flagId, ct) ?? throw new KnowledgeNotFoundException($"Flag {flagId}");
        flag.ClearedAt ??= clock.Now;
        flag.ClearedBy ??= actor.Name;
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<SynonymGroup>> SynonymsAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.KnowledgeSynonyms.AsNoTracking().OrderBy(s => s.Id).Select(s => new SynonymGroup(s.Id, s.Words)).ToListAsync(ct);
    }

    /// <summary>Adds (id null) or replaces a synonym group; an empty list of words deletes it. Searches use it within seconds on every node.</summary>
    public async Task<SynonymGroup?> SaveSynonymsAsync(long? id, IReadOnlyList<string> words, Actor actor, CancellationToken ct)
    {
        KnowledgeArticles.RequireEditor(actor);
        var clean = words.Select(w => w.Trim()).Where(w => w.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (clean.Any(w => w.Length > 30))
            throw new RequestValidationException([new("words", Domain.Tickets.ErrorCodes.TooLong, 30)]);
        if (clean.Count == 1 || clean.Count > 20)
            throw new RequestValidationException([new("words", KnowledgeErrors.SynonymGroupSize)]);
        await using var db = await contexts.CreateDbContextAsync(ct);
        KnowledgeSynonym? row = null;
        if (id is { } existing)
            row = await db.KnowledgeSynonyms.FirstOrDefaultAsync(s => s.Id == existing, ct) ?? throw new KnowledgeNotFoundException($"Synonyms {existing}");
        if (clean.Count == 0)
        {
            if (row is not null)
                db.KnowledgeSynonyms.Remove(row);
        }
        else
        {
            row ??= db.KnowledgeSynonyms.Add(new KnowledgeSynonym()).Entity;
            row.Words = clean;
            row.UpdatedAt = clock.Now;
            row.UpdatedBy = actor.Name;
        }
        await db.SaveChangesAsync(ct);
        text.SynonymsChanged();
        return clean.Count == 0 ? null : new SynonymGroup(row!.Id, row.Words);
    }

    private static async Task<KnowledgeProposal> OpenProposalAsync(HotlineDbContext db, long id, CancellationToken ct)
    {
        var proposal = await db.KnowledgeProposals.FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new KnowledgeNotFoundException($"Proposal {id}");
        if (proposal.Status != ProposalStatus.Open)
            throw new GuardConflictException(KnowledgeErrors.ProposalDecided, proposal.Status.ToString());
        return proposal;
    }

    private static IQueryable<ProposalView> Views(HotlineDbContext db, IQueryable<KnowledgeProposal> query) =>
        query.Select(p => new ProposalView(p.Id, p.Kind, p.Status, p.ArticleId,
            db.KnowledgeArticles.Where(a => a.Id == p.ArticleId).Select(a => a.Title).FirstOrDefault(), p.TicketNumber, p.Question, p.Answer, p.LegalBasis,
            p.CategoryCode, p.DepartmentCode, p.BestCoverage, p.ProposedAt, p.ProposedBy, p.DecidedAt, p.DecidedBy, p.DecisionNote, p.MergedArticleId));
}
