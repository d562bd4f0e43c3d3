using Microsoft.EntityFrameworkCore;
using Hotline.Server.Sla;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Sla;

/// <summary>
/// The SLA engine with a fake clock: the test moves time to the instants the ticket's own schedule reports, then sweeps
/// by hand (the Quartz sweep is off in tests), and checks each step happens exactly once.
/// </summary>
public sealed class SlaEngineTests : IAsyncLifetime
{
    // A fresh server per test: the fake clock only moves forward, and each story starts on Monday 23 November 2026, 10:00.
    private readonly HotlineFixture fixture = new();

    private HotlineFactory Factory => fixture.Factory;

    public Task InitializeAsync() => fixture.InitializeAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    [Fact]
    public async Task A_handling_clock_warns_twice_then_breaches_with_automatic_supervision_then_escalates_each_step_once()
    {
        var time = new ClockScope(Factory);
        var (number, _, _) = await DispatchedTicketAsync();
        var handling = await ClockAsync(number, "Handling");
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 17, 30, 0, TimeSpan.FromHours(8)), handling.GetProperty("dueAt").GetDateTimeOffset()); // 5 working days, day of dispatch not counted

        time.MoveTo(handling.GetProperty("firstWarningAt").GetDateTimeOffset().AddSeconds(-1));
        await SweepAsync();
        Assert.Equal(0, await CountAsync(number, "sla-warn", "Handling"));

        time.MoveTo(handling.GetProperty("firstWarningAt").GetDateTimeOffset());
        await SweepAsync();
        await SweepAsync();
        Assert.Equal(1, await CountAsync(number, "sla-warn", "Handling"));

        time.MoveTo(handling.GetProperty("dueAt").GetDateTimeOffset().AddMinutes(1));
        await SweepAsync();
        await SweepAsync();
        var actions = await ActionsAsync(number);
        Assert.Equal(2 + 2, actions.Count(a => a == "sla-warn")); // sign-for clock warned twice too
        Assert.Equal(2, actions.Count(a => a == "sla-breach")); // sign-for and handling
        var ticket = await Api.GetAsync(await Factory.SupervisorAsync(), $"/api/tickets/{number}");
        Assert.NotEmpty(ticket.GetProperty("openSupervisionOrders").EnumerateArray());
        Assert.Contains(number, (await Api.GetAsync(await Factory.SupervisorAsync(), "/api/queues/supervision")).EnumerateArray().Select(t => t.Number()));

        time.MoveTo(handling.GetProperty("escalateAt").GetDateTimeOffset());
        await SweepAsync();
        await SweepAsync();
        Assert.Single(await ActionsAsync(number), a => a == "escalate-to-leader");
        Assert.True((await Api.GetAsync(await Factory.SupervisorAsync(), $"/api/tickets/{number}")).GetProperty("inLeaderQueue").GetBoolean());
        Assert.Equal("Escalated", (await ClockAsync(number, "Handling")).Str("stage"));
    }

    [Fact]
    public async Task Signing_for_in_time_stops_the_sign_for_clock_and_replying_stops_handling_and_starts_the_revisit()
    {
        var time = new ClockScope(Factory);
        var (number, _, handler) = await DispatchedTicketAsync();
        time.Advance(TimeSpan.FromHours(1));
        await Api.ActAsync(handler, number, "sign-for");
        await Api.ActAsync(handler, number, "reply", Api.Reply());

        time.Advance(TimeSpan.FromDays(20));
        await SweepAsync();

        var actions = await ActionsAsync(number);
        Assert.DoesNotContain(actions, a => a is "escalate-to-leader" or "supervise");
        Assert.Equal(0, await CountAsync(number, "sla-breach", "Handling") + await CountAsync(number, "sla-breach", "SignFor"));
        Assert.NotNull((await ClockAsync(number, "SignFor")).GetProperty("stoppedAt").GetString());
        Assert.NotNull((await ClockAsync(number, "Handling")).GetProperty("stoppedAt").GetString());
        var revisit = await ClockAsync(number, "Revisit");
        Assert.Equal("Escalated", revisit.Str("stage")); // nobody called the requester back: the centre's own clock ran out, past its second level
    }

    [Fact]
    public async Task Two_sweepers_at_once_take_each_step_exactly_once()
    {
        var time = new ClockScope(Factory);
        var numbers = new List<string>();
        for (var i = 0; i < 20; i++)
            numbers.Add((await DispatchedTicketAsync()).Number);
        time.Advance(TimeSpan.FromDays(30));

        await Task.WhenAll(SweepAsync(), SweepAsync(), SweepAsync());
        await SweepAsync();

        foreach (var number in numbers)
        {
            var actions = await ActionsAsync(number);
            Assert.Equal(4, actions.Count(a => a == "sla-warn"));
            Assert.Equal(2, actions.Count(a => a == "sla-breach"));
            Assert.Single(actions, a => a == "escalate-to-leader");
        }
    }

    [Fact]
    public async Task Waiting_for_the_requester_stops_the_handling_clock_for_exactly_that_working_time()
    {
        var time = new ClockScope(Factory);
        var (number, _, handler) = await DispatchedTicketAsync();
        await Api.ActAsync(handler, number, "sign-for");
        var before = (await ClockAsync(number, "Handling")).GetProperty("dueAt").GetDateTimeOffset();

        time.MoveTo(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(8))); // Tuesday 10:00
        await Api.ActAsync(handler, number, "await-requester", new JsonObject { ["reason"] = "请提供营业执照复印件。" });
        Assert.NotNull((await ClockAsync(number, "Handling")).GetProperty("pausedAt").GetString());
        time.MoveTo(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.FromHours(8))); // Thursday 10:00: two working days later
        await Api.ActAsync(await Factory.AgentAsync(), number, "requester-responded", new JsonObject { ["note"] = "诉求人已提交材料。" });

        var after = (await ClockAsync(number, "Handling")).GetProperty("dueAt").GetDateTimeOffset();
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 17, 30, 0, TimeSpan.FromHours(8)), before);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 17, 30, 0, TimeSpan.FromHours(8)), after);
    }

    /// <summary>The pauses are a typed list through an EF value converter, in the JSON rows written before it already hold.</summary>
    [Fact]
    public async Task A_clocks_pauses_are_stored_as_the_json_earlier_rows_hold_and_read_back_as_pauses()
    {
        var time = new ClockScope(Factory);
        var (number, _, handler) = await DispatchedTicketAsync();
        await Api.ActAsync(handler, number, "sign-for");
        time.MoveTo(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(8)));
        await Api.ActAsync(handler, number, "await-requester", new JsonObject { ["reason"] = "请提供照片。" });
        time.MoveTo(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(8)));
        await Api.ActAsync(await Factory.AgentAsync(), number, "requester-responded", new JsonObject { ["note"] = "已提供。" });

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Hotline.Server.Data.HotlineDbContext>();
        var row = await db.SlaClocks.AsNoTracking().SingleAsync(c => c.Ticket!.Number == number && c.Kind == Hotline.Domain.Sla.SlaClockKind.Handling);
        var pause = Assert.Single(row.Pauses);
        Assert.Equal((new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero)), (pause.From, pause.Until));
        var stored = await db.Database.SqlQueryRaw<string>("SELECT \"Pauses\" AS \"Value\" FROM sla_clocks WHERE \"Id\" = {0}", row.Id).SingleAsync();
        Assert.Equal("""[{"From":"2026-11-24T02:00:00+00:00","Until":"2026-11-25T02:00:00+00:00"}]""", stored);
    }

    [Fact]
    public async Task An_approved_extension_moves_the_deadline_and_no_breach_fires_at_the_old_one()
    {
        var time = new ClockScope(Factory);
        var (number, dispatcher, handler) = await DispatchedTicketAsync();
        await Api.ActAsync(handler, number, "sign-for");
        var extended = new DateTimeOffset(2026, 12, 11, 17, 30, 0, TimeSpan.FromHours(8));
        await Api.ActAsync(handler, number, "request-extension", new JsonObject { ["reason"] = "需第三方检测。", ["requestedDeadline"] = extended.ToString("O") });
        await Api.ActAsync(dispatcher, number, "decide-extension", new JsonObject { ["approved"] = true });

        var handling = await ClockAsync(number, "Handling");
        Assert.Equal(extended, handling.GetProperty("dueAt").GetDateTimeOffset());
        time.MoveTo(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8)));
        await SweepAsync();
        var breaches = (await Api.GetAsync(await Factory.SupervisorAsync(), $"/api/tickets/{number}/events")).EnumerateArray()
            .Where(e => e.Str("action") == "sla-breach").Select(e => e.GetProperty("change").Str("clock"));
        Assert.DoesNotContain("Handling", breaches);
        Assert.NotEqual("Breached", (await ClockAsync(number, "Handling")).Str("stage"));
    }

    [Fact]
    public async Task A_return_stops_the_department_clocks_and_starts_the_dispatchers()
    {
        var time = new ClockScope(Factory);
        var (number, _, handler) = await DispatchedTicketAsync();
        Assert.NotNull((await ClockAsync(number, "Dispatch")).GetProperty("stoppedAt").GetString());
        time.Advance(TimeSpan.FromMinutes(30));

        await Api.ActAsync(handler, number, "return", Api.Return());

        Assert.NotNull((await ClockAsync(number, "Handling")).GetProperty("stoppedAt").GetString());
        var dispatch = await ClockAsync(number, "Dispatch");
        Assert.Equal(JsonValueKind.Null, dispatch.TryGetProperty("stoppedAt", out var s) ? s.ValueKind : JsonValueKind.Null);
        Assert.Equal(Factory.Clock.GetUtcNow(), dispatch.GetProperty("startedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_department_with_its_own_working_hours_gets_deadlines_at_the_end_of_its_own_day()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using (var invalid = await admin.PutAsJsonAsync("/api/sla/departments/cgj/working-hours", new JsonObject { ["workingHours"] = "14:00-12:00" }))
            Assert.True((await Api.ExpectAsync(invalid, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("workingHours", out _));
        using (var set = await admin.PutAsJsonAsync("/api/sla/departments/cgj/working-hours", new JsonObject { ["workingHours"] = "08:00-12:00,14:00-18:00" }))
            await Api.ExpectAsync(set, HttpStatusCode.OK);

        var (number, _, _) = await DispatchedTicketAsync();

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 18, 0, 0, TimeSpan.FromHours(8)), (await ClockAsync(number, "Handling")).GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 18, 0, 0, TimeSpan.FromHours(8)), (await ClockAsync(number, "SignFor")).GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_category_may_have_its_own_limits_and_breach_actions()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        var policy = new JsonObject
        {
            ["signFor"] = new JsonObject { ["amount"] = 4, ["unit"] = "WorkingHours" },
            ["handling"] = new JsonObject { ["amount"] = 3, ["unit"] = "WorkingDays" },
            ["replyToRequester"] = new JsonObject { ["amount"] = 1, ["unit"] = "WorkingDays" },
            ["revisit"] = new JsonObject { ["amount"] = 3, ["unit"] = "WorkingDays" },
            ["warningThresholds"] = new JsonArray(0.5, 0.8),
            ["autoSupervise"] = false,
            ["note"] = "游泳场所卫生：三个工作日内办结",
        };
        using (var unknown = await admin.PutAsJsonAsync("/api/sla/policies/Complaint/Normal?category=nowhere", policy))
            await Api.ExpectAsync(unknown, HttpStatusCode.BadRequest);
        using (var put = await admin.PutAsJsonAsync("/api/sla/policies/Complaint/Normal?category=public-hygiene", policy))
            await Api.ExpectAsync(put, HttpStatusCode.OK);

        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "泳池水质浑浊", category: "ph-swimming-water"))).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("wjw"));

        var handling = await ClockAsync(number, "Handling");
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 17, 30, 0, TimeSpan.FromHours(8)), handling.GetProperty("dueAt").GetDateTimeOffset()); // parent category's 3 days
        Factory.Clock.Advance(TimeSpan.FromDays(4));
        await SweepAsync();
        var actions = await ActionsAsync(number);
        Assert.Contains("sla-breach", actions);
        Assert.DoesNotContain("supervise", actions); // this category's policy raises no automatic supervision
    }

    [Fact]
    public async Task The_inbox_is_sorted_by_handling_deadline_and_answered_tickets_wait_in_the_revisit_queue()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var handler = await Factory.HandlerAsync("cgj");
        var normal = (await Api.RegisterAsync(agent)).Number();
        var urgentBody = Api.Citizen(title: "燃气泄漏急需处置");
        urgentBody["priority"] = "Urgent";
        var urgent = (await Api.RegisterAsync(agent, urgentBody)).Number();
        await Api.ActAsync(dispatcher, normal, "dispatch", Api.Dispatch("cgj"));
        Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await Api.ActAsync(dispatcher, urgent, "dispatch", Api.Dispatch("cgj"));

        var inbox = (await Api.GetAsync(handler, "/api/queues/department")).EnumerateArray().Select(t => t.Number()).ToList();
        Assert.Equal([urgent, normal], inbox); // dispatched later, due sooner (1 working day against 5)

        await Api.ActAsync(handler, urgent, "sign-for");
        await Api.ActAsync(handler, urgent, "reply", Api.Reply());
        Assert.Contains(urgent, (await Api.GetAsync(agent, "/api/queues/revisit")).EnumerateArray().Select(t => t.Number()));
        await Api.ActAsync(agent, urgent, "close");
        Assert.DoesNotContain(urgent, (await Api.GetAsync(agent, "/api/queues/revisit")).EnumerateArray().Select(t => t.Number()));
    }

    [Fact]
    public async Task Each_morning_a_department_gets_one_digest_of_its_open_overdue_and_due_today_tickets()
    {
        var (late, _, handler) = await DispatchedTicketAsync();
        Factory.Clock.Advance(TimeSpan.FromDays(7)); // Monday 30 Nov, 10:00: the first ticket is overdue
        await SweepAsync();
        var (fresh, _, _) = await DispatchedTicketAsync();
        var builder = Factory.Services.GetRequiredService<DailyDigestBuilder>();

        Assert.True(await builder.BuildIfDueAsync(CancellationToken.None) > 0);
        Assert.Equal(0, await builder.BuildIfDueAsync(CancellationToken.None)); // once a day

        var mine = Assert.Single((await Api.GetAsync(handler, "/api/sla/digests")).EnumerateArray());
        Assert.Equal("cgj", mine.Str("departmentCode"));
        Assert.Equal(2, mine.GetProperty("open").GetInt32());
        Assert.Equal(1, mine.GetProperty("overdue").GetInt32());
        Assert.Equal([late], mine.GetProperty("overdueNumbers").Strings());
        Assert.DoesNotContain(fresh, mine.GetProperty("overdueNumbers").Strings());
        Assert.True((await Api.GetAsync(await Factory.SupervisorAsync(), "/api/sla/digests?day=2026-11-30")).GetArrayLength() >= 1);
    }

    private async Task<(string Number, HttpClient Dispatcher, HttpClient Handler)> DispatchedTicketAsync()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var number = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("cgj"));
        return (number, dispatcher, await Factory.HandlerAsync("cgj"));
    }

    private async Task<JsonElement> ClockAsync(string number, string kind) =>
        (await Api.GetAsync(await Factory.SupervisorAsync(), $"/api/tickets/{number}/sla")).EnumerateArray().Single(c => c.Str("kind") == kind);

    private async Task<int> CountAsync(string number, string action, string clock) =>
        (await Api.GetAsync(await Factory.SupervisorAsync(), $"/api/tickets/{number}/events")).EnumerateArray()
            .Count(e => e.Str("action") == action && e.GetProperty("change").Str("clock") == clock);

    private async Task<List<string>> ActionsAsync(string number) =>
        (await Api.GetAsync(await Factory.SupervisorAsync(), $"/api/tickets/{number}/events")).EnumerateArray().Select(e => e.Str("action")).ToList();

    private Task<int> SweepAsync() => Factory.Services.GetRequiredService<SlaSweeper>().SweepAsync(CancellationToken.None);
}

/// <summary>Moves the test server's fake clock forward (it never goes back).</summary>
public sealed class ClockScope(HotlineFactory factory)
{
    public void Advance(TimeSpan by) => factory.Clock.Advance(by);

    public void MoveTo(DateTimeOffset instant) => factory.Clock.SetUtcNow(instant.ToUniversalTime());
}
