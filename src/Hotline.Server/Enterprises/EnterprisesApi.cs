using System.Net;
using Hotline.Domain.Policies;
using Hotline.Server.Access;
using Hotline.Server.Knowledge;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Hotline.Server.Enterprises;

public sealed record SubscriptionBody(bool Subscribed);

/// <summary>The policy library (<c>/api/policies</c>), the enterprise library (<c>/api/enterprises</c>) and the public links of push emails.</summary>
public static class EnterprisesApi
{
    public static IServiceCollection AddEnterprises(this IServiceCollection services)
    {
        services.AddOptions<PushOptions>().BindConfiguration(PushOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EnterpriseLibrary>();
        services.AddSingleton<PolicyLibrary>();
        services.AddSingleton<PolicyPushes>();
        services.AddHostedService<PolicyPushWorker>();
        return services;
    }

    public static void MapEnterprises(this IEndpointRouteBuilder routes)
    {
        var policies = routes.MapGroup("/api/policies").WithTags("Policies").RequireAuthorization(Policies.Staff);
        policies.MapGet("/", async (PolicyLibrary library, CancellationToken ct) => TypedResults.Ok(await library.ListAsync(ct))).WithSummary("The policy library (涉企政策库)");
        policies.MapGet("/{id:long}", async (long id, PolicyLibrary library, CancellationToken ct) => TypedResults.Ok(await library.GetAsync(id, ct)));
        policies.MapPost("/", async (PolicyBody body, HttpContext http, PolicyLibrary library, CancellationToken ct) =>
        {
            var view = await library.SaveAsync(null, body, http.User.ToActor(), ct);
            return TypedResults.Created($"/api/policies/{view.Id}", view);
        }).WithSummary("Add a policy with its reading (政策解读) and audience (editors)");
        policies.MapPut("/{id:long}", async (long id, PolicyBody body, HttpContext http, PolicyLibrary library, CancellationToken ct) =>
            TypedResults.Ok(await library.SaveAsync(id, body, http.User.ToActor(), ct)));
        policies.MapGet("/{id:long}/matches", async (long id, int? max, PolicyLibrary library, CancellationToken ct) =>
            TypedResults.Ok(await library.PreviewAsync(id, Math.Clamp(max ?? 100, 0, 1000), ct)))
            .WithSummary("Preview a push: how many enterprises match, how many may be emailed, and the first of them");
        policies.MapPost("/{id:long}/pushes", async (long id, HttpContext http, PolicyPushes pushes, CancellationToken ct) =>
        {
            var push = await pushes.StartAsync(id, http.User.ToActor(), ct);
            return TypedResults.Accepted($"/api/policies/{id}/pushes", push);
        }).WithSummary("Push the policy to the matching enterprises (政策精准推送): emails go out through the outbox, rate-limited and resumable");
        policies.MapGet("/{id:long}/pushes", async (long id, PolicyPushes pushes, CancellationToken ct) => TypedResults.Ok(await pushes.ListAsync(id, ct)));

        var enterprises = routes.MapGroup("/api/enterprises").WithTags("Policies").RequireAuthorization(Policies.Staff);
        enterprises.MapGet("/", async (string? q, int? max, EnterpriseLibrary library, CancellationToken ct) =>
            TypedResults.Ok(await library.ListAsync(q, max ?? 100, ct))).WithSummary("The enterprise library (企业库)");
        enterprises.MapGet("/{creditCode}", async Task<Results<Ok<EnterpriseView>, NotFound>> (string creditCode, EnterpriseLibrary library, CancellationToken ct) =>
            await library.GetAsync(creditCode, ct) is { } e ? TypedResults.Ok(e) : TypedResults.NotFound());
        enterprises.MapGet("/{creditCode}/pushes", async (string creditCode, EnterpriseLibrary library, CancellationToken ct) =>
            TypedResults.Ok(await library.DeliveriesAsync(creditCode, ct))).WithSummary("The policies pushed to an enterprise (for its history and portrait)");
        enterprises.MapPut("/{creditCode}", async (string creditCode, EnterpriseRecord body, HttpContext http, EnterpriseLibrary library, CancellationToken ct) =>
            TypedResults.Ok(await library.SaveAsync(body with { CreditCode = creditCode }, http.User.ToActor(), ct)));
        enterprises.MapPost("/{creditCode}/subscription", async Task<Results<NoContent, NotFound>> (string creditCode, SubscriptionBody body, HttpContext http,
            EnterpriseLibrary library, CancellationToken ct) =>
        {
            EnterpriseLibrary.RequirePolicyEditor(http.User.ToActor());
            return await library.SetSubscribedAsync(creditCode, body.Subscribed, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
        }).WithSummary("订阅/退订 on the enterprise's request");
        enterprises.MapPost("/import", async (IFormFile? file, HttpContext http, EnterpriseLibrary library, IStringLocalizer<Messages> text, CancellationToken ct) =>
        {
            if (file is null)
                throw new Problems.RequestValidationException([new("file", Domain.Tickets.ErrorCodes.Required)]);
            await using var stream = file.OpenReadStream();
            return TypedResults.Ok(await library.ImportAsync(stream, file.FileName, http.User.ToActor(), e => text[$"Error.{e.Code}", e.Arguments], ct));
        }).DisableAntiforgery().WithMetadata(new RequestSizeLimitAttribute(20 * 1024 * 1024))
          .WithSummary("Import enterprises from CSV or .xlsx; every rejected row is reported with its reasons");

        // The links in push emails: no login, signed, rate-limited like the other public pages.
        routes.MapGet($"/{PolicyPushes.ClickPath}/{{token}}", async Task<Results<RedirectHttpResult, NotFound>> (string token, PolicyPushes pushes, CancellationToken ct) =>
            await pushes.ClickAsync(token, ct) is { } url ? TypedResults.Redirect(url) : TypedResults.NotFound())
            .RequireRateLimiting(KnowledgeApi.PublicPolicy).ExcludeFromDescription();
        routes.MapGet($"/{PolicyPushes.UnsubscribePath}/{{token}}", (string token, PolicyPushes pushes, IStringLocalizer<Messages> text) =>
            pushes.CreditCodeOfUnsubscribe(token) is null
                ? Page(text, text["Unsubscribe.Invalid"], null, StatusCodes.Status404NotFound)
                : Page(text, text["Unsubscribe.Confirm"], text["Unsubscribe.Button"], StatusCodes.Status200OK))
            .RequireRateLimiting(KnowledgeApi.PublicPolicy).ExcludeFromDescription();
        // RFC 8058 one-click: mail clients post here with List-Unsubscribe=One-Click and no token of ours.
        routes.MapPost($"/{PolicyPushes.UnsubscribePath}/{{token}}", async (string token, PolicyPushes pushes, EnterpriseLibrary library, IStringLocalizer<Messages> text, CancellationToken ct) =>
            pushes.CreditCodeOfUnsubscribe(token) is { } code && await library.SetSubscribedAsync(code, false, ct)
                ? Page(text, text["Unsubscribe.Done"], null, StatusCodes.Status200OK)
                : Page(text, text["Unsubscribe.Invalid"], null, StatusCodes.Status404NotFound))
            .DisableAntiforgery().RequireRateLimiting(KnowledgeApi.PublicPolicy).ExcludeFromDescription();
    }

    private static ContentHttpResult Page(IStringLocalizer<Messages> text, string message, string? button, int status)
    {
        var lang = System.Globalization.CultureInfo.CurrentUICulture.Name;
        var form = button is null ? "" : $"<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\"><button type=\"submit\">{WebUtility.HtmlEncode(button)}</button></form>";
        var html = $$"""
            <!DOCTYPE html>
            <html lang="{{lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{WebUtility.HtmlEncode(text["Unsubscribe.Title"])}}</title>
            <style>body{font-family:system-ui,sans-serif;max-width:640px;margin:0 auto;padding:16px;font-size:17px;color:#222}h1{color:#1a3d7c;font-size:1.4rem}
            button{width:100%;min-height:52px;font-size:1.1rem;background:#1a3d7c;color:#fff;border:0;border-radius:8px}</style></head>
            <body><h1>{{WebUtility.HtmlEncode(text["Unsubscribe.Title"])}}</h1><p id="message">{{WebUtility.HtmlEncode(message)}}</p>{{form}}</body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
