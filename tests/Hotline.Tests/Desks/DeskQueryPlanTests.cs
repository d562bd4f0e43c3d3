using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Queues;
using Hotline.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Tests.Desks;

/// <summary>
/// The desks' statements that were slow at 1M tickets are index ranges: SQLite's plans (EXPLAIN QUERY PLAN on a migrated
/// file, no statistics) for the SQL EF generates, as docs/benchmarks.md "desks: notes" describes them.
/// </summary>
public sealed class DeskQueryPlanTests : MigratedSqliteFile
{
    private static readonly Actor Scjg = new("plan-scjg", "测试承办人", Roles.DepartmentHandler, "scjg");

    [Fact]
    public async Task A_departments_inbox_is_two_index_ranges_its_own_tickets_and_its_co_handled_ones()
    {
        await using var db = Context();
        var inbox = WorkQueues.Department.Of(db.Tickets.AsNoTracking(), Scjg).ByHandlingDeadline(db).Take(200);

        var plan = await QueryPlans.ExplainAsync(db, inbox);

        Assert.Contains(plan, line => line.Contains("MULTI-INDEX OR", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("SEARCH t USING INDEX IX_tickets_AssignedDepartmentCode_Status (AssignedDepartmentCode=? AND Status=?)", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("SEARCH t USING INDEX IX_tickets_CoHandled (Status=?)", StringComparison.Ordinal));
        // Before: SEARCH t USING INDEX IX_tickets_Status_Id (Status=?), every open ticket of the city tested against the list.
        Assert.DoesNotContain(plan, line => line.Contains("IX_tickets_Status_Id", StringComparison.Ordinal) || line.Trim() == "SCAN t");
    }

    [Fact]
    public async Task The_duplicate_hints_candidates_of_a_category_family_are_a_range_of_the_last_30_days()
    {
        await using var db = Context();
        List<string> family = ["urban-management", "um-street-vending", "um-garbage"];
        var since = HotlineFactory.Start.AddDays(-30);
        var candidates = db.Tickets.AsNoTracking().Where(t => t.RegisteredAt >= since && family.Contains(t.CategoryCode))
            .OrderByDescending(t => t.Id).Take(2001).Select(t => new { t.Id, t.Number, t.Title, t.Description });

        var plan = await QueryPlans.ExplainAsync(db, candidates);

        // Before: SEARCH t USING INDEX IX_tickets_CategoryCode_Id (CategoryCode=?), every ticket of the family since the start.
        Assert.Contains(plan, line => line.Contains("IX_tickets_CategoryCode_RegisteredAt (CategoryCode=? AND RegisteredAt>?)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_clocks_of_a_desks_rows_are_read_by_ticket_not_by_every_running_clock()
    {
        await using var db = Context();
        List<long> ids = [1, 2, 3];
        SlaClockKind[] kinds = [SlaClockKind.SignFor, SlaClockKind.Handling];
        var clocks = db.SlaClocks.AsNoTracking().Where(c => ids.Contains(c.TicketId) && kinds.Contains(c.Kind))
            .Select(c => new { c.TicketId, c.Kind, c.DueAt, c.Stage, c.PausedAt, c.StoppedAt, c.Problem });

        var plan = await QueryPlans.ExplainAsync(db, clocks);

        // Before (StoppedAt IS NULL in the query): SEARCH s USING INDEX IX_sla_clocks_StoppedAt_PausedAt_DueAt (StoppedAt=?).
        Assert.Contains(plan, line => line.Contains("USING INDEX IX_sla_clocks_TicketId_Kind (TicketId=?", StringComparison.Ordinal));
    }
}
