using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Hotline.Server.Security;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Ratings;

/// <summary>A rating as the API shows it.</summary>
public sealed record RatingView(
    string Number, int Round, RatingLevel Level, string LevelName, bool Resolved, string? Comment, RatingChannel Channel,
    string? DepartmentCode, string? DepartmentName, DateTimeOffset RatedAt, string RatedBy,
    AppealState? Appeal, string? AppealReason, string? AppealDecisionComment, bool CountsInScore);

/// <summary>The rating of a ticket's current round (null until rated), its latest rating of any round, and whether it can be rated now.</summary>
public sealed record TicketRatingView(string Number, int Round, bool CanRate, RatingView? Rating, RatingView? Latest, string? ProposedDepartmentCode);

/// <summary>The body of <c>POST /api/tickets/{number}/rating</c>.</summary>
public sealed record RateRequest(RatingLevel? Level, bool? Resolved, string? Comment, RatingChannel? Channel);

public sealed record ScaleLevel(RatingLevel Level, string Name);

public sealed record ScaleView(RatingScale Scale, IReadOnlyList<ScaleLevel> Levels, int MaxRectificationRounds);

/// <summary>A revisit call to make (回访任务): the ticket, who to call, until when, and the script to read.</summary>
public sealed record RevisitTask(
    string Number, TicketType Type, TicketStatus Status, string Title, string RequesterName, string RequesterPhone, string? DepartmentName,
    string? Reply, DateTimeOffset? RepliedAt, DateTimeOffset DueAt, bool Overdue, string Script, int Version);

/// <summary>
/// 好差评, 申诉 and 回访 over HTTP: rating through the API, a ticket's ratings, pending appeals, the revisit tasks with
/// their scripts, and scores per department. Appeals, their decisions and revisit outcomes are lifecycle actions
/// (<c>appeal-rating</c>, <c>decide-appeal</c>, <c>record-revisit</c>) on the ticket actions route.
/// </summary>
public static class RatingsApi
{
    /// <summary>The rate limit of the public pages (per client IP address).</summary>
    public const string PublicPolicy = "requester-pages";

    private static readonly string[] RatingRoles = [Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin];
    private static readonly string[] RevisitRoles = [Roles.Agent, Roles.Supervisor, Roles.Admin];

    public static IServiceCollection AddRatings(this IServiceCollection services)
    {
        services.AddOptions<RatingOptions>().BindConfiguration(RatingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<RatingFlow>();
        services.AddScoped<RatingScores>();
        services.AddScoped<RequesterMessages>();
        services.AddScoped<RequesterPages>();
        services.AddSingleton<RevisitScripts>();
        services.AddRateLimiter(o => o.AddPerMinutePolicy(PublicPolicy,
            http => http.RequestServices.GetRequiredService<IOptions<RatingOptions>>().Value.PublicRequestsPerMinute));
        return services;
    }

    public static void MapRatings(this IEndpointRouteBuilder routes)
    {
        var tickets = routes.MapGroup("/api/tickets/{number}").WithTags("Ratings").RequireAuthorization(Policies.Staff);

        tickets.MapGet("/rating", async (string number, HttpContext http, TicketService service, HotlineDbContext db, ReferenceData reference, CancellationToken ct) =>
        {
            var actor = http.User.ToActor();
            var ticket = await service.FindAsync(number, actor, ct);
            var rows = await db.Ratings.AsNoTracking().Where(r => r.TicketId == ticket.Id).OrderByDescending(r => r.Round).ToListAsync(ct);
            var current = rows.FirstOrDefault(r => r.Round == ticket.ReopenCount);
            return TypedResults.Ok(new TicketRatingView(ticket.Number, ticket.ReopenCount,
                current is null && TicketWorkflow.For(TicketAction.Rate).From.Contains(ticket.Status),
                current is null ? null : View(current, reference), rows.Count == 0 ? null : View(rows[0], reference),
                // 整改: the department that answered before is proposed again; the dispatcher may choose another.
                ticket.Status == TicketStatus.Reopened ? ticket.AssignedDepartmentCode : null));
        }).WithSummary("The rating of the ticket's current round (好差评), its latest rating, and whether it can be rated now");

        tickets.MapGet("/ratings", async (string number, HttpContext http, TicketService service, HotlineDbContext db, ReferenceData reference, CancellationToken ct) =>
        {
            var ticket = await service.FindAsync(number, http.User.ToActor(), ct);
            var rows = await db.Ratings.AsNoTracking().Where(r => r.TicketId == ticket.Id).OrderBy(r => r.Round).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(r => View(r, reference)));
        }).WithSummary("Every rating of the ticket, one per round, oldest first, with appeals");

        tickets.MapPost("/rating", async Task<Results<Created<RatingView>, ProblemHttpResult>> (string number, RateRequest body, HttpContext http,
            TicketService service, TicketActions actions, HotlineDbContext db, ReferenceData reference, IStringLocalizer<Messages> text, CancellationToken ct) =>
        {
            var actor = http.User.ToActor();
            try
            {
                var ticket = await actions.ActOnLatestAsync(number, new Rated(body.Level, body.Resolved, body.Comment?.Trim(), body.Channel ?? RatingChannel.Api), actor, ct);
                var row = await db.Ratings.AsNoTracking().Where(r => r.TicketId == ticket.Id).OrderByDescending(r => r.Round).FirstAsync(ct);
                return TypedResults.Created($"/api/tickets/{number}/rating", View(row, reference));
            }
            catch (Exception ex) when (ex is GuardConflictException { Code: TicketGuards.AlreadyRated } or ConcurrencyConflictException)
            {
                // One rating per round: answer with the one on record (a lost race finds it too).
                actions.Reset();
                var ticket = await service.FindAsync(number, actor, ct);
                var existing = await db.Ratings.AsNoTracking().FirstOrDefaultAsync(r => r.TicketId == ticket.Id && r.Round == ticket.ReopenCount, ct);
                if (existing is null)
                    throw;
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: text["Title.RuleRefused"],
                    detail: text["Error.AlreadyRated", existing.Round], extensions: new Dictionary<string, object?>
                    {
                        ["code"] = TicketGuards.AlreadyRated,
                        ["rating"] = View(existing, reference),
                    });
            }
        })
        .RequireAuthorization(p => p.RequireRole(RatingRoles))
        .WithSummary("Record the requester's rating (评价) for the ticket's current round")
        .WithDescription("level on the configured scale (Ratings:Scale), resolved (yes/no), comment; channel Phone or Api (default). " +
            "An unsatisfied rating reopens the ticket for rectification (整改) in the same transaction. A second rating of the same round gets 409 with the rating on record.");

