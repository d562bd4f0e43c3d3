using System.Text.Json;
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

        group.MapPost("/{number}/actions/{action}", async (string number, string action, JsonElement body, HttpContext http,
            TicketService tickets, CancellationToken ct) =>
        {
            var actor = http.User.ToActor();
            using var _ = LogContext.PushProperty("TicketNumber", number);
            var ticket = await tickets.ActAsync(number, action, body, actor, ct);
            var view = tickets.View(ticket, actor);
            http.Response.Headers.ETag = ETag(view.Version);
            return TypedResults.Ok(view);
        })
        .WithSummary("Take a lifecycle action: " + string.Join(", ", Domain.Tickets.TicketWorkflow.Transitions
            .Where(t => !Domain.Tickets.TicketWorkflow.IsSystemOnly(t.Action) && !Domain.Tickets.TicketWorkflow.HasOwnEndpoint(t.Action)).Select(t => t.RouteName)))
        .WithDescription("The body is the action's fields plus expectedVersion (the version you read). A stale version gets 409 with currentVersion.");

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
        });

        group.MapDuplicateHints();
        return group;
    }

    private static string ETag(int version) => $"\"{version}\"";
}
