using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Notifications;
using Hotline.Server.Sla;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Sla;

/// <summary>日历到期: the preview of an import before it is applied, and the weekly reminder to admins while the calendar runs out.</summary>
public sealed class CalendarEndingTests
{
    private const string Ics2027 = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" +
        "BEGIN:VEVENT\r\nSUMMARY:元旦 休\r\nDTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270104\r\nEND:VEVENT\r\n" +
        "BEGIN:VEVENT\r\nSUMMARY:春节 休\r\nDTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270214\r\nEND:VEVENT\r\n" +
        "BEGIN:VEVENT\r\nSUMMARY:春节调休 班\r\nDTSTART;VALUE=DATE:20270214\r\nEND:VEVENT\r\n" +
        "END:VCALENDAR\r\n";

    [Fact]
    public async Task The_preview_names_each_deadline_the_import_would_set_and_changes_nothing_until_applied()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            factory.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 2, 0, 0, TimeSpan.Zero));
            var number = (await Api.RegisterAsync(await factory.AgentAsync())).Number();
            await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("cgj"));
            var admin = await factory.ClientAsync(Roles.Admin);

            using var previewed = await admin.PostAsync("/api/sla/calendars/2027/ics/preview", new StringContent(Ics2027, System.Text.Encoding.UTF8, "text/calendar"));
            var preview = await Api.ExpectAsync(previewed, HttpStatusCode.OK);
            Assert.Equal(11, preview.GetProperty("holidays").GetInt32());
            Assert.False(preview.GetProperty("replaces").GetBoolean());
            Assert.Equal(12, preview.GetProperty("days").GetArrayLength()); // 11 holidays and a make-up Sunday, none loaded before
            var handling = preview.GetProperty("clocks").EnumerateArray().Single(c => c.Str("number") == number && c.Str("kind") == "Handling");
            Assert.Equal("CalendarNotLoaded:2027", handling.Str("problemBefore"));
            Assert.Equal(new DateTimeOffset(2027, 1, 5, 17, 30, 0, TimeSpan.FromHours(8)), handling.GetProperty("dueAfter").GetDateTimeOffset());
            Assert.True(preview.GetProperty("clocksScheduled").GetInt32() >= 1);

            // Nothing changed: the clock still waits for the calendar, and 2027 is not loaded.
            Assert.Contains((await Api.GetAsync(admin, "/api/sla/problems")).EnumerateArray(), p => p.Str("number") == number);
            Assert.DoesNotContain((await Api.GetAsync(admin, "/api/sla/calendars")).EnumerateArray(), y => y.GetProperty("year").GetInt32() == 2027);

            using var import = await admin.PostAsync("/api/sla/calendars/2027/ics", new StringContent(Ics2027, System.Text.Encoding.UTF8, "text/calendar"));
            await Api.ExpectAsync(import, HttpStatusCode.OK);
            var due = (await Api.GetAsync(admin, $"/api/tickets/{number}/sla")).EnumerateArray().Single(c => c.Str("kind") == "Handling").GetProperty("dueAt").GetDateTimeOffset();
            Assert.Equal(handling.GetProperty("dueAfter").GetDateTimeOffset(), due); // the preview said what the import did

            using var again = await admin.PostAsync("/api/sla/calendars/2027/ics/preview", new StringContent(Ics2027, System.Text.Encoding.UTF8, "text/calendar"));
            var unchanged = await Api.ExpectAsync(again, HttpStatusCode.OK);
            Assert.True(unchanged.GetProperty("replaces").GetBoolean());
            Assert.Equal(0, unchanged.GetProperty("days").GetArrayLength());
            Assert.Equal(0, unchanged.GetProperty("clocksChanged").GetInt32());
        });
    }

    [Fact]
    public async Task Admins_are_emailed_once_a_week_while_the_calendar_runs_out_and_no_more_once_next_year_is_imported()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var admin = await factory.ClientAsync(Roles.Admin);
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<HotlineUser>>();
                var withEmail = new HotlineUser { UserName = "calendar.admin", DisplayName = "日历管理员", Email = "calendar.admin@hotline.example" };
                Assert.True((await users.CreateAsync(withEmail, "Correct-horse-9")).Succeeded);
                await users.AddToRoleAsync(withEmail, Roles.Admin);
            }
            var reminders = factory.Services.GetRequiredService<CalendarReminders>();

            // Warned 30 days ahead here: the test clock starts on Monday 23 November, 38 days before the calendar's end.
            Assert.Equal(0, await reminders.SendDueAsync(CancellationToken.None));
            factory.Clock.Advance(TimeSpan.FromDays(8)); // Tuesday 1 December (W49), 30 days left
            Assert.Equal(1, await reminders.SendDueAsync(CancellationToken.None));
            factory.Clock.Advance(TimeSpan.FromDays(4)); // the same ISO week: no second email
            Assert.Equal(0, await reminders.SendDueAsync(CancellationToken.None));
            factory.Clock.Advance(TimeSpan.FromDays(3)); // Monday of the next week
            Assert.Equal(1, await reminders.SendDueAsync(CancellationToken.None));

            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
                var sent = await db.OutboxEmails.AsNoTracking().Where(e => e.Kind == EmailKinds.CalendarEnding).OrderBy(e => e.Id).ToListAsync();
                Assert.Equal(2, sent.Count);
                Assert.All(sent, e => Assert.Equal("calendar.admin@hotline.example", e.ToAddress));
                Assert.Contains("2026-12-31", sent[0].Subject, StringComparison.Ordinal);
                Assert.Contains("2027", sent[0].Subject, StringComparison.Ordinal);
                Assert.Contains("/admin/calendar", sent[0].TextBody, StringComparison.Ordinal);
                Assert.Null(sent[0].TicketId);
            }

            using var import = await admin.PostAsync("/api/sla/calendars/2027/ics", new StringContent(Ics2027, System.Text.Encoding.UTF8, "text/calendar"));
            await Api.ExpectAsync(import, HttpStatusCode.OK);
            factory.Clock.Advance(TimeSpan.FromDays(7));
            Assert.Equal(0, await reminders.SendDueAsync(CancellationToken.None));
        }, new Dictionary<string, string?> { ["Sla:CalendarWarningDays"] = "30" });
    }
}
