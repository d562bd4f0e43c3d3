using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Tickets;

/// <summary>
/// The work waiting for each role, oldest first (up to 200): the dispatch queue (待派单), the supervisor's queue of
/// supervision orders, pending extensions and reopened tickets (督办), and the leaders' queue (领导督办).
/// </summary>
public static class WorkQueuesApi
{
    private const int Max = 200;

    public static void MapWorkQueues(this IEndpointRouteBuilder routes)
    {
        var queues = routes.MapGroup("/api/queues").WithTags("Work queues");

        queues.MapGet("/dispatch", (HttpContext http, HotlineDbContext db, CancellationToken ct) =>
            Queue(db.Tickets.Where(t => t.Status == TicketStatus.Registered || t.Status == TicketStatus.Returned || t.Status == TicketStatus.Reopened), http, ct))
            .RequireAuthorization(p => p.RequireRole(Roles.Dispatcher, Roles.Supervisor, Roles.Admin))
            .WithSummary("Tickets waiting to be dispatched: new, returned (退单) and reopened (重办)");

        queues.MapGet("/supervision", (HttpContext http, HotlineDbContext db, CancellationToken ct) =>
            Queue(db.Tickets.Where(t => t.OpenSupervisionOrders.Count > 0 || t.PendingExtensionDeadline != null || t.Status == TicketStatus.Reopened), http, ct))
            .RequireAuthorization(p => p.RequireRole(Roles.Dispatcher, Roles.Supervisor, Roles.Leader, Roles.Admin))
            .WithSummary("Open supervision orders, extension requests to decide, and reopened tickets under rectification");

        queues.MapGet("/leader", (HttpContext http, HotlineDbContext db, CancellationToken ct) =>
            Queue(db.Tickets.Where(t => t.InLeaderQueue), http, ct))
            .RequireAuthorization(p => p.RequireRole(Roles.Leader, Roles.Supervisor, Roles.Admin))
            .WithSummary("Difficult, long-standing tickets escalated for a leader's instructions");

        queues.MapGet("/revisit", async (HttpContext http, HotlineDbContext db, CancellationToken ct) =>
        {
            // 回访提醒: answered tickets whose return visit is still to be made, the most urgent first.
            var due = db.SlaClocks.Where(c => c.Kind == Domain.Sla.SlaClockKind.Revisit && c.StoppedAt == null);
            var tickets = db.Tickets.Join(due, t => t.Id, c => c.TicketId, (t, c) => new { t, c.DueAt }).OrderBy(x => x.DueAt).Select(x => x.t).Take(Max);
            var rows = await TicketSearch.SummariesAsync(tickets.AsNoTracking(), http.User.ToActor(), ct);
            return TypedResults.Ok(rows.Select(r => r.Summary));
        })
            .RequireAuthorization(p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin))
            .WithSummary("Return visits to make (回访): replied or answered-at-intake tickets whose revisit clock runs, earliest deadline first");

        queues.MapGet("/department", (HttpContext http, HotlineDbContext db, CancellationToken ct) =>
            Inbox(TicketService.VisibleTo(db.Tickets, http.User.ToActor())
                .Where(t => t.Status == TicketStatus.Dispatched || t.Status == TicketStatus.SignedFor), db, http, ct))
            .RequireAuthorization(p => p.RequireRole(Roles.DepartmentHandler))
            .WithSummary("The handler's department inbox: dispatched and signed-for tickets, main or co-handling, by handling deadline");
    }

    /// <summary>A department's inbox sorted by its handling deadline (tickets without one last).</summary>
    private static async Task<IResult> Inbox(IQueryable<Ticket> tickets, HotlineDbContext db, HttpContext http, CancellationToken ct)
    {
        var handling = db.SlaClocks.Where(c => c.Kind == Domain.Sla.SlaClockKind.Handling && c.StoppedAt == null);
        var ordered = tickets.GroupJoin(handling, t => t.Id, c => c.TicketId, (t, cs) => new { t, cs })
            .SelectMany(x => x.cs.DefaultIfEmpty(), (x, c) => new { x.t, Due = c == null ? (DateTimeOffset?)null : c.DueAt })
            .OrderBy(x => x.Due == null).ThenBy(x => x.Due).ThenBy(x => x.t.Id).Select(x => x.t).Take(Max);
        var rows = await TicketSearch.SummariesAsync(ordered.AsNoTracking(), http.User.ToActor(), ct);
        return TypedResults.Ok(rows.Select(r => r.Summary));
    }

    private static async Task<IResult> Queue(IQueryable<Ticket> tickets, HttpContext http, CancellationToken ct)
    {
        var rows = await TicketSearch.SummariesAsync(tickets.AsNoTracking().OrderBy(t => t.Id).Take(Max), http.User.ToActor(), ct);
        return TypedResults.Ok(rows.Select(r => r.Summary));
    }
}