        var ratings = routes.MapGroup("/api/ratings").WithTags("Ratings");

        ratings.MapGet("/scale", (IOptions<RatingOptions> options) =>
        {
            var o = options.Value;
            return TypedResults.Ok(new ScaleView(o.Scale, RatingRules.Levels(o.Scale).Select(l => new ScaleLevel(l, RatingRules.Label(l))).ToList(), o.MaxRectificationRounds));
        }).RequireAuthorization(Policies.Staff).WithSummary("The configured rating scale and its levels");

        ratings.MapGet("/summary", async (string? from, string? to, string? department, RatingScores scores, CancellationToken ct) =>
        {
            var errors = new List<FieldError>();
            var (start, end) = (QueryDays.Parse(from, "from", errors), QueryDays.Parse(to, "to", errors));
            if (errors.Count > 0)
                throw new RequestValidationException(errors);
            return TypedResults.Ok(await scores.SummaryAsync(start, end, department, ct));
        })
            .RequireAuthorization(p => p.RequireRole(Roles.Supervisor, Roles.Leader, Roles.Admin))
            .WithSummary("Satisfaction per department and period (满意率); ratings with an upheld appeal are not counted")
            .WithDescription("from and to are local days (yyyy-MM-dd, both included) of the rating; department narrows to one department.");

        ratings.MapGet("/appeals", async (HotlineDbContext db, ReferenceData reference, CancellationToken ct) =>
        {
            var rows = await db.Ratings.AsNoTracking().Where(r => r.Appeal == AppealState.Pending).OrderBy(r => r.Id).Take(200).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(r => View(r, reference)));
        })
        .RequireAuthorization(p => p.RequireRole(Roles.Supervisor, Roles.Admin))
        .WithSummary("Appeals (申诉) waiting for a decision, oldest first");

        ratings.MapGet("/revisits", async (HttpContext http, HotlineDbContext db, ReferenceData reference, RevisitScripts scripts, TimeProvider time, CancellationToken ct) =>
        {
            var actor = http.User.ToActor();
            var now = time.GetUtcNow();
            // Requesters without an email get no rating link: the centre calls them. Those with one are called too once
            // their revisit clock has run out without a rating. (Stages are stored as text: compare by name, not order.)
            var due = db.SlaClocks.Where(c => c.Kind == Domain.Sla.SlaClockKind.Revisit && c.StoppedAt == null);
            var rows = await db.Tickets.AsNoTracking()
                .Join(due, t => t.Id, c => c.TicketId, (t, c) => new { t, c.DueAt, c.Stage })
                .Where(x => x.t.RequesterEmail == null || x.t.RequesterEmail == "" || x.Stage == Domain.Sla.SlaStage.Breached || x.Stage == Domain.Sla.SlaStage.Escalated)
                .OrderBy(x => x.DueAt).Take(200).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(x =>
            {
                var requester = x.t.Requester.ForViewer(actor.SeesConfidentialRequesters);
                var department = x.t.AssignedDepartmentCode is { } code ? reference.Departments.GetValueOrDefault(code)?.Name ?? code : null;
                return new RevisitTask(x.t.Number, x.t.Type, x.t.Status, x.t.Title, requester.Name, requester.Phone, department,
                    x.t.Resolution ?? x.t.IntakeAnswer, x.t.RepliedAt, x.DueAt, x.DueAt <= now, scripts.For(x.t, department, actor.Name), x.t.Version);
            }));
        })
        .RequireAuthorization(p => p.RequireRole(RevisitRoles))
        .WithSummary("Revisit calls to make (回访任务) with the call script, earliest deadline first")
        .WithDescription("Record the outcome with POST /api/tickets/{number}/actions/record-revisit {reached, level, resolved, notes, expectedVersion}.");
    }

    public static RatingView View(RatingRow r, ReferenceData reference) => new(
        r.TicketNumber, r.Round, r.Level, RatingRules.Label(r.Level), r.Resolved, r.Comment, r.Channel, r.DepartmentCode,
        r.DepartmentCode is null ? null : reference.Departments.GetValueOrDefault(r.DepartmentCode)?.Name ?? r.DepartmentCode,
        r.RatedAt, r.RatedBy, r.Appeal, r.AppealReason, r.AppealDecisionComment, r.CountsInScore);
}
