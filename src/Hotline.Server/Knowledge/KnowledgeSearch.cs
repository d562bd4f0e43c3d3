using System.Data.Common;
using Hotline.Domain.Knowledge;
using Hotline.Server.Data;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Knowledge;

/// <summary>Who is searching: what they may see.</summary>
public enum KnowledgeAudience
{
    /// <summary>The public Q&amp;A page: published articles in force only.</summary>
    Public,
    /// <summary>Agents and other staff: also expired and withdrawn ones, shown struck through.</summary>
    Staff,
    /// <summary>Editors: everything, drafts included.</summary>
    Editor,
}

public sealed record KnowledgeQuery(string Text, KnowledgeAudience Audience, string? CategoryCode = null, string? DistrictCode = null, int Limit = 10);

/// <summary>One search result, highlighted in C# so both databases show the same snippets.</summary>
public sealed record ArticleHit(
    long Id, int Version, string Title, IReadOnlyList<SnippetPart> TitleParts, IReadOnlyList<SnippetPart> Snippet, ArticleStatus Status,
    bool InForce, double Score, IReadOnlyList<string> CategoryCodes, IReadOnlyList<string> DepartmentCodes, int Uses);

/// <summary>
/// 知识检索: the query's plan goes to the database's full-text index (SQLite FTS5 ranked by bm25, PostgreSQL a tsvector
/// ranked by ts_rank_cd), the best candidates are re-ranked by <see cref="KnowledgeRanking"/> with what the agent
/// picked (category, district) and filtered by what the reader may see, and highlighted here.
/// </summary>
public sealed class KnowledgeSearch(IDbContextFactory<HotlineDbContext> contexts, KnowledgeText text, KnowledgeTermCounts termCounts, CityClock clock)
{
    public const int MaxLimit = 50;

    public async Task<IReadOnlyList<ArticleHit>> SearchAsync(KnowledgeQuery q, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q.Text))
            return [];
        var plan = await text.PlanAsync(Clip(q.Text), ct);
        if (plan.IsEmpty)
            return [];
        var limit = Math.Clamp(q.Limit, 1, MaxLimit);
        await using var db = await contexts.CreateDbContextAsync(ct);
        // One connection for the counts, the index and both reads: each open of a pooled SQLite connection runs its pragmas.
        await db.Database.OpenConnectionAsync(ct);
        // The index is asked the pruned plan (common terms cost most and tell least); highlighting keeps every term.
        var asked = await termCounts.PruneAsync(db, plan, ct);
        var candidates = await CandidatesAsync(db, asked, Math.Max(50, limit * 4), ct);
        if (candidates.Count == 0)
            return [];
        // Two reads: the ranking facts of every candidate, then the texts of the few shown (answers can be long).
        var ids = candidates.Keys.ToList();
        var facts = await db.KnowledgeArticles.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Status, a.EffectiveFrom, a.ExpiresOn, a.CategoryCodes, a.DistrictCodes, a.Uses })
            .ToListAsync(ct);
        var today = clock.Today;
        var category = q.CategoryCode;
        var context = new RankContext(today, category, ParentOf(category), q.DistrictCode);
        var ranked = KnowledgeRanking.Rank(facts.Where(r => q.Audience switch
        {
            KnowledgeAudience.Public => ArticleLifecycle.IsPublic(r.Status, r.EffectiveFrom, r.ExpiresOn, today),
            KnowledgeAudience.Staff => ArticleLifecycle.IsForAgents(r.Status),
            _ => true,
        }).Select(r => new RankFacts(r.Id, candidates[r.Id], r.Status, r.EffectiveFrom, r.ExpiresOn, r.CategoryCodes, r.DistrictCodes, r.Uses)), context)
            .Take(limit).ToList();
        var shown = ranked.Select(f => f.ArticleId).ToList();
        var texts = await db.KnowledgeArticles.AsNoTracking().Where(a => shown.Contains(a.Id))
            .Select(a => new { a.Id, a.Version, a.Title, a.Answer, a.Questions, a.DepartmentCodes }).ToDictionaryAsync(a => a.Id, ct);
        var terms = plan.HighlightTerms;
        return [.. ranked.Select(f =>
        {
            var r = texts[f.ArticleId];
            // The snippet comes from the question variant that matched when the answer does not mention the terms.
            var source = terms.Any(t => Highlighter.Contains(r.Answer, t)) || r.Questions.Count == 0
                ? r.Answer
                : r.Questions.FirstOrDefault(x => terms.Any(t => Highlighter.Contains(x, t))) is { } question ? question + "：" + r.Answer : r.Answer;
            return new ArticleHit(r.Id, r.Version, r.Title, Highlighter.Whole(r.Title, terms), Highlighter.Snippet(source, terms), f.Status,
                ArticleLifecycle.IsPublic(f.Status, f.EffectiveFrom, f.ExpiresOn, today), KnowledgeRanking.Score(f, context), f.CategoryCodes, r.DepartmentCodes, f.Uses);
        })];
    }

    /// <summary>Longest query text planned: a pasted document must not become a huge query.</summary>
    public const int MaxQueryLength = 500;

    private static string Clip(string query) => query.Length > MaxQueryLength ? query[..MaxQueryLength] : query;

    /// <summary>The FTS5 MATCH expression a search for <paramref name="query"/> sends (empty when it searches nothing): the
    /// knowledge benchmark's raw baseline queries the same text.</summary>
    public async Task<string> MatchTextAsync(string query, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(query))
            return "";
        var plan = await text.PlanAsync(Clip(query), ct);
        if (plan.IsEmpty)
            return "";
        await using var db = await contexts.CreateDbContextAsync(ct);
        return (await termCounts.PruneAsync(db, plan, ct)).ToFts5();
    }

    private string? ParentOf(string? category) => category is null ? null : reference.Categories.TryGetValue(category, out var c) ? c.ParentCode : null;

    private Reference.ReferenceData reference => text.Reference;

    /// <summary>The index's best candidates with their relevance (higher is better), straight from the full-text index.</summary>
    public static async Task<Dictionary<long, double>> CandidatesAsync(HotlineDbContext db, SearchPlan plan, int limit, CancellationToken ct)
    {
        var postgres = db.Database.IsNpgsql();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = postgres
                ? """
                  SELECT "ArticleId", ts_rank_cd("Document", q) AS score
                  FROM knowledge_index, to_tsquery('simple', @q) AS q
                  WHERE "Document" @@ q ORDER BY score DESC LIMIT @n
                  """
                : "SELECT rowid, -rank FROM knowledge_fts WHERE knowledge_fts MATCH @q ORDER BY rank LIMIT @n";
            Add(command, "@q", postgres ? plan.ToTsQuery() : plan.ToFts5());
            Add(command, "@n", limit);
            var result = new Dictionary<long, double>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                result[reader.GetInt64(0)] = Convert.ToDouble(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
