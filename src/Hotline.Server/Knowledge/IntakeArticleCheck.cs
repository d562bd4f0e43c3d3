using Hotline.Domain.Knowledge;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Knowledge;

/// <summary>
/// An intake answer given from an article (一次办结 from the knowledge base): the article must exist and be in force.
/// The version the agent read is recorded as given (it may be older than the current one if an editor changed it
/// meanwhile); without one, the current version is recorded.
/// </summary>
public sealed class IntakeArticleCheck(IDbContextFactory<HotlineDbContext> contexts, CityClock clock)
{
    public async Task<(ResolvedAtIntake Answer, IReadOnlyList<FieldError> Errors)> CheckAsync(ResolvedAtIntake answer, CancellationToken ct)
    {
        if (answer.ArticleId is not { } id)
            return (answer, []);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var article = await db.KnowledgeArticles.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new { a.Status, a.EffectiveFrom, a.ExpiresOn, a.Version }).FirstOrDefaultAsync(ct);
        if (article is null)
            return (answer, [new("intakeArticleId", KnowledgeErrors.UnknownArticle, id)]);
        if (!ArticleLifecycle.CanAnswerFrom(article.Status, article.EffectiveFrom, article.ExpiresOn, clock.Today))
            return (answer, [new("intakeArticleId", KnowledgeErrors.ArticleNotAnswerable, id)]);
        if (answer.ArticleVersion is { } v && (v < 1 || v > article.Version))
            return (answer, [new("intakeArticleVersion", KnowledgeErrors.UnknownArticle, id)]);
        return (answer with { ArticleVersion = answer.ArticleVersion ?? article.Version }, []);
    }
}
