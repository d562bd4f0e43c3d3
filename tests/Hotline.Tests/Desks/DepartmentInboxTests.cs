using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Desks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Desks;

/// <summary>
/// A department's inbox (承办收件箱: <c>/api/queues/department</c>, the department desk, the search's <c>list=department</c>)
/// holds the open tickets it handles and those it co-handles (协办). It is read as two index ranges (the department's own
/// tickets, and the co-handled ones through the stored <see cref="Ticket.CoHandled"/>), no longer by testing every open
/// ticket of the city against the co-handling list (73 ms at 1M tickets): the same rows as before, in the same order.
/// </summary>
public sealed class DepartmentInboxTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    private static JsonObject DispatchTo(string main, params string[] coHandlers) => new()
    {
        ["departmentCode"] = main,
        ["coHandlingDepartmentCodes"] = new JsonArray([.. coHandlers.Select(c => (JsonNode)JsonValue.Create(c))]),
    };

    private static async Task<string[]> NumbersAsync(HttpClient client, string url) =>
        (await Api.GetAsync(client, url)).EnumerateArray().Select(t => t.Number()).ToArray();

    [Fact]
    public async Task The_inbox_is_the_departments_own_and_co_handled_open_tickets_by_handling_deadline()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var scjg = await Factory.HandlerAsync("scjg");
        var zjj = await Factory.HandlerAsync("zjj");
        async Task<string> DispatchedAsync(string title, JsonObject dispatch)
        {
            var number = (await Api.RegisterAsync(agent, Api.Citizen(title: title))).Number();
            await Api.ActAsync(dispatcher, number, "dispatch", dispatch);
            Factory.Clock.Advance(TimeSpan.FromMinutes(5));
            return number;
        }

        var own = await DispatchedAsync("收件箱：本单位主办已签收", DispatchTo("scjg"));
        await Api.ActAsync(scjg, own, "sign-for");
        var notSigned = await DispatchedAsync("收件箱：本单位主办待签收", DispatchTo("scjg"));
        var coHandled = await DispatchedAsync("收件箱：住建局主办、本单位协办", DispatchTo("zjj", "scjg"));
        var others = await DispatchedAsync("收件箱：住建局主办", DispatchTo("zjj"));
        var noLonger = await DispatchedAsync("收件箱：退回后改派他单位，不再协办", DispatchTo("zjj", "scjg"));
        await Api.ActAsync(zjj, noLonger, "return", Api.Return());
        await Api.ActAsync(dispatcher, noLonger, "dispatch", DispatchTo("cgj")); // back to the returning one takes a supervisor
        var replied = await DispatchedAsync("收件箱：本单位已答复", DispatchTo("scjg"));
        await Api.ActAsync(scjg, replied, "sign-for");
        await Api.ActAsync(scjg, replied, "reply", Api.Reply());

        var inbox = await NumbersAsync(scjg, "/api/queues/department");
        var housing = await NumbersAsync(zjj, "/api/queues/department");

        string[] mine = [own, notSigned, coHandled];
        Assert.Equal(mine, inbox.Where(n => mine.Contains(n) || n == others || n == noLonger || n == replied));
        Assert.Equal([coHandled, others], housing.Where(n => n == coHandled || n == others || n == noLonger || n == own || n == replied));
        // The desk and the search's list read the same set.
        var desk = await Factory.Services.GetRequiredService<DeskQueries>().InboxAsync(new Actor("inbox-scjg", "测试承办人", Roles.DepartmentHandler, "scjg"), CancellationToken.None);
        Assert.Equal(inbox, desk.Select(r => r.Ticket.Number));
        Assert.Equal(inbox.Order(), (await Api.GetAsync(scjg, "/api/tickets?limit=200&list=department")).GetProperty("items").EnumerateArray().Select(t => t.Number()).Order());
        // The flag is what the list holds, after every event.
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var flags = await db.Tickets.AsNoTracking().Where(t => new[] { own, coHandled, noLonger }.Contains(t.Number)).ToDictionaryAsync(t => t.Number, t => t.CoHandled);
        Assert.Equal((false, true, false), (flags[own], flags[coHandled], flags[noLonger]));
    }

    [Fact]
    public async Task The_migration_sets_the_flag_on_the_tickets_a_database_already_has()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var coHandled = (await Api.RegisterAsync(agent, Api.Citizen(title: "迁移：协办"))).Number();
        await Api.ActAsync(dispatcher, coHandled, "dispatch", DispatchTo("zjj", "scjg", "cgj"));
        var alone = (await Api.RegisterAsync(agent, Api.Citizen(title: "迁移：无协办"))).Number();
        await Api.ActAsync(dispatcher, alone, "dispatch", DispatchTo("zjj"));
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            // Back to the schema before the migration: no flag, none of its indexes, the migration not applied.
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_tickets_CoHandled\"");
            await db.Database.ExecuteSqlRawAsync("DROP INDEX IF EXISTS \"IX_tickets_AssignedDepartmentCode_Status\""); // replaced by DeskQueue's
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_tickets_CategoryCode_RegisteredAt\"");
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE tickets DROP COLUMN \"CoHandled\"");
            var migration = Assert.Single(await db.Database.GetAppliedMigrationsAsync(), m => m.EndsWith("_DeskQueries", StringComparison.Ordinal));
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0}", migration);

            await db.Database.MigrateAsync();
        }

        await using var after = Factory.Services.CreateAsyncScope();
        var stored = await after.ServiceProvider.GetRequiredService<HotlineDbContext>().Tickets.AsNoTracking()
            .Select(t => new { t.Number, t.CoHandled, t.CoHandlingDepartmentCodes }).ToListAsync();
        Assert.All(stored, t => Assert.Equal(t.CoHandlingDepartmentCodes.Count > 0, t.CoHandled));
        Assert.Contains(stored, t => t.Number == coHandled && t.CoHandled);
        Assert.Contains(stored, t => t.Number == alone && !t.CoHandled);
        Assert.Contains(coHandled, await NumbersAsync(await Factory.HandlerAsync("cgj"), "/api/queues/department"));
    }
}
