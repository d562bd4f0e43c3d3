using System.Linq.Expressions;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Desks;
using Hotline.Server.Queues;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Desks;

/// <summary>
/// The department inbox's page and the open orders read stored keys (migration <c>DeskQueue</c>): the inbox's order is
/// <see cref="Ticket.HandlingDueAt"/> (the running handling clock's deadline, kept by the SLA clocks), the open orders
/// <see cref="Ticket.AwaitsOrderAnswer"/> (kept after every event). They give the same rows in the same order as the join
/// with the clocks and the test of the JSON list of orders they replace.
/// </summary>
public sealed class DeskQueueTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;
    private static readonly Actor Scjg = new("deskq-scjg", "测试承办人", Roles.DepartmentHandler, "scjg");
    private static readonly Actor Zjj = new("deskq-zjj", "测试承办人", Roles.DepartmentHandler, "zjj");
    private static readonly Actor Supervisor = new("deskq-supervisor", "测试督办员", Roles.Supervisor, null);

    /// <summary>The inbox as it was read before: the tickets joined with their running handling clock, sorted.</summary>
    private static IQueryable<Ticket> OldInbox(HotlineDbContext db, Actor actor)
    {
        var handling = db.SlaClocks.Where(c => c.Kind == SlaClockKind.Handling && c.StoppedAt == null);
        return WorkQueues.Department.Of(db.Tickets.AsNoTracking(), actor)
            .GroupJoin(handling, t => t.Id, c => c.TicketId, (t, cs) => new { t, cs })
            .SelectMany(x => x.cs.DefaultIfEmpty(), (x, c) => new { x.t, Due = c == null ? (DateTimeOffset?)null : c.DueAt })
            .OrderBy(x => x.Due == null).ThenBy(x => x.Due).ThenBy(x => x.t.Id).Select(x => x.t);
    }

    /// <summary>The open orders as they were tested before: the JSON list of orders, while the ticket is with a department.</summary>
    private static readonly Expression<Func<Ticket, bool>> OldOpenOrders =
        t => t.OpenSupervisionOrders.Count > 0 && TicketStates.WithDepartment.Contains(t.Status);

    private static JsonObject DispatchTo(string main, params string[] coHandlers) => new()
    {
        ["departmentCode"] = main,
        ["coHandlingDepartmentCodes"] = new JsonArray([.. coHandlers.Select(c => (JsonNode)JsonValue.Create(c))]),
    };

    private JsonObject Supervise(int days) => new() { ["instructions"] = "请加快办理。", ["dueAt"] = (Factory.Clock.GetUtcNow() + TimeSpan.FromDays(days)).ToString("O") };

    [Fact]
    public async Task The_inbox_page_is_the_old_join_and_sort_row_for_row_with_ties_co_handled_paused_and_clockless_tickets()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var scjg = await Factory.HandlerAsync("scjg");
        var zjj = await Factory.HandlerAsync("zjj");
        async Task<string> DispatchedAsync(string title, JsonObject dispatch)
        {
            var number = (await Api.RegisterAsync(agent, Api.Citizen(title: title))).Number();
            await Api.ActAsync(dispatcher, number, "dispatch", dispatch);
            return number;
        }

        // Ties: dispatched at the same instant, own and co-handled, in both states of the inbox.
        var tied = new List<string>();
        for (var i = 0; i < 3; i++)
            tied.Add(await DispatchedAsync($"队列：同一时限{i}", DispatchTo("scjg")));
        tied.Add(await DispatchedAsync("队列：同一时限，协办", DispatchTo("zjj", "scjg")));
        await Api.ActAsync(scjg, tied[1], "sign-for");
        await Api.ActAsync(zjj, tied[3], "sign-for");
        Factory.Clock.Advance(TimeSpan.FromHours(3));
        var later = await DispatchedAsync("队列：晚派", DispatchTo("scjg", "zjj"));
        var coLater = await DispatchedAsync("队列：晚派，协办", DispatchTo("cgj", "scjg"));
        // A paused clock keeps its deadline; an approved extension moves it.
        var paused = await DispatchedAsync("队列：等待补充材料", DispatchTo("scjg"));
        await Api.ActAsync(scjg, paused, "sign-for");
        await Api.ActAsync(scjg, paused, "await-requester", new JsonObject { ["reason"] = "请提供照片。" });
        var extended = await DispatchedAsync("队列：延期", DispatchTo("scjg"));
        await Api.ActAsync(scjg, extended, "sign-for");
        await Api.ActAsync(scjg, extended, "request-extension", new JsonObject { ["reason"] = "需第三方检测。", ["requestedDeadline"] = (Factory.Clock.GetUtcNow() + TimeSpan.FromDays(40)).ToString("O") });
        await Api.ActAsync(dispatcher, extended, "decide-extension", new JsonObject { ["approved"] = true });
        Factory.Clock.Advance(TimeSpan.FromHours(1));
        var replied = await DispatchedAsync("队列：已答复", DispatchTo("scjg"));
        await Api.ActAsync(scjg, replied, "sign-for");
        await Api.ActAsync(scjg, replied, "reply", Api.Reply());
        // Tickets without a running handling clock (stored before the SLA engine, say) come last, by Id.
        var clockless = new[] { await DispatchedAsync("队列：无时限1", DispatchTo("scjg")), await DispatchedAsync("队列：无时限2", DispatchTo("zjj", "scjg")) };
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            foreach (var ticket in await db.Tickets.Where(t => clockless.Contains(t.Number)).ToListAsync())
            {
                var clock = await db.SlaClocks.SingleAsync(c => c.TicketId == ticket.Id && c.Kind == SlaClockKind.Handling);
                db.SlaClocks.Remove(clock);
                ticket.KeepHandlingDeadline(null);
            }
            await db.SaveChangesAsync();
        }

        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            await AssertHandlingDeadlinesKeptAsync(db);
            foreach (var actor in new[] { Scjg, Zjj, Supervisor })
            {
                var old = await OldInbox(db, actor).Select(t => t.Id).ToListAsync();
                Assert.Equal(old, await WorkQueueOrder.DepartmentPageAsync(db.Tickets.AsNoTracking(), actor, 1000, CancellationToken.None));
                // Pages shorter than the queue merge the ranges at their edges the same way.
                foreach (var max in new[] { 1, 2, 3, 5, 8 })
                    Assert.Equal(old.Take(max), await WorkQueueOrder.DepartmentPageAsync(db.Tickets.AsNoTracking(), actor, max, CancellationToken.None));
            }
            var numbers = await db.Tickets.AsNoTracking().Where(t => t.AssignedDepartmentCode != null).ToDictionaryAsync(t => t.Id, t => t.Number);
            var scjgOrder = (await OldInbox(db, Scjg).Select(t => t.Id).ToListAsync()).Select(id => numbers[id]).ToList();
            string[] mine = [.. tied, later, coLater, paused, extended, replied, .. clockless];
            Assert.Equal(mine.Where(n => n != replied).Order(), scjgOrder.Where(mine.Contains).Order());
            Assert.Equal(clockless, scjgOrder.TakeLast(2));
            // The fixture has the ties it claims: tickets of both sides and states sharing one deadline.
            var dues = await db.Tickets.AsNoTracking().Where(t => tied.Contains(t.Number)).Select(t => t.HandlingDueAt).ToListAsync();
            Assert.True(dues.Distinct().Count() < dues.Count, "some of the tickets dispatched at one instant share their deadline");

            // The API and the desk give that order.
            var api = (await Api.GetAsync(scjg, "/api/queues/department")).EnumerateArray().Select(t => t.Number()).ToList();
            Assert.Equal(scjgOrder.Take(200), api);
            var desk = await Factory.Services.GetRequiredService<DeskQueries>().InboxAsync(Scjg, CancellationToken.None);
            Assert.Equal(api, desk.Select(r => r.Ticket.Number));
        }
    }

    [Fact]
    public async Task A_recompute_of_the_running_clocks_moves_the_inbox_order_with_them()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "队列：单位作息调整"))).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", DispatchTo("slj"));
        async Task<DateTimeOffset?> KeyAsync()
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            await AssertHandlingDeadlinesKeptAsync(db);
            return await db.Tickets.AsNoTracking().Where(t => t.Number == number).Select(t => t.HandlingDueAt).SingleAsync();
        }
        var before = await KeyAsync();

        var admin = await Factory.ClientAsync(Roles.Admin);
        using (var set = await admin.PutAsJsonAsync("/api/sla/departments/slj/working-hours", new JsonObject { ["workingHours"] = "08:00-12:00,14:00-18:00" }))
            await Api.ExpectAsync(set, HttpStatusCode.OK);

        var after = await KeyAsync();
        Assert.NotEqual(before, after);
        Assert.Equal(18, after!.Value.ToOffset(TimeSpan.FromHours(8)).Hour); // the end of its own working day
    }

    [Fact]
    public async Task The_open_orders_are_the_tickets_whose_orders_a_department_still_has_to_answer()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var supervisor = await Factory.SupervisorAsync();
        var scjg = await Factory.HandlerAsync("scjg");
        async Task<string> DispatchedAsync(string title, JsonObject dispatch)
        {
            var number = (await Api.RegisterAsync(agent, Api.Citizen(title: title))).Number();
            await Api.ActAsync(dispatcher, number, "dispatch", dispatch);
            return number;
        }

        var open = await DispatchedAsync("督办：待答复", DispatchTo("scjg"));
        await Api.ActAsync(supervisor, open, "supervise", Supervise(3));
        var coHandled = await DispatchedAsync("督办：协办件", DispatchTo("zjj", "scjg"));
        await Api.ActAsync(supervisor, coHandled, "supervise", Supervise(2));
        var answered = await DispatchedAsync("督办：已答复督办", DispatchTo("scjg"));
        await Api.ActAsync(supervisor, answered, "supervise", Supervise(3));
        await Api.ActAsync(scjg, answered, "sign-for");
        await Api.ActAsync(scjg, answered, "answer-supervision", new JsonObject { ["orderNumber"] = 1, ["answer"] = "已加快办理。" });
        var repliedWithOrder = await DispatchedAsync("督办：督办未答复即答复诉求", DispatchTo("scjg"));
        await Api.ActAsync(supervisor, repliedWithOrder, "supervise", Supervise(3));
        await Api.ActAsync(scjg, repliedWithOrder, "sign-for");
        await Api.ActAsync(scjg, repliedWithOrder, "reply", Api.Reply());
        var returned = await DispatchedAsync("督办：退回待派", DispatchTo("scjg"));
        await Api.ActAsync(supervisor, returned, "supervise", Supervise(3));
        await Api.ActAsync(scjg, returned, "return", Api.Return());

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var byOld = await db.Tickets.AsNoTracking().Where(OldOpenOrders).OrderBy(t => t.Id).Select(t => t.Number).ToListAsync();
        Assert.Equal(byOld, await db.Tickets.AsNoTracking().Where(WorkQueues.OpenOrders).OrderBy(t => t.Id).Select(t => t.Number).ToListAsync());
        Assert.Equal([open, coHandled], byOld.Where(n => n == open || n == coHandled || n == answered || n == repliedWithOrder || n == returned));
        var desks = Factory.Services.GetRequiredService<DeskQueries>();
        foreach (var actor in new[] { Scjg, Zjj, Supervisor })
        {
            var old = await TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor, OldOpenOrders).Select(t => t.Number).ToListAsync();
            var rows = await desks.OpenOrdersAsync(actor, CancellationToken.None);
            Assert.Equal(old.Order(), rows.Select(r => r.Ticket.Number).Distinct().Order());
        }
    }

    [Fact]
    public async Task The_migration_sets_the_keys_on_the_tickets_a_database_already_has()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var supervisor = await Factory.SupervisorAsync();
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "迁移：督办与时限"))).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", DispatchTo("zjj", "scjg"));
        await Api.ActAsync(supervisor, number, "supervise", Supervise(3));
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            // Back to the schema before the migration: no keys, the indexes of DeskQueries, the migration not applied.
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_tickets_AssignedDepartmentCode_Status_HandlingDueAt_Id\"");
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_tickets_CoHandled\"");
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_tickets_AwaitsOrderAnswer\"");
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_tickets_AwaitsOrderAnswer_Department\"");
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE tickets DROP COLUMN \"HandlingDueAt\"");
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE tickets DROP COLUMN \"AwaitsOrderAnswer\"");
            await db.Database.ExecuteSqlRawAsync("CREATE INDEX \"IX_tickets_AssignedDepartmentCode_Status\" ON tickets (\"AssignedDepartmentCode\", \"Status\")");
            await db.Database.ExecuteSqlRawAsync("CREATE INDEX \"IX_tickets_CoHandled\" ON tickets (\"Status\", \"Id\") WHERE \"CoHandled\"");
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_ticket_words_RegisteredAt_DistrictCode_Word_TicketId\"");
            await db.Database.ExecuteSqlRawAsync("CREATE INDEX \"IX_ticket_words_RegisteredAt\" ON ticket_words (\"RegisteredAt\")");
            var migration = Assert.Single(await db.Database.GetAppliedMigrationsAsync(), m => m.EndsWith("_DeskQueue", StringComparison.Ordinal));
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0}", migration);

            await db.Database.MigrateAsync();
        }

        await using var after = Factory.Services.CreateAsyncScope();
        var migrated = after.ServiceProvider.GetRequiredService<HotlineDbContext>();
        await AssertHandlingDeadlinesKeptAsync(migrated);
        var flags = await migrated.Tickets.AsNoTracking().Select(t => new { t.Number, t.AwaitsOrderAnswer, t.OpenSupervisionOrders, t.Status }).ToListAsync();
        Assert.All(flags, t => Assert.Equal(t.OpenSupervisionOrders.Count > 0 && TicketStates.WithDepartment.Contains(t.Status), t.AwaitsOrderAnswer));
        Assert.Contains(flags, t => t.Number == number && t.AwaitsOrderAnswer);
        Assert.NotNull(await migrated.Tickets.AsNoTracking().Where(t => t.Number == number).Select(t => t.HandlingDueAt).SingleAsync());
    }

    /// <summary>Every ticket's <see cref="Ticket.HandlingDueAt"/> is its running handling clock's deadline, or null without one.</summary>
    private static async Task AssertHandlingDeadlinesKeptAsync(HotlineDbContext db)
    {
        var running = await db.SlaClocks.AsNoTracking().Where(c => c.Kind == SlaClockKind.Handling && c.StoppedAt == null)
            .ToDictionaryAsync(c => c.TicketId, c => c.DueAt);
        var stored = await db.Tickets.AsNoTracking().Select(t => new { t.Id, t.HandlingDueAt }).ToListAsync();
        Assert.All(stored, t => Assert.Equal(running.TryGetValue(t.Id, out var due) ? due : null, t.HandlingDueAt));
        Assert.Contains(stored, t => t.HandlingDueAt is not null);
    }
}
