using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Hotline.Server.Problems;

/// <summary>
/// Writes into the OpenAPI document the refusals every endpoint can answer with, beside the success its
/// <c>TypedResults</c> type declares. Refusals are thrown and turned into RFC 7807 problems in one place
/// (<see cref="ProblemHandler"/>), so an endpoint's own return type names only what it returns itself; what it can be
/// refused follows from its shape, and is derived here once rather than listed by hand on each endpoint: a parameter
/// or body that does not bind or validate (400), no caller or the wrong role (401, 403), a route naming a ticket or a
/// row that is not there or not the caller's to see (404). Responses an endpoint declares itself are kept (a bodiless
/// one gets the problem body the status-code pages give it).
/// </summary>
public static class RefusalResponses
{
    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var description = context.Description;
        if (description.RelativePath is not { } path || !path.StartsWith("api/", StringComparison.Ordinal))
            return;
        operation.Responses ??= [];
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var route = description.ParameterDescriptions.Where(p => p.Source.Id == "Path").Select(p => p.Name).ToList();

        if (description.ParameterDescriptions.Count > 0)
            await AddAsync("400", "The request is not valid: the problem's errors name each field.", typeof(HttpValidationProblemDetails));
        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            await AddAsync("401", "Not signed in (cookie) and no valid API key.", typeof(ProblemDetails));
            await AddAsync("403", "The caller's role may not do this.", typeof(ProblemDetails));
        }
        if (route.Count > 0)
            await AddAsync("404", $"No such {string.Join(", ", route)}, or not one the caller may see.", typeof(ProblemDetails));

        async Task AddAsync(string status, string text, Type problem)
        {
            // A bodiless refusal an endpoint returns itself (TypedResults.NotFound()) reaches the client as a problem too:
            // the status-code pages write one.
            if (operation.Responses.TryGetValue(status, out var declared) && declared.Content is { Count: > 0 })
                return;
            var schema = await context.GetOrCreateSchemaAsync(problem, null, ct);
            operation.Responses[status] = new OpenApiResponse
            {
                Description = declared?.Description is { Length: > 0 } own ? own : text,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
            };
        }
    }
}
