using Hotline.Domain.Access;

namespace Hotline.Domain.Knowledge;

/// <summary>Where a knowledge-base article (知识条目) is in its life.</summary>
public enum ArticleStatus
{
    /// <summary>草稿: being written; only editors see it.</summary>
    Draft,
    /// <summary>待审核: submitted for review by another editor.</summary>
    Review,
    /// <summary>已发布: agents and the public see it (within its effective dates).</summary>
    Published,
    /// <summary>已过期: its expiry date passed; agents see it struck through, the public not at all.</summary>
    Expired,
    /// <summary>已撤回: taken back (the policy was replaced or the answer was wrong).</summary>
    Withdrawn,
}

/// <summary>What an editor does to an article's status.</summary>
public enum ArticleAction
{
    Submit,
    Publish,
    ReturnToDraft,
    Withdraw,
    Expire,
    Reopen,
}

public sealed record ArticleTransition(ArticleAction Action, string RouteName, IReadOnlySet<ArticleStatus> From, ArticleStatus To);

/// <summary>
/// The article lifecycle as data: draft → review → published → expired/withdrawn, and back to draft to rework an
/// expired or withdrawn one. Editors (<see cref="Roles.KnowledgeEditor"/>, supervisors, admins) take every step;
/// <see cref="ArticleAction.Expire"/> is also the system's when the expiry date passes.
/// </summary>
public static class ArticleLifecycle
{
    public static IReadOnlyList<ArticleTransition> Transitions { get; } =
    [
        new(ArticleAction.Submit, "submit", new HashSet<ArticleStatus> { ArticleStatus.Draft }, ArticleStatus.Review),
        new(ArticleAction.Publish, "publish", new HashSet<ArticleStatus> { ArticleStatus.Draft, ArticleStatus.Review }, ArticleStatus.Published),
        new(ArticleAction.ReturnToDraft, "return-to-draft", new HashSet<ArticleStatus> { ArticleStatus.Review }, ArticleStatus.Draft),
        new(ArticleAction.Withdraw, "withdraw", new HashSet<ArticleStatus> { ArticleStatus.Published, ArticleStatus.Review }, ArticleStatus.Withdrawn),
        new(ArticleAction.Expire, "expire", new HashSet<ArticleStatus> { ArticleStatus.Published }, ArticleStatus.Expired),
        new(ArticleAction.Reopen, "reopen", new HashSet<ArticleStatus> { ArticleStatus.Expired, ArticleStatus.Withdrawn }, ArticleStatus.Draft),
    ];

    /// <summary>Who edits articles and moves them through their life.</summary>
    public static readonly IReadOnlyList<string> EditorRoles = [Roles.KnowledgeEditor, Roles.Supervisor, Roles.Admin];

    public static bool IsEditor(Actor actor) => EditorRoles.Contains(actor.Role);

    public static ArticleTransition? Find(string routeName) => Transitions.FirstOrDefault(t => t.RouteName == routeName);

    /// <summary>The status after the action, or null when the action is not allowed from <paramref name="status"/>.</summary>
    public static ArticleStatus? Next(ArticleStatus status, ArticleAction action) =>
        Transitions.FirstOrDefault(t => t.Action == action && t.From.Contains(status))?.To;

    public static IReadOnlyList<string> AllowedFrom(ArticleStatus status) =>
        [.. Transitions.Where(t => t.From.Contains(status) && t.Action != ArticleAction.Expire).Select(t => t.RouteName)];

    /// <summary>
    /// What a reader sees on <paramref name="today"/>: a published article outside its effective dates counts as expired
    /// (not yet effective ones are not shown), whether or not the daily job has set its status yet.
    /// </summary>
    public static ArticleStatus Effective(ArticleStatus status, DateOnly? effectiveFrom, DateOnly? expiresOn, DateOnly today) =>
        status == ArticleStatus.Published && expiresOn is { } end && end < today ? ArticleStatus.Expired : status;

    /// <summary>Whether the public Q&amp;A page may show it: published, in force today.</summary>
    public static bool IsPublic(ArticleStatus status, DateOnly? effectiveFrom, DateOnly? expiresOn, DateOnly today) =>
        Effective(status, effectiveFrom, expiresOn, today) == ArticleStatus.Published && (effectiveFrom is null || effectiveFrom <= today);

    /// <summary>Agents see published, expired and withdrawn ones (the last two struck through); drafts stay with editors.</summary>
    public static bool IsForAgents(ArticleStatus status) => status is ArticleStatus.Published or ArticleStatus.Expired or ArticleStatus.Withdrawn;

    /// <summary>An article is answered from (一次办结) only while it is in force.</summary>
    public static bool CanAnswerFrom(ArticleStatus status, DateOnly? effectiveFrom, DateOnly? expiresOn, DateOnly today) =>
        IsPublic(status, effectiveFrom, expiresOn, today);
}
