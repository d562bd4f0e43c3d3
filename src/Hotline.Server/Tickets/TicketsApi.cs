using Hotline.Server.Access;
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
            HttpContext http, TicketIntake intake, TicketService tickets, CancellationToken ct) =>
        {
            var actor = http.User.ToActor();
            var (draft, errors) = body.ToDraft();
            if (draft is null)
                throw new Problems.RequestValidationException(errors);
            if (idempotencyKey is { Length: > 200 })
                throw new Problems.RequestValidationException([new(IdempotencyHeader, Domain.Tickets.ErrorCodes.TooLong, 200)]);
            var result = await intake.RegisterAsync(draft, actor, string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey, ct,
                string.IsNullOrWhiteSpace(body.IntakeAnswer) ? null : new Domain.Tickets.ResolvedAtIntake(body.IntakeAnswer.Trim()));
            var view = tickets.View(result.Ticket, actor);
            http.Response.Headers.ETag = ETag(view.Version);
            using (LogContext.PushProperty("TicketNumber", view.Number))
            {
                http.RequestServices.GetRequiredService<ILogger<TicketIntake>>()
                    .LogInformation("Ticket {TicketNumber} registered (replayed: {Replayed})", view.Number, result.Replayed);
            }
            if (result.Replayed)
            {
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Ok(view);
            }
            return TypedResults.Created($"/api/tickets/{view.Number}", view);
        })
        .WithSummary("Register a ticket (登记工单)")
        .WithDescription("Send an Idempotency-Key header so a retry returns the same ticket instead of a second one. " +
            "With intakeAnswer the agent answers at once (一次办结): the ticket is registered and resolved in one step and never dispatched.");

        group.MapGet("/", async ([AsParameters] TicketFilter filter, HttpContext http, TicketSearch search, CancellationToken ct) =>
            TypedResults.Ok(await search.SearchAsync(filter, http.User.ToActor(), ct)))
            .WithSummary("Search tickets with filters and keyset pagination");

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
            string number, long id, HttpContext http, AttachmentStore store, CancellationToken ct) =>
        {
            var found = await store.OpenAsync(number, id, http.User.ToActor(), ct);
            return found is { } f && File.Exists(f.Path)
                ? TypedResults.PhysicalFile(f.Path, f.Row.ContentType, f.Row.FileName)
                : TypedResults.NotFound();
        })
        .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
        .WithSummary("Download an attachment (its stored content type and file name)");

        group.MapDuplicateHints();
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
