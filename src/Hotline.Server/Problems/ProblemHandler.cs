using System.Globalization;
using System.Text.Json;
using Hotline.Domain.Tickets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Hotline.Server.Problems;

/// <summary>
/// Maps every refusal to an RFC 7807 ProblemDetails in the caller's language (Accept-Language: zh-CN default, en).
/// Endpoints throw; this is the one place that decides status codes and wording.
/// </summary>
public sealed class ProblemHandler(IProblemDetailsService problems, IStringLocalizer<Messages> text, ILogger<ProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        UseRequestCulture(http);
        var problem = Describe(exception);
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception");
            return false;
        }

        http.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The problem a refusal becomes, in the current culture; null for a fault. The console shows the same text.</summary>
    public ProblemDetails? Describe(Exception exception) =>
        exception switch
        {
            RequestValidationException v => Validation(v.Errors),
            ReferenceNotFoundException r => Validation(r.Errors, 422),
            // Body-reading failures arrive wrapped ("failed to read parameter"): look at the cause.
            BadHttpRequestException b when Cause<BadHttpRequestException>(b) is { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problem(413, "Title.TooLarge"),
            BadHttpRequestException b when Cause<JsonException>(b) is { } j => MalformedJson(j),
            BadHttpRequestException b => Problem(b.StatusCode, TitleKey(b.StatusCode) ?? "Title.BadRequest"),
            // A form post without its anti-forgery token (or with a stale one) is a bad request, not a fault.
            Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException => Problem(400, "Title.Antiforgery"),
            TicketNotFoundException => Problem(404, "Title.NotFound"),
            UnknownActionException u => WithExtension(Problem(404, "Title.UnknownAction"), "knownActions",
                Domain.Tickets.TicketWorkflow.Transitions
                    .Where(t => !TicketWorkflow.IsSystemOnly(t.Action) && !TicketWorkflow.HasOwnEndpoint(t.Action)).Select(t => t.RouteName).ToArray()),
            TransitionNotAllowedException t => TransitionNotAllowed(t),
            ActionForbiddenException => Problem(403, "Title.Forbidden"),
            GuardConflictException g => WithExtension(Problem(409, "Title.RuleRefused", text[$"Error.{g.Code}", g.Arguments]), "code", g.Code),
            SupervisorRequiredException s => WithExtension(Problem(403, "Title.SupervisorRequired", text[$"Error.{s.Code}", s.Arguments]), "code", s.Code),
            ConcurrencyConflictException c => WithExtension(
                Problem(409, "Title.Concurrency", text["Detail.Concurrency", c.ExpectedVersion, c.CurrentVersion]), "currentVersion", c.CurrentVersion),
            IdempotencyKeyReusedException i => WithExtension(Problem(422, "Title.IdempotencyReused"), "ticketNumber", i.ExistingNumber),
            Knowledge.KnowledgeNotFoundException => Problem(404, "Title.NotFound"),
            Knowledge.KnowledgeForbiddenException => Problem(403, "Title.Forbidden"),
            _ => null,
        };

    /// <summary>Localizes the title of bodiless 401/403/404 answers that the status-code middleware turns into problems.</summary>
    public static void Localize(ProblemDetailsContext context)
    {
        UseRequestCulture(context.HttpContext);
        var text = context.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<Messages>>();
        var key = TitleKey(context.ProblemDetails.Status ?? 0);
        if (key is not null && context.Exception is null)
            context.ProblemDetails.Title = text[key];
        context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
    }

    /// <summary>
    /// The title of an answer that carries only its status. A 404 without a refusal behind it is an unknown address or
    /// a missing row, not a ticket, so it is worded generally; a ticket not found has its own wording.
    /// </summary>
    private static string? TitleKey(int status) => status switch
    {
        400 => "Title.BadRequest",
        401 => "Title.Unauthorized",
        403 => "Title.Forbidden",
        404 => "Title.PathNotFound",
        405 => "Title.MethodNotAllowed",
        413 => "Title.TooLarge",
        415 => "Title.UnsupportedMediaType",
        429 => "Title.TooManyRequests",
        500 => "Title.ServerError",
        _ => null,
    };

    private HttpValidationProblemDetails Validation(IReadOnlyList<FieldError> errors, int status = 400) => new HttpValidationProblemDetails(
        errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(Message).ToArray()))
    {
        Status = status,
        Title = text[status == 422 ? "Title.ReferenceNotFound" : "Title.Validation"],
    };

    private string Message(FieldError e) => text[$"Error.{e.Code}", e.Arguments];

    private HttpValidationProblemDetails MalformedJson(JsonException j)
    {
        // "$.requester.creditCode" → "requester.creditCode", the same names validation errors use.
        var field = string.IsNullOrEmpty(j.Path) || j.Path == "$" ? "$" : j.Path.TrimStart('$', '.');
        var message = j is Security.ForbiddenCharacterJsonException f ? text["Error.ForbiddenCharacter", f.Character] : text["Error.InvalidValue"];
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = 400,
            Title = text["Title.MalformedJson"],
        };
    }

    private ProblemDetails TransitionNotAllowed(TransitionNotAllowedException t)
    {
        var problem = Problem(409, "Title.TransitionNotAllowed", text["Detail.TransitionNotAllowed", text[$"Status.{t.Status}"], text[$"Action.{t.Action}"]]);
        problem.Extensions["ticketStatus"] = t.Status.ToString();
        problem.Extensions["allowedActions"] = t.AllowedActions;
        return problem;
    }

    private ProblemDetails Problem(int status, string titleKey, string? detail = null) =>
        new() { Status = status, Title = text[titleKey], Detail = detail };

    private static ProblemDetails WithExtension(ProblemDetails problem, string name, object value)
    {
        problem.Extensions[name] = value;
        return problem;
    }

    private static T? Cause<T>(Exception e) where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is T match && (current is not BadHttpRequestException bad || bad.StatusCode != StatusCodes.Status400BadRequest || current.InnerException is null))
                return match;
        }
        return null;
    }

    private static void UseRequestCulture(HttpContext http)
    {
        // The localization middleware's culture does not flow back out to the exception handler, so set it again.
        var culture = http.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture;
        if (culture is not null)
        {
            CultureInfo.CurrentUICulture = culture;
            CultureInfo.CurrentCulture = culture;
        }
    }
}

/// <summary>
/// Refuses oversized bodies with 413 before anything is read or stored: each API endpoint's limit comes from its
/// <see cref="IRequestSizeLimitMetadata"/> (attachments) or the JSON default.
/// </summary>
public static class BodySizeLimit
{
    public static IApplicationBuilder UseBodySizeLimit(this IApplicationBuilder app, long defaultMaxBytes) =>
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/api"))
            {
                var max = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? defaultMaxBytes;
                if (http.Request.ContentLength > max)
                    throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
                // Chunked bodies have no length: let the server stop reading past the limit.
                var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
                if (feature is { IsReadOnly: false })
                    feature.MaxRequestBodySize = max;
            }
            await next(http);
        });
}
