using Hotline.Domain.Knowledge;

namespace Hotline.Server.Knowledge;

/// <summary>
/// 知识条目: one knowledge-base article, its current content (the latest version) and its counters. Every change
/// writes a <see cref="KnowledgeArticleVersion"/> with the whole content, so history and diffs need no replay.
/// </summary>
public sealed class KnowledgeArticle
{
    public long Id { get; set; }
    public required string Title { get; set; }
    public List<string> Questions { get; set; } = [];
    public required string Answer { get; set; }
    public string? LegalBasis { get; set; }
    public List<ArticleLink> Links { get; set; } = [];
    public List<string> CategoryCodes { get; set; } = [];
    public List<string> DepartmentCodes { get; set; } = [];
    public List<string> DistrictCodes { get; set; } = [];
    public List<string> Tags { get; set; } = [];
    public DateOnly? EffectiveFrom { get; set; }
    public DateOnly? ExpiresOn { get; set; }
    public string? Source { get; set; }
    public ArticleStatus Status { get; set; }
    /// <summary>The number of the latest version; the optimistic concurrency token of edits.</summary>
    public int Version { get; set; }
    /// <summary>The seed file's key of a seeded article (added when missing, never overwritten).</summary>
    public string? SeedKey { get; set; }
    /// <summary>Toneless pinyin syllables of the title (from seed/ for seeded titles, from the character table otherwise).</summary>
    public string? TitlePinyin { get; set; }
    public long Views { get; set; }
    /// <summary>Tickets answered at intake from it (一次办结), and how those were rated.</summary>
    public int Uses { get; set; }
    public int RatedSatisfied { get; set; }
    public int RatedUnsatisfied { get; set; }
    /// <summary>Times a citizen said "这解决了我的问题" on the public page (在线办结).</summary>
    public int OnlineResolutions { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }

    public ArticleContent Content() => new()
    {
        Title = Title, Questions = Questions, Answer = Answer, LegalBasis = LegalBasis, Links = Links, CategoryCodes = CategoryCodes,
        DepartmentCodes = DepartmentCodes, DistrictCodes = DistrictCodes, Tags = Tags, EffectiveFrom = EffectiveFrom, ExpiresOn = ExpiresOn,
        Source = Source,
    };

    public void Set(ArticleContent c)
    {
        Title = c.Title.Trim();
        Questions = [.. c.Questions.Select(q => q.Trim()).Where(q => q.Length > 0)];
        Answer = c.Answer.Trim();
        LegalBasis = string.IsNullOrWhiteSpace(c.LegalBasis) ? null : c.LegalBasis.Trim();
        Links = [.. c.Links];
        CategoryCodes = [.. c.CategoryCodes];
        DepartmentCodes = [.. c.DepartmentCodes];
        DistrictCodes = [.. c.DistrictCodes];
        Tags = [.. c.Tags.Select(t => t.Trim())];
        EffectiveFrom = c.EffectiveFrom;
        ExpiresOn = c.ExpiresOn;
        Source = string.IsNullOrWhiteSpace(c.Source) ? null : c.Source.Trim();
    }
}

/// <summary>One version of an article: what it said, who made it and why (edit, submit, publish, merge of a draft …).</summary>
public sealed class KnowledgeArticleVersion
{
    public long Id { get; set; }
    public long ArticleId { get; set; }
    public int Version { get; set; }
    public required string Action { get; set; }
    public ArticleStatus Status { get; set; }
    public required ArticleContent Content { get; set; }
    public required string ActorId { get; set; }
    public required string ActorName { get; set; }
    public DateTimeOffset At { get; set; }
    public string? Note { get; set; }
}

/// <summary>A file attached to an article (a form, a flow chart). Kept in the database so every node serves it.</summary>
public sealed class KnowledgeAttachment
{
    public long Id { get; set; }
    public long ArticleId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public required byte[] Content { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    public required string UploadedBy { get; set; }
}

/// <summary>
/// The search index row of an article: its text segmented by jieba (words joined by spaces), single characters of
/// title and questions, pinyin and initials. SQLite indexes it with an FTS5 table kept in step by triggers; PostgreSQL
/// with a generated tsvector column and a GIN index (both created by the migration's SQL).
/// </summary>
public sealed class KnowledgeIndexRow
{
    public long ArticleId { get; set; }
    public required string Title { get; set; }
    public required string Questions { get; set; }
    public required string Body { get; set; }
    public required string Grams { get; set; }
    public required string Pinyin { get; set; }
    public required string Initials { get; set; }
}

/// <summary>同义词: one group of words that mean the same to a caller (社保 社会保险), editable by editors.</summary>
public sealed class KnowledgeSynonym
{
    public long Id { get; set; }
    public List<string> Words { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}

/// <summary>
/// 知识草稿: a proposed new article or change, queued for editors: from a ticket answered without a matching article,
/// or from a department about one of its own articles. An editor merges it into an article or dismisses it.
/// </summary>
public sealed class KnowledgeProposal
{
    public long Id { get; set; }
    public ProposalKind Kind { get; set; }
    public ProposalStatus Status { get; set; }
    /// <summary>The article a department proposes to change, or the best (poor) match of an unmatched ticket.</summary>
    public long? ArticleId { get; set; }
    public long? TicketId { get; set; }
    public string? TicketNumber { get; set; }
    public required string Question { get; set; }
    public required string Answer { get; set; }
    public string? LegalBasis { get; set; }
    public string? CategoryCode { get; set; }
    public string? DepartmentCode { get; set; }
    /// <summary>How well the best published article covered the ticket (0 to 1), for the editor.</summary>
    public double? BestCoverage { get; set; }
    public DateTimeOffset ProposedAt { get; set; }
    public required string ProposedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionNote { get; set; }
    public long? MergedArticleId { get; set; }
}

/// <summary>待复核: a reason to look at an article again; cleared by an editor.</summary>
public sealed class KnowledgeFlag
{
    public long Id { get; set; }
    public long ArticleId { get; set; }
    public ReviewReason Reason { get; set; }
    /// <summary>What makes it unique per article and reason (the ticket number, the expiry date): raised once.</summary>
    public required string Key { get; set; }
    public string? TicketNumber { get; set; }
    public string? Detail { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset? ClearedAt { get; set; }
    public string? ClearedBy { get; set; }
}

/// <summary>A ticket answered at intake from an article (一次办结 from the knowledge base), and its rating when rated.</summary>
public sealed class KnowledgeUse
{
    public long Id { get; set; }
    public long ArticleId { get; set; }
    public int ArticleVersion { get; set; }
    public long TicketId { get; set; }
    public required string TicketNumber { get; set; }
    public DateTimeOffset UsedAt { get; set; }
    public Domain.Tickets.RatingLevel? Rating { get; set; }
}

/// <summary>
/// 在线办结: a citizen or enterprise said an article on the public page solved their question. Analytics counts these
/// (time, article, channel); the question is kept, shortened, for editors.
/// </summary>
public sealed class OnlineResolution
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public long ArticleId { get; set; }
    public int ArticleVersion { get; set; }
    public required string Channel { get; set; }
    public string? Question { get; set; }
}

/// <summary>How far the knowledge feedback has read the ticket event log (one row per process-independent reader).</summary>
public sealed class KnowledgeFeedCursor
{
    public int Id { get; set; }
    public long LastEventId { get; set; }
}
