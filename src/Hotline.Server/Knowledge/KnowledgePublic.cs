using Hotline.Domain.Access;
using Hotline.Domain.Knowledge;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Knowledge;

/// <summary>What a citizen or enterprise fills in on the public page's "仍需帮助" form.</summary>
public sealed class OnlineTicketForm
{
    public string? Question { get; set; }
    public string? Description { get; set; }
    public string? CategoryCode { get; set; }
    public string? DistrictCode { get; set; }
    public RequesterKind Kind { get; set; } = RequesterKind.Citizen;
    public string? Name { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? CreditCode { get; set; }
    public string? ContactPerson { get; set; }
    /// <summary>Set when the form is first shown: submitting twice (a double tap, a reload) registers one ticket.</summary>
    public string? Key { get; set; }
}

/// <summary>
/// 智能问答 and 在线办结 for the public page: an online resolution is recorded for analytics (time, article, channel),
/// and "仍需帮助" registers an online ticket (channel web) through the same intake as every other ticket, with the same
/// validation, idempotency and emails.
/// </summary>
public sealed class KnowledgePublic(IDbContextFactory<HotlineDbContext> contexts, TicketIntake intake, CityClock clock)
{
    /// <summary>The requester acting through the public page (not a sign-in role).</summary>
    public static readonly Actor WebRequester = new("web:ask", "在线问答", Roles.Requester, null);

    public const string Channel = "Web";

    public async Task<bool> ResolvedAsync(long articleId, string? question, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var article = await db.KnowledgeArticles.AsNoTracking().Where(a => a.Id == articleId)
            .Select(a => new { a.Status, a.EffectiveFrom, a.ExpiresOn, a.Version }).FirstOrDefaultAsync(ct);
        if (article is null || !ArticleLifecycle.IsPublic(article.Status, article.EffectiveFrom, article.ExpiresOn, clock.Today))
            return false;
        var q = string.IsNullOrWhiteSpace(question) ? null : question.Trim();
        // The row (what analytics counts) and the article's counter in one transaction.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.OnlineResolutions.Add(new OnlineResolution
        {
            At = clock.Now, ArticleId = articleId, ArticleVersion = article.Version, Channel = Channel, Question = q is { Length: > 200 } ? q[..200] : q,
        });
        await db.SaveChangesAsync(ct);
        await db.KnowledgeArticles.Where(a => a.Id == articleId).ExecuteUpdateAsync(s => s.SetProperty(a => a.OnlineResolutions, a => a.OnlineResolutions + 1), ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task<IntakeResult> RegisterAsync(OnlineTicketForm form, CancellationToken ct)
    {
        var title = (form.Question ?? "").Trim();
        if (title.Length > TicketDraftValidator.MaxTitle)
            title = title[..TicketDraftValidator.MaxTitle];
        var description = string.IsNullOrWhiteSpace(form.Description) ? (form.Question ?? "").Trim() : form.Description.Trim();
        var request = new RegisterTicketRequest(
            TicketType.Consultation, Domain.Tickets.Channel.Web, Priority.Normal,
            new RequesterRequest(form.Kind, form.Name, form.Phone, form.Email,
                form.Kind == RequesterKind.Enterprise ? form.CreditCode : null, form.Kind == RequesterKind.Enterprise ? form.ContactPerson : null, false),
            title, description, form.CategoryCode, form.DistrictCode, null, ["在线问答"]);
        var key = string.IsNullOrWhiteSpace(form.Key) || form.Key.Length > 100 ? null : $"ask-{form.Key}";
        try
        {
            var (draft, errors) = request.ToDraft();
            if (draft is null)
                throw new Problems.RequestValidationException(errors);
            return await intake.RegisterAsync(draft, WebRequester, key, ct);
        }
        catch (Problems.RequestValidationException e) when (string.IsNullOrWhiteSpace(form.Description) && e.Errors.Any(x => x.Field == "description"))
        {
            // A description left empty is the question: its "required" would only repeat the question's, under a field
            // the form calls optional.
            throw new Problems.RequestValidationException([.. e.Errors.Where(x => x.Field != "description")]);
        }
    }
}
