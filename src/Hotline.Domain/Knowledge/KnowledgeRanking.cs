namespace Hotline.Domain.Knowledge;

/// <summary>What the ranking knows about one candidate besides the index's relevance.</summary>
/// <param name="Relevance">The index's score, higher is better (FTS5's bm25 negated, or PostgreSQL's ts_rank_cd).</param>
public sealed record RankFacts(
    long ArticleId, double Relevance, ArticleStatus Status, DateOnly? EffectiveFrom, DateOnly? ExpiresOn,
    IReadOnlyList<string> CategoryCodes, IReadOnlyList<string> DistrictCodes, int Uses);

/// <summary>The context of a search: the category and district the agent picked, if any, and the day.</summary>
public sealed record RankContext(DateOnly Today, string? CategoryCode = null, string? ParentCategoryCode = null, string? DistrictCode = null);

/// <summary>
/// Re-ranking of the index's best candidates: the same rule for both databases, so their order differs only where
/// their relevance scores do. The agent's chosen category and district lift matching articles, much-used articles
/// win ties, and articles no longer in force sink below those in force (agents still see them, struck through).
/// </summary>
public static class KnowledgeRanking
{
    public const double SameCategory = 0.35;
    public const double SameCategoryFamily = 0.15;
    public const double SameDistrict = 0.1;
    public const double NotInForce = 0.3;

    public static double Score(RankFacts f, RankContext c)
    {
        var boost = 1.0;
        if (c.CategoryCode is { } category && f.CategoryCodes.Contains(category))
            boost += SameCategory;
        else if (c.ParentCategoryCode is { } parent && f.CategoryCodes.Contains(parent))
            boost += SameCategoryFamily;
        if (c.DistrictCode is { } district && f.DistrictCodes.Contains(district))
            boost += SameDistrict;
        boost += 0.02 * Math.Log10(1 + Math.Max(0, f.Uses));
        var score = Math.Max(0, f.Relevance) * boost;
        return ArticleLifecycle.IsPublic(f.Status, f.EffectiveFrom, f.ExpiresOn, c.Today) ? score : score * NotInForce;
    }

    /// <summary>
    /// By score: an article no longer in force keeps 30% of its score, so it sinks below comparable ones in force but an
    /// exact match still shows (struck through), telling the agent that the rule changed.
    /// </summary>
    public static IReadOnlyList<RankFacts> Rank(IEnumerable<RankFacts> candidates, RankContext context) =>
        [.. candidates.Select(f => (f, score: Score(f, context))).OrderByDescending(x => x.score).ThenBy(x => x.f.ArticleId).Select(x => x.f)];

    /// <summary>
    /// How well an article covers a text's topic words (0 to 1): the share of the words found in the article. Used to
    /// decide whether a ticket "matched an article well" without relying on either database's score scale.
    /// </summary>
    public static double Coverage(IReadOnlyCollection<string> topicWords, string articleText)
    {
        if (topicWords.Count == 0)
            return 0;
        var found = topicWords.Count(w => articleText.Contains(w, StringComparison.OrdinalIgnoreCase));
        return (double)found / topicWords.Count;
    }
}
