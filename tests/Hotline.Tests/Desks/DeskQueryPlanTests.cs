using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Queues;
using Hotline.Server.Tickets;
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

    private static readonly Actor Supervisor = new("plan-supervisor", "测试督办员", Roles.Supervisor, null);

    [Fact]
    public async Task A_page_of_a_departments_inbox_is_ranges_of_indexes_in_the_inbox_order_never_a_sort()
    {
        await using var db = Context();
        var ranges = WorkQueueOrder.DepartmentRanges(db.Tickets.AsNoTracking(), Scjg, 200).ToList();

        // Its own tickets and its co-handled ones, each state of the inbox, with and without a handling deadline.
        Assert.Equal(2 * TicketStates.WithDepartment.Length * 2, ranges.Count);
        foreach (var range in ranges)
        {
            var plan = await QueryPlans.ExplainAsync(db, range);
            var text = string.Join(" | ", plan);
            Assert.True(plan.Any(line => line.StartsWith("SEARCH t USING ", StringComparison.Ordinal) && (
                line.Contains("INDEX IX_tickets_AssignedDepartmentCode_Status_HandlingDueAt_Id (AssignedDepartmentCode=? AND Status=? AND HandlingDueAt", StringComparison.Ordinal)
                || line.Contains("INDEX IX_tickets_CoHandled (Status=? AND HandlingDueAt", StringComparison.Ordinal))), text);
            // Before: the department's open tickets joined with their clocks and sorted (USE TEMP B-TREE FOR ORDER BY).
            Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE", StringComparison.Ordinal) || line.StartsWith("SCAN t", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_open_orders_are_ranges_of_their_partial_indexes()
    {
        await using var db = Context();
        var departments = TicketService.VisibleTo(db.Tickets.AsNoTracking(), Scjg, WorkQueues.OpenOrders).OrderBy(t => t.Id).Take(200);
        var city = TicketService.VisibleTo(db.Tickets.AsNoTracking(), Supervisor, WorkQueues.OpenOrders).OrderBy(t => t.Id).Take(200);

        var department = await QueryPlans.ExplainAsync(db, departments);
        var all = await QueryPlans.ExplainAsync(db, city);

        // Before: SEARCH t USING INDEX IX_tickets_Status_Id (Status=?) for the city, every open ticket's list of orders tested.
        Assert.Contains(department, line => line.Contains("IX_tickets_AwaitsOrderAnswer_Department (AssignedDepartmentCode=? AND Status=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(department, line => line.Contains("IX_tickets_Status_Id", StringComparison.Ordinal) || line.Trim() == "SCAN t");
        Assert.True(department.Any(line => line.Contains("SEARCH t USING INDEX IX_tickets_AwaitsOrderAnswer (Status=?)", StringComparison.Ordinal)
            || line.Contains("SEARCH t USING INDEX IX_tickets_CoHandled (Status=?)", StringComparison.Ordinal)), string.Join(" | ", department)); // its co-handled ones
        // The city's: the few tickets with orders to answer, sorted (a bare flag let SQLite walk the table by Id).
        Assert.Contains(all, line => line.Contains("SEARCH t USING INDEX IX_tickets_AwaitsOrderAnswer (Status=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(all, line => line.Contains("IX_tickets_Status_Id", StringComparison.Ordinal) || line.Trim() == "SCAN t");
    }

    [Fact]
    public async Task The_group_alerts_read_the_mentions_of_the_last_hours_from_one_covering_index()
    {
        await using var db = Context();
        var since = HotlineFactory.Start.AddHours(-12);
        var mentions = db.Set<Hotline.Server.Analytics.TicketWord>().AsNoTracking().Where(w => w.RegisteredAt >= since && w.DistrictCode != "")
            .Select(w => new { w.TicketId, w.Word, w.DistrictCode, w.RegisteredAt });

        var plan = await QueryPlans.ExplainAsync(db, mentions);

        // Before: SEARCH t USING INDEX IX_ticket_words_RegisteredAt (RegisteredAt>?), a table row read per mention.
        Assert.Contains(plan, line => line.Contains("SEARCH t USING COVERING INDEX IX_ticket_words_RegisteredAt_DistrictCode_Word_TicketId (RegisteredAt>?)", StringComparison.Ordinal));
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
