using Hotline.Domain.Knowledge;
using Hotline.Server.Access;
using Hotline.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Knowledge;

public sealed record ArticleEdit(ArticleContent? Content, int ExpectedVersion, string? Note);

public sealed record ArticleActionBody(int ExpectedVersion, string? Note);

public sealed record MergeBody(long? ArticleId, int? ExpectedVersion, ArticleContent? Content);

public sealed record NoteBody(string? Note);

public sealed record SynonymsBody(List<string>? Words);

/// <summary>The knowledge base over HTTP (<c>/api/knowledge</c>): search, suggestions, articles, the draft queue, flags and synonyms.</summary>
public static class KnowledgeApi
{
    /// <summary>The rate limit of the public Q&amp;A page, per client IP address, configured like the rating pages'.</summary>
    public const string PublicPolicy = "knowledge-public";

    public static IServiceCollection AddKnowledge(this IServiceCollection services)
    {
        services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<KnowledgeText>();
        services.AddSingleton<KnowledgeSearch>();
        services.AddSingleton<KnowledgeTermCounts>();
        services.AddSingleton<KnowledgeArticles>();
        services.AddSingleton<KnowledgeCuration>();
        services.AddSingleton<IntakeArticleCheck>();
        services.AddSingleton<KnowledgePublic>();
        services.AddSingleton<KnowledgeSeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<KnowledgeSeeder>());
        services.AddSingleton<KnowledgeFeedbackWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<KnowledgeFeedbackWorker>());
        services.AddRateLimiter(o => o.AddPerMinutePolicy(PublicPolicy,
            http => http.RequestServices.GetRequiredService<IOptions<KnowledgeOptions>>().Value.PublicRequestsPerMinute));
        return services;
    }

    public static void MapKnowledge(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/knowledge").WithTags("Knowledge").RequireAuthorization(Policies.Staff);

        api.MapGet("/search", async (string? q, string? category, string? district, int? limit, HttpContext http, KnowledgeSearch search, CancellationToken ct) =>
        {
            var actor = http.User.ToActor();
            var audience = ArticleLifecycle.IsEditor(actor) ? KnowledgeAudience.Editor : KnowledgeAudience.Staff;
            return TypedResults.Ok(await search.SearchAsync(new KnowledgeQuery(q ?? "", audience, category, district, limit ?? 10), ct));
        }).WithSummary("Search the knowledge base (知识检索)").WithDescription("Agents see published, expired and withdrawn articles (inForce false); editors also drafts.");

        api.MapGet("/suggestions", async (string? title, string? description, string? category, string? district, HttpContext http, KnowledgeSearch search, CancellationToken ct) =>
            TypedResults.Ok(await search.SearchAsync(new KnowledgeQuery($"{title} {description}", KnowledgeAudience.Staff, category, district, 5), ct)))
            .WithSummary("Articles for a call being registered (辅助接听): the draft's title, description and category");

        api.MapGet("/articles", async (ArticleStatus? status, bool? flagged, string? category, int? max, HttpContext http, KnowledgeArticles articles, CancellationToken ct) =>
            TypedResults.Ok(await articles.ListAsync(http.User.ToActor(), status, flagged ?? false, category, max ?? 100, ct)));

        api.MapGet("/articles/{id:long}", async (long id, HttpContext http, KnowledgeArticles articles, CancellationToken ct) =>
        {
            var view = await articles.GetAsync(id, http.User.ToActor(), ct);
            await articles.RecordViewAsync(id, ct);
            return TypedResults.Ok(view);
        }).WithSummary("One article; counts a view");

        api.MapPost("/articles", async (ArticleContent body, HttpContext http, KnowledgeArticles articles, CancellationToken ct) =>
        {
            var view = await articles.CreateAsync(body, http.User.ToActor(), ct);
            return TypedResults.Created($"/api/knowledge/articles/{view.Id}", view);
        }).WithSummary("Create a draft article (editors)");

        api.MapPut("/articles/{id:long}", async (long id, ArticleEdit body, HttpContext http, KnowledgeArticles articles, CancellationToken ct) =>
            TypedResults.Ok(await articles.UpdateAsync(id, KnowledgeArticles.Required(body.Content), body.ExpectedVersion, body.Note, http.User.ToActor(), ct)))
            .WithSummary("Save a new version (editors); a stale expectedVersion gets 409");

        api.MapPost("/articles/{id:long}/actions/{action}", async (long id, string action, ArticleActionBody body, HttpContext http, KnowledgeArticles articles, CancellationToken ct) =>
            TypedResults.Ok(await articles.ActAsync(id, action, body.ExpectedVersion, body.Note, http.User.ToActor(), ct)))
            .WithSummary("Lifecycle: " + string.Join(", ", ArticleLifecycle.Transitions.Where(t => t.Action != ArticleAction.Expire).Select(t => t.RouteName)));

        api.MapGet("/articles/{id:long}/versions", async (long id, HttpContext http, KnowledgeArticles articles, CancellationToken ct) =>
            TypedResults.Ok(await articles.HistoryAsync(id, http.User.ToActor(), ct))).WithSummary("Version history, newest first");

        api.MapGet("/articles/{id:long}/diff", async (long id, int from, int to, HttpContext http, KnowledgeArticles articles, CancellationToken ct) =>
            TypedResults.Ok(await articles.DiffAsync(id, from, to, http.User.ToActor(), ct))).WithSummary("What changed between two versions, field by field");

        api.MapPost("/articles/{id:long}/attachments", async (long id, IFormFile? file, HttpContext http, KnowledgeArticles articles, CancellationToken ct) =>
        {
            if (file is null)
                throw new Problems.RequestValidationException([new("file", Domain.Tickets.ErrorCodes.Required)]);
            await using var stream = file.OpenReadStream();
            var meta = await articles.AttachAsync(id, file.FileName, stream, file.Length, http.User.ToActor(), ct);
            return TypedResults.Created($"/api/knowledge/articles/{id}/attachments/{meta.Id}", meta);
        }).DisableAntiforgery().WithMetadata(new RequestSizeLimitAttribute(10 * 1024 * 1024 + 64 * 1024));

        api.MapGet("/articles/{id:long}/attachments/{attachmentId:long}", async Task<Results<FileContentHttpResult, NotFound>> (
            long id, long attachmentId, HttpContext http, KnowledgeArticles articles, CancellationToken ct) =>
            await articles.OpenAttachmentAsync(id, attachmentId, http.User.ToActor(), ct) is { } f
                ? TypedResults.File(f.Content, f.ContentType, f.FileName)
                : TypedResults.NotFound())
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream");

        api.MapPost("/articles/{id:long}/proposals", async (long id, ProposeChange body, HttpContext http, KnowledgeCuration curation, CancellationToken ct) =>
        {
            var view = await curation.ProposeAsync(id, body, http.User.ToActor(), ct);
            return TypedResults.Created($"/api/knowledge/proposals/{view.Id}", view);
        }).WithSummary("A department proposes a change to an article of its own (部门提出修改)");

        api.MapGet("/proposals", async (ProposalStatus? status, HttpContext http, KnowledgeCuration curation, CancellationToken ct) =>
            TypedResults.Ok(await curation.ProposalsAsync(status ?? ProposalStatus.Open, http.User.ToActor(), ct))).WithSummary("The draft queue (知识草稿)");

        api.MapGet("/proposals/{id:long}", async (long id, HttpContext http, KnowledgeCuration curation, CancellationToken ct) =>
            TypedResults.Ok(await curation.ProposalAsync(id, http.User.ToActor(), ct)));

        api.MapPost("/proposals/{id:long}/merge", async (long id, MergeBody body, HttpContext http, KnowledgeCuration curation, CancellationToken ct) =>
            TypedResults.Ok(await curation.MergeAsync(id, body.ArticleId, body.ExpectedVersion, KnowledgeArticles.Required(body.Content), http.User.ToActor(), ct)))
            .WithSummary("Merge a draft into an article (articleId and expectedVersion) or into a new draft article (no articleId)");

        api.MapPost("/proposals/{id:long}/dismiss", async (long id, NoteBody body, HttpContext http, KnowledgeCuration curation, CancellationToken ct) =>
        {
            await curation.DismissAsync(id, body.Note, http.User.ToActor(), ct);
            return TypedResults.NoContent();
        });

        api.MapGet("/flags", async (HttpContext http, KnowledgeCuration curation, CancellationToken ct) =>
            TypedResults.Ok(await curation.FlagsAsync(http.User.ToActor(), ct))).WithSummary("Articles flagged for review (待复核)");

        api.MapPost("/flags/{id:long}/clear", async (long id, HttpContext http, KnowledgeCuration curation, CancellationToken ct) =>
        {
            await curation.ClearFlagAsync(id, http.User.ToActor(), ct);
            return TypedResults.NoContent();
        }).WithSummary("Mark a flag as reviewed");

        api.MapGet("/synonyms", async (KnowledgeCuration curation, CancellationToken ct) => TypedResults.Ok(await curation.SynonymsAsync(ct)));

        api.MapPost("/synonyms", async (SynonymsBody body, HttpContext http, KnowledgeCuration curation, CancellationToken ct) =>
            TypedResults.Ok(await curation.SaveSynonymsAsync(null, body.Words ?? [], http.User.ToActor(), ct))).WithSummary("Add a synonym group (同义词)");

        api.MapPut("/synonyms/{id:long}", async (long id, SynonymsBody body, HttpContext http, KnowledgeCuration curation, CancellationToken ct) =>
            TypedResults.Ok(await curation.SaveSynonymsAsync(id, body.Words ?? [], http.User.ToActor(), ct))).WithSummary("Replace a synonym group; an empty list deletes it");

        // The public page's article attachments (a form to download), only for articles in force.
        routes.MapGet("/ask/articles/{id:long}/attachments/{attachmentId:long}", async Task<Results<FileContentHttpResult, NotFound>> (
            long id, long attachmentId, KnowledgeArticles articles, CancellationToken ct) =>
            await articles.OpenAttachmentAsync(id, attachmentId, null, ct) is { } f ? TypedResults.File(f.Content, f.ContentType, f.FileName) : TypedResults.NotFound())
            .RequireRateLimiting(PublicPolicy).ExcludeFromDescription();
    }
}
