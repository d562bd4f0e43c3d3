using Hotline.Server.Sla;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Sla;

public sealed class SlaOperationsTests
{
    [Fact]
    public async Task Steps_missed_while_the_server_was_down_are_taken_once_on_the_first_sweep_in_due_time_order()
    {
        var first = new HotlineFactory();
        string number;
        try
        {
            var agent = await first.AgentAsync();
            number = (await Api.RegisterAsync(agent)).Number();
            await Api.ActAsync(await first.DispatcherAsync(), number, "dispatch", Api.Dispatch("cgj"));
        }
        finally
        {
            await first.DisposeAsync();
        }

        // Down for three weeks: every warning, breach and escalation of the ticket's clocks fell due meanwhile.
        var second = new HotlineFactory(first.DataPath, first.PostgresDatabase);
        try
        {
            second.Clock.Advance(TimeSpan.FromDays(21));
            _ = second.Server;
            var sweeper = second.Services.GetRequiredService<SlaSweeper>();
            var steps = await sweeper.SweepAsync(CancellationToken.None);
            Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));

            var events = (await Api.GetAsync(await second.SupervisorAsync(), $"/api/tickets/{number}/events")).EnumerateArray().Skip(2).ToList();
            var times = events.Select(e => e.GetProperty("occurredAt").GetDateTimeOffset()).ToList();
            Assert.Equal(times.Order(), times);
            Assert.Equal(2, events.Count(e => e.Str("action") == "sla-breach"));
            Assert.Single(events, e => e.Str("action") == "escalate-to-leader");
            Assert.True(steps >= 8, $"{steps} steps");
        }
        finally
        {
            await second.DisposeAsync();
            second.DeleteData();
        }
    }

    [Fact]
    public async Task An_admins_policy_edit_survives_a_restart_the_seed_only_fills_gaps()
    {
        var first = new HotlineFactory();
        var second = new HotlineFactory(first.DataPath, first.PostgresDatabase);
        try
        {
            var admin = await first.ClientAsync(Roles.Admin);
            var policy = new JsonObject
            {
                ["signFor"] = new JsonObject { ["amount"] = 3, ["unit"] = "WorkingHours" },
                ["handling"] = new JsonObject { ["amount"] = 4, ["unit"] = "WorkingDays" },
                ["replyToRequester"] = new JsonObject { ["amount"] = 1, ["unit"] = "WorkingDays" },
                ["revisit"] = new JsonObject { ["amount"] = 2, ["unit"] = "WorkingDays" },
                ["warningThresholds"] = new JsonArray(0.6, 0.85),
            };
            using (var put = await admin.PutAsJsonAsync("/api/sla/policies/Complaint/Normal", policy))
                await Api.ExpectAsync(put, HttpStatusCode.OK);
            await first.DisposeAsync();

            var adminAgain = await second.ClientAsync(Roles.Admin);
            var complaint = (await Api.GetAsync(adminAgain, "/api/sla/policies")).EnumerateArray()
                .Single(p => p.Str("ticketType") == "Complaint" && p.Str("priority") == "Normal" && !p.TryGetProperty("categoryCode", out _));
            Assert.Equal(4, complaint.GetProperty("handlingAmount").GetInt32());
            Assert.Equal(3, complaint.GetProperty("signForAmount").GetInt32());
        }
        finally
        {
            await second.DisposeAsync();
            second.DeleteData();
        }
    }

    [Fact]
    public async Task A_limit_past_the_loaded_calendar_is_shown_to_admins_and_scheduled_once_the_year_is_imported()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 2, 0, 0, TimeSpan.Zero));
            var agent = await factory.AgentAsync();
            var number = (await Api.RegisterAsync(agent)).Number();
            await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("cgj"));
            var admin = await factory.ClientAsync(Roles.Admin);

            var problems = await Api.GetAsync(admin, "/api/sla/problems");
            Assert.Contains(problems.EnumerateArray(), p => p.Str("number") == number && p.Str("kind") == "Handling" && p.Str("problem") == "CalendarNotLoaded:2027");
            var handling = (await Api.GetAsync(admin, $"/api/tickets/{number}/sla")).EnumerateArray().Single(c => c.Str("kind") == "Handling");
            Assert.False(handling.TryGetProperty("dueAt", out _)); // never a silent guess

            const string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" +
                "BEGIN:VEVENT\r\nSUMMARY:元旦 休\r\nDTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270104\r\nEND:VEVENT\r\n" +
                "BEGIN:VEVENT\r\nSUMMARY:春节 休\r\nDTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270214\r\nEND:VEVENT\r\n" +
                "BEGIN:VEVENT\r\nSUMMARY:春节调休 班\r\nDTSTART;VALUE=DATE:20270214\r\nEND:VEVENT\r\n" +
                "END:VCALENDAR\r\n";
            using var import = await admin.PostAsync("/api/sla/calendars/2027/ics", new StringContent(ics, System.Text.Encoding.UTF8, "text/calendar"));
            var result = await Api.ExpectAsync(import, HttpStatusCode.OK);
            Assert.Equal(11, result.GetProperty("holidays").GetInt32());
            Assert.Equal(1, result.GetProperty("makeupWorkdays").GetInt32());

            Assert.DoesNotContain((await Api.GetAsync(admin, "/api/sla/problems")).EnumerateArray(), p => p.Str("number") == number);
            handling = (await Api.GetAsync(admin, $"/api/tickets/{number}/sla")).EnumerateArray().Single(c => c.Str("kind") == "Handling");
            // Mon 28 Dec: 29, 30, 31 Dec, then 1–3 Jan are holidays, 4 and 5 Jan: the fifth working day.
            Assert.Equal(new DateTimeOffset(2027, 1, 5, 17, 30, 0, TimeSpan.FromHours(8)), handling.GetProperty("dueAt").GetDateTimeOffset());
        });
    }

    [Fact]
    public async Task A_calendar_with_a_make_up_workday_on_a_weekday_is_refused_and_nothing_is_replaced()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var admin = await factory.ClientAsync(Roles.Admin);
            var body = new JsonObject
            {
                ["year"] = 2026, ["holidays"] = new JsonArray(new JsonObject { ["name"] = "元旦", ["from"] = "2026-01-01", ["to"] = "2026-01-03" }),
                ["makeupWorkdays"] = new JsonArray("2026-01-05"),
            };
            using var response = await admin.PutAsJsonAsync("/api/sla/calendars/2026", body);
            var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("makeupWorkdays", out _));
            var calendars = await Api.GetAsync(admin, "/api/sla/calendars");
            var y2026 = calendars.EnumerateArray().Single(c => c.GetProperty("year").GetInt32() == 2026);
            Assert.Equal(6, y2026.GetProperty("makeupWorkdays").GetArrayLength());
        });
    }

    [Fact]
    public async Task The_quartz_sweep_finds_a_breach_on_its_own_within_seconds()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            // A second host in this process, with the sweep on: on PostgreSQL its clustered scheduler has a name of its own
            // (HotlineFactory gives every host one) and an instance id of its own (the same id twice reads as one node restarting).
            var running = factory.WithWebHostBuilder(b => b.UseSetting("Sla:SweepIntervalMilliseconds", "200").UseSetting("Hotline:NodeId", "sweeping-host"));
            var agent = running.CreateClient();
            agent.DefaultRequestHeaders.Add("X-Api-Key", await factory.ApiKeyAsync(Roles.Agent));
            var dispatcher = running.CreateClient();
            dispatcher.DefaultRequestHeaders.Add("X-Api-Key", await factory.ApiKeyAsync(Roles.Dispatcher));
            var number = (await Api.RegisterAsync(agent)).Number();
            await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("cgj"));

            // Both hosts share the fake clock, and Quartz 4 runs on it too (it takes the container's TimeProvider): every wait
            // of the scheduler, its misfire scan and its cluster check-in is a timer on this clock. So after the jump the
            // clock runs on, as a real one does, a second per poll. A clock that jumped and then stood still left the
            // clustered store stuck: the jump made the trigger acquired at the old time look stale, the misfire scan reset
            // it to waiting while the scheduler was firing it, and its next fire was then a misfire that only the next
            // scan, a minute later on this clock, would take up.
            factory.Clock.Advance(TimeSpan.FromDays(10));
            var waited = System.Diagnostics.Stopwatch.StartNew();
            var breached = false;
            while (!breached && waited.Elapsed < TimeSpan.FromSeconds(30)) // the bound only ends a failing run
            {
                await Task.Delay(100);
                factory.Clock.Advance(TimeSpan.FromSeconds(1));
                breached = (await Api.GetAsync(agent, $"/api/tickets/{number}/events")).EnumerateArray().Any(e => e.Str("action") == "sla-breach");
            }
            Assert.True(breached);
            await running.DisposeAsync();
        });
    }
}
