using Hotline.Server.Access;
using Hotline.Server.Exports;
using Hotline.Server.Reference;
using Microsoft.Extensions.Localization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Serilog.Context;

namespace Hotline.Server.Tickets;

public static class TicketsApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static IServiceCollection AddTickets(this IServiceCollection services)
    {
        services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WorkflowOptions>().BindConfiguration(WorkflowOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CityClock>();
        services.AddSingleton<TicketEventEffects>();
        services.AddSingleton<TicketIntake>();
        services.AddHostedService(sp => sp.GetRequiredService<TicketIntake>());
        services.AddScoped<TicketService>();
        services.AddScoped<TicketActions>();
        services.AddScoped<TicketSearch>();
        services.AddScoped<SavedSearches>();
        services.AddTransient<TicketEventText>();
        services.AddScoped<AttachmentStore>();
        services.AddSingleton<AttachmentSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<AttachmentSweeper>());
        services.AddScoped<DuplicateHints>();
        return services;
    }

    public static RouteGroupBuilder MapTickets(this IEndpointRouteBuilder routes, long maxAttachmentBytes)
    {
        var group = routes.MapGroup("/api/tickets").WithTags("Tickets").RequireAuthorization(Policies.Staff);

        group.MapPost("/", async Task<Results<Created<TicketView>, Ok<TicketView>>> (
            RegisterTicketRequest body, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
            HttpContext http, TicketIntake intake, TicketService tickets, Serilog.IDiagnosticContext log, CancellationToken ct) =>
        {
            var actor = http.User.ToActor();
            var (draft, errors) = body.ToDraft();
            if (draft is null)
                throw new Problems.RequestValidationException(errors);
            if (idempotencyKey is { Length: > 200 })
                throw new Problems.RequestValidationException([new(IdempotencyHeader, Domain.Tickets.ErrorCodes.TooLong, 200)]);
            var result = await intake.RegisterAsync(draft, actor, string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey, ct,
                string.IsNullOrWhiteSpace(body.IntakeAnswer) ? null : new Domain.Tickets.ResolvedAtIntake(body.IntakeAnswer.Trim(), body.IntakeArticleId, body.IntakeArticleVersion));
            var view = tickets.View(result.Ticket, actor);
            http.Response.Headers.ETag = ETag(view.Version);
            // On the request's one log line (a replay answers 200, a new ticket 201), not a second line of its own.
            log.Set("TicketNumber", view.Number);
            if (result.Replayed)
            {
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Ok(view);
            }
            return TypedResults.Created($"/api/tickets/{view.Number}", view);
        })
        .WithSummary("Register a ticket (登记工单)")
        .WithDescription("Send an Idempotency-Key header so a retry returns the same ticket instead of a second one. " +
            "With intakeAnswer the agent answers at once (一次办结): the ticket is registered and resolved in one step and never dispatched. " +
            "intakeArticleId (and intakeArticleVersion) name the knowledge-base article the answer came from; it must be in force.");

        group.MapGet("/", async ([AsParameters] TicketFilter filter, HttpContext http, TicketSearch search, CancellationToken ct) =>
            TypedResults.Ok(await search.SearchAsync(filter, http.User.ToActor(), ct)))
            .WithSummary("Search tickets (工单查询) with filters and keyset pagination")
            .WithDescription("Filters: number (whole or its start), phone, name (whole or its start), creditCode, q (title and description), " +
                "status, type, category (a parent includes its children), department, district, channel, from/to (local days), overdue, " +
                "rating (a level, satisfied, unsatisfied or unrated), list (dispatch, supervision, leader, department, replied, came-back, registered). " +
                "sort: newest (default) or oldest. A confidential requester never matches phone, name or credit code for roles that see them masked.");

        group.MapGet("/export", async Task<IResult> ([AsParameters] TicketFilter filter, ExportFormat? format, HttpContext http, TicketSearch search,
            ReferenceData reference, IStringLocalizer<Messages> text, CityClock clock, CancellationToken ct) =>
        {
            var rows = await search.StreamAsync(filter, http.User.ToActor(), ct); // a bad filter is a 400 before the download starts
            return TableExport.Result(format ?? ExportFormat.Xlsx, TicketExport.FileName(text, clock.Today),
                ExportSheet.Of(text["Search.Title"], TicketExport.Columns(text, reference), rows));
        })
        .Produces<Stream>(StatusCodes.Status200OK, TableExport.XlsxContentType, TableExport.CsvContentType)
        .ProducesValidationProblem()
        .WithSummary("Export a search's tickets (导出) as .xlsx (format=Xlsx, default) or CSV (format=Csv), streamed")
        .WithDescription("The same filters as GET /api/tickets (cursor and limit ignored): every matching ticket the caller may see, in the search's order.");

        group.MapGet("/{number}", async (string number, HttpContext http, TicketService tickets, CancellationToken ct) =>
        {
            var actor = http.User.ToActor();
            var view = tickets.View(await tickets.FindAsync(number, actor, ct), actor);
            http.Response.Headers.ETag = ETag(view.Version);
            return TypedResults.Ok(view);
        }).WithSummary("One ticket");

        group.MapGet("/{number}/events", async (string number, HttpContext http, TicketService tickets, CancellationToken ct) =>
            TypedResults.Ok(await tickets.HistoryAsync(number, http.User.ToActor(), ct)))
            .WithSummary("The ticket's full history (流转记录), oldest first");

        foreach (var transition in TicketActions.OnActionsRoute)
            MapActionMethod.MakeGenericMethod(transition.ChangeType).Invoke(null, [group, transition]);

        // Any other name: 404 with the names this route knows.
        group.MapPost("/{number}/actions/{action}", IResult (string action) => throw new Problems.UnknownActionException(action))
            .ExcludeFromDescription();

        group.MapPost("/{number}/attachments", async (string number, IFormFile? file, HttpContext http, AttachmentStore store, CancellationToken ct) =>
        {
            var view = await store.AddAsync(number, file, http.User.ToActor(), ct);
            return TypedResults.Created($"/api/tickets/{number}/attachments/{view.Id}", view);
        })
        .DisableAntiforgery() // API-key and same-site cookie callers; the console posts with its own token
        .WithMetadata(new RequestSizeLimitAttribute(maxAttachmentBytes + 64 * 1024))
        .WithSummary("Attach a file (multipart field 'file')");

        group.MapGet("/{number}/attachments", async (string number, HttpContext http, AttachmentStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync(number, http.User.ToActor(), ct)));

        group.MapGet("/{number}/attachments/{id:long}", async Task<Results<PhysicalFileHttpResult, NotFound>> (
            string number, long id, bool? inline, HttpContext http, AttachmentStore store, CancellationToken ct) =>
        {
            var found = await store.OpenAsync(number, id, http.User.ToActor(), ct);
            if (found is not { } f || !File.Exists(f.Path))
                return TypedResults.NotFound();
            if (inline == true && AttachmentStore.Previewable(f.Row.ContentType))
            {
                // Shown in place (the console's preview); only images and PDF, never a type a browser would run.
                var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("inline");
                disposition.SetHttpFileName(f.Row.FileName);
                http.Response.Headers.ContentDisposition = disposition.ToString();
                return TypedResults.PhysicalFile(f.Path, f.Row.ContentType);
            }
            return TypedResults.PhysicalFile(f.Path, f.Row.ContentType, f.Row.FileName);
        })
        .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
        .WithSummary("Download an attachment (its stored content type and file name); inline=true shows an image or PDF in place");

        group.MapDuplicateHints();

        var saved = routes.MapGroup("/api/saved-searches").WithTags("Tickets").RequireAuthorization(Policies.Staff);
        saved.MapGet("/", async (HttpContext http, SavedSearches searches, CancellationToken ct) =>
            TypedResults.Ok(await searches.ListAsync(http.User.ToActor(), ct)))
            .WithSummary("The caller's saved searches (常用查询)");
        saved.MapPost("/", async (SaveSearchRequest body, HttpContext http, SavedSearches searches, CancellationToken ct) =>
            TypedResults.Ok(await searches.SaveAsync(body, http.User.ToActor(), ct)))
            .ProducesValidationProblem()
            .WithSummary("Save a search under a name (the query string of GET /api/tickets); the caller's search of that name is replaced");
        saved.MapDelete("/{id:long}", async Task<Results<NoContent, NotFound>> (long id, HttpContext http, SavedSearches searches, CancellationToken ct) =>
            await searches.DeleteAsync(id, http.User.ToActor(), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete one of the caller's saved searches");
        return group;
    }

    private static readonly System.Reflection.MethodInfo MapActionMethod =
        typeof(TicketsApi).GetMethod(nameof(MapAction), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    /// <summary>
    /// One operation per action (<c>POST /api/tickets/{number}/actions/dispatch</c>, …), each with its own typed body, so
    /// the OpenAPI document describes every action's fields. Binding and delegation only: <see cref="TicketActions"/> decides.
    /// </summary>
    private static void MapAction<TChange>(RouteGroupBuilder group, Domain.Tickets.TicketTransition transition) where TChange : Domain.Tickets.TicketChange
    {
        group.MapPost($"/{{number}}/actions/{transition.RouteName}", async Task<Ok<TicketView>> (string number, ActionBody<TChange> body, HttpContext http,
            TicketActions actions, CancellationToken ct) =>
        {
            using var _ = LogContext.PushProperty("TicketNumber", number);
            var view = await actions.ActAsync(number, body.Change, body.ExpectedVersion, http.User.ToActor(), ct);
            http.Response.Headers.ETag = ETag(view.Version);
            return TypedResults.Ok(view);
        })
        .WithName($"action-{transition.RouteName}")
        .WithSummary($"{transition.Action} ({transition.RouteName}): " + string.Join(", ", transition.Roles.Order(StringComparer.Ordinal)))
        .WithDescription("The body is the action's fields plus expectedVersion (the version you read). A stale version gets 409 with currentVersion; " +
            "an action the ticket's state does not allow gets 409 with allowedActions.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static string ETag(int version) => $"\"{version}\"";
}
