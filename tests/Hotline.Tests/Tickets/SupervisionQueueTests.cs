using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Tickets;

/// <summary>
/// 督办队列 read from the flag the ticket keeps (<c>InSupervisionQueue</c>, a partial index): the queue and the search's
/// <c>list=supervision</c> are the tickets <see cref="UnderSupervision"/> holds, and the <c>SupervisionQueue</c> migration
/// sets the flag on the tickets a database already has.
/// </summary>
public sealed class SupervisionQueueTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    private static string Later(TimeSpan span) => (HotlineFactory.Start + span).ToString("O");

    private sealed record Scenario(string[] In, string[] Out);

    /// <summary>Tickets on every path in and out of the queue, through the API.</summary>
    private async Task<Scenario> TicketsInAndOutAsync()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var supervisor = await Factory.SupervisorAsync();
        var handler = await Factory.HandlerAsync("scjg");
        var order = new JsonObject { ["instructions"] = "请三日内核实并答复。", ["dueAt"] = Later(TimeSpan.FromDays(3)) };
        var extension = new JsonObject { ["reason"] = "需送检。", ["requestedDeadline"] = Later(TimeSpan.FromDays(10)) };

        async Task<string> SignedForAsync(string title)
        {
            var number = (await Api.RegisterAsync(agent, Api.Citizen(title: title))).Number();
            await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
            await Api.ActAsync(handler, number, "sign-for");
            return number;
        }
        async Task<string> ReopenedAsync(string title)
        {
            var number = await SignedForAsync(title);
            await Api.ActAsync(handler, number, "reply", Api.Reply());
            await Api.ActAsync(supervisor, number, "reopen", Api.Reopen());
            return number;
        }

        var ordered = await SignedForAsync("督办：超市出售过期食品");
        await Api.ActAsync(supervisor, ordered, "supervise", order.DeepClone().AsObject());
        var orderAnswered = await SignedForAsync("督办已回复：餐馆油烟扰民");
        await Api.ActAsync(supervisor, orderAnswered, "supervise", order.DeepClone().AsObject());
        await Api.ActAsync(handler, orderAnswered, "answer-supervision", new JsonObject { ["orderNumber"] = 1, ["answer"] = "已约谈。" });
        var extending = await SignedForAsync("延期：食品送检");
        await Api.ActAsync(handler, extending, "request-extension", extension.DeepClone().AsObject());
        var extended = await SignedForAsync("延期已批：药店送检");
        await Api.ActAsync(handler, extended, "request-extension", extension.DeepClone().AsObject());
        await Api.ActAsync(supervisor, extended, "decide-extension", new JsonObject { ["approved"] = true, ["comment"] = "同意。" });
        var reopened = await ReopenedAsync("整改：虚假宣传");
        var redispatched = await ReopenedAsync("整改已派：价格欺诈");
        await Api.ActAsync(supervisor, redispatched, "dispatch", Api.Dispatch("scjg"));
        var withdrawn = await SignedForAsync("撤件：短斤缺两");
        await Api.ActAsync(supervisor, withdrawn, "supervise", order.DeepClone().AsObject());
        await Api.ActAsync(agent, withdrawn, "withdraw", new JsonObject { ["reason"] = "诉求人来电撤回诉求。" });
        var plain = await SignedForAsync("办理中：无督办");

        return new([ordered, extending, reopened], [orderAnswered, extended, redispatched, withdrawn, plain]);
    }

    private static async Task<string[]> QueueAsync(HttpClient client) =>
        (await Api.GetAsync(client, "/api/queues/supervision")).EnumerateArray().Select(t => t.Number()).Order().ToArray();

    private static async Task<string[]> SearchListAsync(HttpClient client) =>
        (await Api.GetAsync(client, "/api/tickets?limit=200&list=supervision")).GetProperty("items").EnumerateArray().Select(t => t.Number()).Order().ToArray();

    /// <summary>Every stored ticket: its number, its flag, and whether the queue's definition holds for it.</summary>
    private async Task<List<(string Number, bool Flag, bool Holds)>> StoredAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var tickets = await db.Tickets.AsNoTracking().ToListAsync();
        return tickets.Select(t => (t.Number, t.InSupervisionQueue, UnderSupervision.Holds(t))).ToList();
    }

    [Fact]
    public async Task The_queue_and_the_search_list_are_the_tickets_with_an_open_order_an_extension_to_decide_or_a_reopen()
    {
        var scenario = await TicketsInAndOutAsync();
        var supervisor = await Factory.SupervisorAsync();

        var queue = await QueueAsync(supervisor);

        Assert.All(scenario.In, n => Assert.Contains(n, queue));
        Assert.All(scenario.Out, n => Assert.DoesNotContain(n, queue));
        Assert.True(queue.Length < 200, "the queue is capped at 200; the comparison needs fewer");
        Assert.Equal(queue, await SearchListAsync(supervisor));
        // The same tickets as the definition read on every stored row (what the queue's SQL tested before the flag).
        var stored = await StoredAsync();
        Assert.Equal(stored.Where(t => t.Holds).Select(t => t.Number).Order().ToArray(), queue);
        Assert.All(stored, t => Assert.Equal(t.Holds, t.Flag));
    }

    [Fact]
    public async Task The_migration_sets_the_flag_on_the_tickets_a_database_already_has()
    {
        var scenario = await TicketsInAndOutAsync();
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            // Back to the schema before the migration: no flag, no index, the migration not applied.
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_tickets_InSupervisionQueue\"");
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE tickets DROP COLUMN \"InSupervisionQueue\"");
            var applied = await db.Database.GetAppliedMigrationsAsync();
            var migration = Assert.Single(applied, m => m.EndsWith("_SupervisionQueue", StringComparison.Ordinal));
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0}", migration);
            Assert.Contains(migration, await db.Database.GetPendingMigrationsAsync());

            await db.Database.MigrateAsync();
        }

        var stored = await StoredAsync();
        Assert.All(stored, t => Assert.Equal(t.Holds, t.Flag));
        var flagged = stored.Where(t => t.Flag).Select(t => t.Number).ToHashSet();
        Assert.Superset(scenario.In.ToHashSet(), flagged);
        Assert.Empty(flagged.Intersect(scenario.Out));
        var queue = await QueueAsync(await Factory.SupervisorAsync());
        Assert.Equal(flagged.Order().ToArray(), queue);
    }
}
