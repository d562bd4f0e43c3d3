using Hotline.Domain.Access;
using Hotline.Domain.Routing;
using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Routing;

public static class RoutingApi
{
    /// <summary>Who sees routing proposals: the people who register and dispatch, and those who oversee them.</summary>
    private static readonly string[] ProposalRoles = [Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Leader, Roles.Admin];

    public static IServiceCollection AddTicketRouting(this IServiceCollection services)
    {
        services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TicketRouting>();
        return services;
    }

    public static void MapTicketRouting(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/tickets/{number}/routing", async (string number, HttpContext http, TicketService tickets, TicketRouting routing, CancellationToken ct) =>
        {
            var ticket = await tickets.FindAsync(number, http.User.ToActor(), ct);
            return TypedResults.Ok(routing.ProposalsFor(ticket));
        })
        .WithTags("Routing").RequireAuthorization(p => p.RequireRole(ProposalRoles))
        .WithSummary("The departments proposed for a ticket (派单建议), best first, with the rule and score behind each");

        routes.MapPost("/api/routing/preview", (RegisterTicketRequest body, TicketRouting routing, ReferenceData reference) =>
        {
            var (draft, errors) = body.ToDraft();
            if (draft is not null)
                errors.AddRange(TicketDraftValidator.Validate(draft, reference));
            if (errors.Count > 0 || draft is null)
                throw new RequestValidationException(errors);
            return TypedResults.Ok(routing.Propose(draft).Select(p => routing.View(p, draft.Requester.Kind)));
        })
        .WithTags("Routing").RequireAuthorization(p => p.RequireRole(ProposalRoles))
        .WithSummary("Proposals for a ticket being registered, before it is saved");

        var rules = routes.MapGroup("/api/routing/rules").WithTags("Routing").RequireAuthorization(Policies.Admin);
        rules.MapGet("/", (TicketRouting routing) => TypedResults.Ok(routing.Rules));
        rules.MapPut("/{code}", async (string code, RoutingRule body, HotlineDbContext db, ReferenceData reference, Nodes.SharedCaches caches, CancellationToken ct) =>
        {
            var errors = body.Validate(reference).ToList();
            if (body.Code != code)
                errors.Add(new("code", "CodeMismatch"));
            if (errors.Count > 0)
                throw new RequestValidationException(errors);
            var row = await db.RoutingRules.FirstOrDefaultAsync(r => r.Code == code, ct);
            if (row is null)
                db.RoutingRules.Add(RoutingRuleRow.From(body));
            else
                row.CopyFrom(body);
            await db.SaveChangesAsync(ct);
            await caches.RefreshAsync(Nodes.SharedCache.Routing, ct);
            return TypedResults.Ok(body);
        }).WithSummary("Create or replace a routing rule");
        rules.MapDelete("/{code}", async Task<Results<NoContent, NotFound>> (string code, HotlineDbContext db, Nodes.SharedCaches caches, CancellationToken ct) =>
        {
            var deleted = await db.RoutingRules.Where(r => r.Code == code).ExecuteDeleteAsync(ct);
            await caches.RefreshAsync(Nodes.SharedCache.Routing, ct);
            return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
        }).WithSummary("Delete a routing rule (seeded rules come back at the next start unless disabled instead)");
    }
}
