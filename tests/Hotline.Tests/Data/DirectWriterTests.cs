using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Sla;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Data;

/// <summary>
/// DirectWriter writes what SaveChanges would have written: the same columns, the same conversions (UTC instants, enums
/// as text, JSON lists), guarded by the same concurrency tokens. Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL.
/// </summary>
public sealed class DirectWriterTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task A_ticket_changed_and_written_directly_reads_back_equal_to_its_replayed_history()
    {
        var number = await DispatchedAsync();
        var contexts = Factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
        var at = HotlineFactory.Start.AddHours(3);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var ticket = await db.Tickets.AsNoTracking().SingleAsync(t => t.Number == number);
            await using var writer = await DirectWriter.BeginAsync(db, default);
            var before = writer.Snapshot(ticket);
            var events = new[]
            {
                ticket.Act(new SlaBreached(Hotline.Domain.Sla.SlaClockKind.SignFor, at), Actor.System, at),
                ticket.Act(new SupervisionRaised(ticket.SupervisionCount + 1, "自动督办：请立即签收。", at.AddDays(1)), Actor.System, at),
            };
            await writer.UpdateAsync(ticket, before, default);
            foreach (var e in events)
                await writer.InsertAsync(e, default);
            await writer.CommitAsync(default);
        }

        await using var check = await contexts.CreateDbContextAsync();
        var stored = await check.Tickets.AsNoTracking().SingleAsync(t => t.Number == number);
        var history = await check.TicketEvents.AsNoTracking().Where(e => e.TicketId == stored.Id).OrderBy(e => e.Version).ToListAsync();
        Assert.Equal([1, 2, 3, 4], history.Select(e => e.Version));
        Assert.IsType<SupervisionRaised>(history[^1].Change);
        Assert.Equal(at, history[^1].OccurredAt);
        Assert.True(stored.Overdue);
        Assert.Equal([1], stored.OpenSupervisionOrders);
        var replayed = Ticket.Replay(history);
        foreach (var p in typeof(Ticket).GetProperties().Where(p => p.Name is not (nameof(Ticket.Requester))))
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(p.GetValue(replayed)), System.Text.Json.JsonSerializer.Serialize(p.GetValue(stored)));
    }

    [Fact]
    public async Task A_stale_version_is_refused_and_nothing_of_the_transaction_is_kept()
    {
        var number = await DispatchedAsync();
        var contexts = Factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(t => t.Number == number);
        var clock = await db.SlaClocks.AsNoTracking().FirstAsync(c => c.TicketId == ticket.Id && c.NextAt != null);

        // Someone acts on the ticket after we read it.
        await Api.ActAsync(await Factory.HandlerAsync("scjg"), number, "sign-for");

        await using (var writer = await DirectWriter.BeginAsync(db, default))
        {
            var clockBefore = writer.Snapshot(clock);
            clock.NextAt = clock.NextAt!.Value.AddDays(1);
            await writer.UpdateAsync(clock, clockBefore, default);
            var before = writer.Snapshot(ticket);
            _ = ticket.Act(new SlaWarned(clock.Kind, 1, clock.DueAt), Actor.System, HotlineFactory.Start);
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => writer.UpdateAsync(ticket, before, default));
        }

        await using var check = await contexts.CreateDbContextAsync();
        Assert.Equal(clock.NextAt!.Value.AddDays(-1), (await check.SlaClocks.AsNoTracking().SingleAsync(c => c.Id == clock.Id)).NextAt);
        Assert.DoesNotContain(await check.TicketEvents.Where(e => e.TicketId == ticket.Id).Select(e => e.Action).ToListAsync(), a => a == TicketAction.SlaWarn);
    }

    private async Task<string> DispatchedAsync()
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Enterprise())).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        return number;
    }
}
