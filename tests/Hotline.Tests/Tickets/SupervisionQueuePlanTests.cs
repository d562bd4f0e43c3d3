using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Queues;
using Hotline.Server.Tickets;
using Hotline.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Tests.Tickets;

/// <summary>
/// The supervision queue is a range of its partial index, never a walk through every ticket: SQLite's plan for the SQL EF
/// generates (EXPLAIN QUERY PLAN on a migrated file) reads <c>IX_tickets_InSupervisionQueue</c>. Before the stored flag the
/// queue's filter tested the JSON list of open orders on every row (<c>SCAN t</c>), about 1.5 s at 1M tickets.
/// </summary>
public sealed class SupervisionQueuePlanTests : MigratedSqliteFile
{
    private const string Index = "IX_tickets_InSupervisionQueue";
    private static readonly Actor Supervisor = new("s1", "陈静", Roles.Supervisor, null);

    private static Task<string[]> PlanAsync(HotlineDbContext db, IQueryable<Ticket> query) => QueryPlans.ExplainAsync(db, query);

    private static void AssertReadsTheQueuesIndexOnly(string[] plan)
    {
        Assert.Contains(plan, line => line.Contains($"USING INDEX {Index}", StringComparison.Ordinal)
            || line.Contains($"USING COVERING INDEX {Index}", StringComparison.Ordinal));
        // No walk through the tickets table, and no sort of what was read: the index is already in Id order.
        Assert.DoesNotContain(plan, line => line.Trim() == "SCAN t" || line.Contains("USE TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_supervision_queue_oldest_first_reads_the_queues_partial_index()
    {
        await using var db = Context();
        var queue = WorkQueues.Supervision.Of(db.Tickets.AsNoTracking(), Supervisor).OrderBy(t => t.Id).Take(200);

        AssertReadsTheQueuesIndexOnly(await PlanAsync(db, queue));
    }

    [Fact]
    public async Task The_search_list_newest_first_reads_the_queues_partial_index()
    {
        await using var db = Context();
        var list = db.Tickets.AsNoTracking().Where(TicketLists.For(TicketLists.Supervision, Supervisor)!).OrderByDescending(t => t.Id).Take(21);

        AssertReadsTheQueuesIndexOnly(await PlanAsync(db, list));
    }
}
