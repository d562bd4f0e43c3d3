using Hotline.Server.Access;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Queues;

/// <summary>
/// The work waiting for each role (up to 200), as <see cref="WorkQueues"/> defines it: the dispatch queue (待派单), the
/// supervisor's queue (督办), the leaders' queue (领导督办), return visits (回访) and a department's inbox.
/// </summary>
public static class WorkQueuesApi
{
    private const int Max = 200;

    public static void MapWorkQueues(this IEndpointRouteBuilder routes)
    {
        var queues = routes.MapGroup("/api/queues").WithTags("Work queues");

        Map(queues, WorkQueues.Dispatch, (t, _) => t.OrderBy(x => x.Id),
            "Tickets waiting to be dispatched: new, returned (退单) and reopened (重办), oldest first");
        Map(queues, WorkQueues.Supervision, (t, _) => t.OrderBy(x => x.Id),
            "Open supervision orders, extension requests to decide, and reopened tickets under rectification, oldest first");
        Map(queues, WorkQueues.Leader, (t, _) => t.OrderBy(x => x.Id),
            "Difficult, long-standing tickets escalated for a leader's instructions, oldest first");
        Map(queues, WorkQueues.Revisit, (t, db) => t.ByRevisitDeadline(db),
            "Return visits to make (回访): replied or answered-at-intake tickets whose revisit clock runs, earliest deadline first");
        Map(queues, WorkQueues.Department, (db, actor, ct) =>
                WorkQueueOrder.DepartmentPageAsync(db.Tickets.AsNoTracking(), actor, Max, page => TicketSearch.SummariesAsync(page, actor, ct), r => r.Id, ct),
            "The handler's department inbox: dispatched and signed-for tickets, main or co-handling, by handling deadline");
    }

    private delegate Task<List<(long Id, TicketSummary Summary)>> Read(HotlineDbContext db, Actor actor, CancellationToken ct);

    /// <summary>A queue read in one ordered statement of its tickets (<see cref="QueueDefinition.Of"/>), the first <see cref="Max"/>.</summary>
    private static void Map(RouteGroupBuilder group, QueueDefinition queue, Func<IQueryable<Ticket>, HotlineDbContext, IQueryable<Ticket>> order, string summary) =>
        Map(group, queue, (db, actor, ct) => TicketSearch.SummariesAsync(order(queue.Of(db.Tickets.AsNoTracking(), actor), db).Take(Max), actor, ct), summary);

    private static void Map(RouteGroupBuilder group, QueueDefinition queue, Read read, string summary) =>
        group.MapGet($"/{queue.Name}", async Task<Ok<IEnumerable<TicketSummary>>> (HttpContext http, HotlineDbContext db, CancellationToken ct) =>
        {
            var rows = await read(db, http.User.ToActor(), ct);
            return TypedResults.Ok(rows.Select(r => r.Summary));
        })
        .RequireAuthorization(p => p.RequireRole(queue.Roles))
        .WithName($"queue-{queue.Name}")
        .WithSummary(summary);
}
