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
            await writer.InsertManyAsync(events, default);
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
        // HandlingDueAt is the SLA clocks' copy of the handling deadline, not derived from the events.
        foreach (var p in typeof(Ticket).GetProperties().Where(p => p.Name is not (nameof(Ticket.Requester) or nameof(Ticket.HandlingDueAt))))
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

    [Fact]
    public async Task Rows_updated_together_are_each_guarded_and_one_stale_row_refuses_them_all()
    {
        var numbers = new[] { await DispatchedAsync(), await DispatchedAsync(), await DispatchedAsync() };
        var contexts = Factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var tickets = await db.Tickets.AsNoTracking().Where(t => numbers.Contains(t.Number)).OrderBy(t => t.Id).ToListAsync();

        // Someone acts on the last of them after we read it.
        await Api.ActAsync(await Factory.HandlerAsync("scjg"), tickets[^1].Number, "sign-for");

        await using (var writer = await DirectWriter.BeginAsync(db, default))
        {
            var rows = tickets.Select(t => (t, writer.Snapshot(t))).ToList();
            foreach (var t in tickets)
                _ = t.Act(new SlaWarned(Hotline.Domain.Sla.SlaClockKind.SignFor, 1, HotlineFactory.Start), Actor.System, HotlineFactory.Start);
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => writer.UpdateAllAsync(rows, default));
        }
        await using (var check = await contexts.CreateDbContextAsync())
        {
            var versions = await check.Tickets.AsNoTracking().Where(t => numbers.Contains(t.Number)).OrderBy(t => t.Id).Select(t => t.Version).ToListAsync();
            Assert.Equal(tickets.Select((t, i) => i == tickets.Count - 1 ? t.Version : t.Version - 1), versions); // the first two were not kept either
        }

        // Read again, all three are written, each exactly once.
        var fresh = await db.Tickets.AsNoTracking().Where(t => numbers.Contains(t.Number)).OrderBy(t => t.Id).ToListAsync();
        await using (var writer = await DirectWriter.BeginAsync(db, default))
        {
            var rows = fresh.Select(t => (t, writer.Snapshot(t))).ToList();
            foreach (var t in fresh)
                _ = t.Act(new SlaWarned(Hotline.Domain.Sla.SlaClockKind.SignFor, 1, HotlineFactory.Start), Actor.System, HotlineFactory.Start);
            await writer.UpdateAllAsync(rows, default);
            await writer.CommitAsync(default);
        }
        await using var after = await contexts.CreateDbContextAsync();
        Assert.Equal(fresh.Select(t => t.Version), await after.Tickets.AsNoTracking().Where(t => numbers.Contains(t.Number)).OrderBy(t => t.Id).Select(t => t.Version).ToListAsync());
    }

    [Fact]
    public async Task Rows_updated_together_with_different_changes_each_read_back_as_written()
    {
        // Two tickets breach (with their automatic orders), one is only warned: two sets of changed columns in one call,
        // and their clocks (whose NextAt is both written and the guard) in another.
        var numbers = new[] { await DispatchedAsync(), await DispatchedAsync(), await DispatchedAsync() };
        var contexts = Factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
        var at = HotlineFactory.Start.AddHours(3);
        List<Ticket> tickets;
        List<Hotline.Server.Sla.SlaClockRow> clocks;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            tickets = await db.Tickets.AsNoTracking().Where(t => numbers.Contains(t.Number)).OrderBy(t => t.Id).ToListAsync();
            var ids = tickets.Select(t => t.Id).ToList();
            clocks = await db.SlaClocks.AsNoTracking().Where(c => ids.Contains(c.TicketId) && c.NextAt != null).OrderBy(c => c.Id).ToListAsync();
            await using var writer = await DirectWriter.BeginAsync(db, default);
            var ticketRows = tickets.Select(t => (t, writer.Snapshot(t))).ToList();
            var clockRows = clocks.Select(c => (c, writer.Snapshot(c))).ToList();
            var events = new List<TicketEvent>();
            foreach (var t in tickets[..2])
            {
                events.Add(t.Act(new SlaBreached(Hotline.Domain.Sla.SlaClockKind.SignFor, at), Actor.System, at));
                events.Add(t.Act(new SupervisionRaised(t.SupervisionCount + 1, "自动督办：请立即签收。", at.AddDays(1)), Actor.System, at));
            }
            events.Add(tickets[2].Act(new SlaWarned(Hotline.Domain.Sla.SlaClockKind.SignFor, 1, at), Actor.System, at));
            foreach (var c in clocks)
                c.NextAt = c.NextAt!.Value.AddDays(30);
            await writer.UpdateAllAsync(ticketRows, default);
            await writer.UpdateAllAsync(clockRows, default);
            await writer.InsertManyAsync(events, default);
            await writer.CommitAsync(default);
        }

        await using var check = await contexts.CreateDbContextAsync();
        foreach (var written in tickets)
        {
            var stored = await check.Tickets.AsNoTracking().SingleAsync(t => t.Id == written.Id);
            var replayed = Ticket.Replay(await check.TicketEvents.AsNoTracking().Where(e => e.TicketId == written.Id).OrderBy(e => e.Version).ToListAsync());
            Assert.Equal(written.Version, stored.Version);
            foreach (var p in typeof(Ticket).GetProperties().Where(p => p.Name is not (nameof(Ticket.Requester) or nameof(Ticket.HandlingDueAt))))
                Assert.Equal(System.Text.Json.JsonSerializer.Serialize(p.GetValue(replayed)), System.Text.Json.JsonSerializer.Serialize(p.GetValue(stored)));
        }
        Assert.True((await check.Tickets.AsNoTracking().SingleAsync(t => t.Id == tickets[0].Id)).Overdue);
        Assert.False((await check.Tickets.AsNoTracking().SingleAsync(t => t.Id == tickets[2].Id)).Overdue);
        var clockIds = clocks.Select(c => c.Id).ToList();
        Assert.Equal(clocks.Select(c => c.NextAt), await check.SlaClocks.AsNoTracking().Where(c => clockIds.Contains(c.Id)).OrderBy(c => c.Id).Select(c => c.NextAt).ToListAsync());
    }

    [Fact]
    public async Task Measures_written_directly_change_only_the_measures_of_the_rows_given_and_a_missing_row_is_an_error()
    {
        var contexts = Factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
        var key = Hotline.Domain.Analytics.RollupKey.Fine(new DateOnly(2031, 3, 4), Hotline.Domain.Analytics.FactPart.Centre, "scjg", "consult", "tianning",
            TicketType.Complaint, Channel.Phone, RequesterKind.Citizen);
        var (a, b) = (Hotline.Server.Analytics.AnalyticsRollup.For(key), Hotline.Server.Analytics.AnalyticsRollup.For(key.To(Hotline.Domain.Analytics.RollupGrain.Department, Hotline.Domain.Analytics.RollupSpan.Day)));
        a.Measures.Registered = 2;
        b.Measures.Registered = 5;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.AddRange(a, b);
            await db.SaveChangesAsync();
        }

        await using (var db = await contexts.CreateDbContextAsync())
        {
            var row = await db.Set<Hotline.Server.Analytics.AnalyticsRollup>().AsNoTracking().SingleAsync(r => r.Id == a.Id);
            row.Measures.Registered = 3;
            row.Measures.Repeat = 1;
            row.DepartmentCode = "not-written"; // not a measure: left as stored
            await using var writer = await DirectWriter.BeginAsync(db, default);
            await writer.UpdateManyAsync([row], nameof(Hotline.Server.Analytics.AnalyticsRollup.Measures), default);
            await writer.CommitAsync(default);
        }

        await using (var check = await contexts.CreateDbContextAsync())
        {
            var rows = await check.Set<Hotline.Server.Analytics.AnalyticsRollup>().AsNoTracking().Where(r => r.Id == a.Id || r.Id == b.Id).ToDictionaryAsync(r => r.Id);
            Assert.Equal((3, 1, "scjg", key.Text), (rows[a.Id].Measures.Registered, rows[a.Id].Measures.Repeat, rows[a.Id].DepartmentCode, rows[a.Id].Key));
            Assert.Equal((5, 0), (rows[b.Id].Measures.Registered, rows[b.Id].Measures.Repeat));
        }

        await using (var db = await contexts.CreateDbContextAsync())
        {
            var gone = Hotline.Server.Analytics.AnalyticsRollup.For(key.To(Hotline.Domain.Analytics.RollupGrain.Department, Hotline.Domain.Analytics.RollupSpan.Month));
            gone.Id = -1;
            await using var writer = await DirectWriter.BeginAsync(db, default);
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => writer.UpdateManyAsync([gone], nameof(Hotline.Server.Analytics.AnalyticsRollup.Measures), default));
        }
    }

    [Fact]
    public async Task A_registration_inserted_directly_stores_the_same_rows_as_SaveChanges()
    {
        var contexts = Factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
        var effects = Factory.Services.GetRequiredService<Hotline.Server.Tickets.TicketEventEffects>();
        var agent = new Actor("direct-agent", "话务员", Roles.Agent, null);
        var draft = new TicketDraft
        {
            Type = TicketType.Complaint, Channel = Channel.Phone, Priority = Priority.Urgent,
            Requester = new Requester { Kind = RequesterKind.Citizen, Name = "张三丰", Phone = "13812345678", Email = "zhang@example.com" },
            Title = "小区门口夜间占道经营", Description = "每天晚上九点后有摊贩在小区门口占道经营，希望城管部门处理。",
            CategoryCode = "urban-management", DistrictCode = "tianning", Address = "天宁区延陵中路88号", Tags = ["占道经营"],
        };
        var sequence = Random.Shared.Next(1, 900_000);
        var tickets = new List<Ticket>();
        foreach (var direct in new[] { false, true })
        {
            await using var db = await contexts.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var (ticket, registered) = Ticket.Register(TicketNumber.Format(new DateOnly(2099, 1, 1), sequence + (direct ? 1 : 0)), draft, agent, HotlineFactory.Start);
            db.Tickets.Add(ticket);
            var dispatched = ticket.Act(new Dispatched("scjg", "自动派单：测试"), Actor.System, HotlineFactory.Start);
            Assert.NotNull(await effects.AddAsync(db, ticket, [registered, dispatched], default)); // the access code
            if (direct)
                await DirectWriter.InsertAddedAsync(db, default);
            else
                await db.SaveChangesAsync();
            await transaction.CommitAsync();
            Assert.NotEqual(0, ticket.Id);
            tickets.Add(ticket);
        }

        await using var check = await contexts.CreateDbContextAsync();
        var (saved, written) = (tickets[0], tickets[1]);
        string Rows<T>(IEnumerable<T> rows, params string[] skip) => string.Join("\n", rows.Select(row =>
            string.Join("; ", typeof(T).GetProperties().Where(p => !skip.Contains(p.Name))
                .Select(p => $"{p.Name}={System.Text.Json.JsonSerializer.Serialize(p.GetValue(row), HotlineDbContext.PayloadJson)}"))))
            .Replace(saved.Number, "N").Replace(written.Number, "N");
        async Task<string> TicketOf(long id) => Rows([await check.Tickets.AsNoTracking().SingleAsync(t => t.Id == id)], "Id", "Number");
        async Task<string> EventsOf(long id) => Rows(await check.TicketEvents.AsNoTracking().Where(e => e.TicketId == id).OrderBy(e => e.Id).ToListAsync(), "Id", "TicketId", "Ticket");
        async Task<string> ClocksOf(long id) => Rows(await check.SlaClocks.AsNoTracking().Where(c => c.TicketId == id).OrderBy(c => c.Kind).ToListAsync(), "Id", "TicketId", "Ticket");
        async Task<string> EmailsOf(long id) => Rows(await check.OutboxEmails.AsNoTracking().Where(m => m.TicketId == id).OrderBy(m => m.Id).ToListAsync(), "Id", "TicketId", "Ticket", "MessageId", "TextBody", "HtmlBody", "UnsubscribeUrl"); // bodies carry the access code

        Assert.Equal(await TicketOf(saved.Id), await TicketOf(written.Id));
        Assert.Equal(await EventsOf(saved.Id), await EventsOf(written.Id));
        Assert.Contains("Version=2", await EventsOf(written.Id)); // registered, then dispatched, in id order
        Assert.Equal(await ClocksOf(saved.Id), await ClocksOf(written.Id));
        Assert.Equal(await EmailsOf(saved.Id), await EmailsOf(written.Id));
        Assert.NotEmpty(await EmailsOf(written.Id));
        Assert.Equal(1, await check.Set<Hotline.Server.Ratings.TicketAccessCode>().CountAsync(c => c.TicketId == written.Id));
        var versions = await check.TicketEvents.AsNoTracking().Where(e => e.TicketId == written.Id).OrderBy(e => e.Id).Select(e => e.Version).ToListAsync();
        Assert.Equal([1, 2], versions);
    }

    private async Task<string> DispatchedAsync()
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Enterprise())).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        return number;
    }
}
