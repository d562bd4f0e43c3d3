using Hotline.Domain.Duplicates;

namespace Hotline.Domain.Knowledge;

/// <summary>Why an article is flagged for review (待复核).</summary>
public enum ReviewReason
{
    /// <summary>Its expiry date is within the warning window (30 days).</summary>
    ExpiresSoon,
    /// <summary>A ticket answered from it was rated unsatisfied.</summary>
    UnsatisfiedRating,
    /// <summary>Its department answered the same question differently in a reply.</summary>
    DepartmentAnswerChanged,
}

/// <summary>Where a proposed draft (知识草稿) comes from.</summary>
public enum ProposalKind
{
    /// <summary>A ticket was answered and no published article matched it well: a new article may be needed.</summary>
    UnmatchedAnswer,
    /// <summary>A department proposes a change to an article of its own.</summary>
    DepartmentProposal,
}

public enum ProposalStatus
{
    Open,
    Merged,
    Dismissed,
}

/// <summary>
/// 知识库自助更新: the rules that decide when an answered ticket proposes a draft and when an article is flagged for
/// review. Pure: the server supplies the ticket's words, the best article's text and the department's reply.
/// </summary>
public static class KnowledgeFeedback
{
    /// <summary>Below this coverage of a ticket's topic words, no published article "matched it well".</summary>
    public const double WellMatched = 0.6;

    /// <summary>Articles expiring within this many days are flagged.</summary>
    public const int ExpiryWarningDays = 30;

    /// <summary>A reply this unlike the article's answer, to a ticket the article covers, is a changed answer.</summary>
    public const double ChangedAnswerSimilarity = 0.25;

    public static bool ProposesDraft(double bestCoverage) => bestCoverage < WellMatched;

    public static bool ExpiresSoon(DateOnly? expiresOn, DateOnly today) =>
        expiresOn is { } end && end >= today && end.DayNumber - today.DayNumber <= ExpiryWarningDays;

    /// <summary>
    /// Whether a department's reply changes the answer of one of its own articles: the ticket is well covered by the
    /// article (the same question), the replying department is among the article's, and the reply reads unlike it.
    /// </summary>
    public static bool ChangesAnswer(double coverage, string replyingDepartment, IReadOnlyList<string> articleDepartments, string articleAnswer, string reply) =>
        coverage >= WellMatched
        && articleDepartments.Contains(replyingDepartment)
        && TextSimilarity.Compare(articleAnswer, reply) < ChangedAnswerSimilarity;
}
