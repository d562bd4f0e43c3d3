using System.Globalization;
using Hotline.Domain.Access;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Notifications;
using Hotline.Server.Ratings;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace Hotline.Server.Sla;

/// <summary>The working-day calendar running out: its last loaded day, how far off, and the year to import.</summary>
public sealed record CalendarEnding(DateOnly LastDay, int DaysLeft, int NextYear);

/// <summary>
/// 日历到期提醒: deadlines can only be computed on loaded calendar years (the State Council publishes each year's holidays
/// in the autumn before). From <see cref="SlaOptions.CalendarWarningDays"/> before the last loaded day, admins see a
/// banner on every page and get an email each week, until the next year is imported.
/// </summary>
public sealed class CalendarHorizon(SlaRules rules, CityClock clock, IOptions<SlaOptions> options)
{
    /// <summary>Null while the calendar reaches far enough ahead.</summary>
    public CalendarEnding? Ending()
    {
        if (rules.LastCalendarDay is not { } last)
            return null;
        var left = last.DayNumber - clock.Today.DayNumber;
        return left <= options.Value.CalendarWarningDays ? new CalendarEnding(last, left, last.Year + 1) : null;
    }
}

/// <summary>The hourly look at the calendar's end (<see cref="CalendarReminders"/>).</summary>
[DisallowConcurrentExecution]
public sealed class CalendarReminderJob(CalendarReminders reminders) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await reminders.SendDueAsync(cancellationToken);
}

/// <summary>
/// While the calendar is running out, each admin with an email address gets the reminder once per ISO week (the outbox's
/// key is the year to import, the week and the admin, so a restart or a second node sends no second copy).
/// </summary>
public sealed class CalendarReminders(
    CalendarHorizon horizon, IServiceScopeFactory scopes, CityClock clock, IOptions<NotificationOptions> notifications,
    IOptions<RequesterLinkOptions> links, ILogger<CalendarReminders> logger)
{
    /// <summary>Writes this week's reminders that are not in the outbox yet; returns how many.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        if (horizon.Ending() is not { } ending)
            return 0;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<Outbox>();
        var admins = await scope.ServiceProvider.GetRequiredService<UserManager<HotlineUser>>().GetUsersInRoleAsync(Roles.Admin);
        var today = clock.Today.ToDateTime(TimeOnly.MinValue);
        var week = $"{ISOWeek.GetYear(today)}-W{ISOWeek.GetWeekOfYear(today):00}";
        var language = notifications.Value.DefaultLanguage;
        var added = 0;
        foreach (var admin in admins.Where(a => !string.IsNullOrWhiteSpace(a.Email)))
        {
            var key = $"{ending.NextYear}.{week}.{admin.Id}";
            if (await outbox.ExistsAsync(db, EmailKinds.CalendarEnding, key, ct))
                continue;
            db.OutboxEmails.Add(outbox.Compose(EmailKinds.CalendarEnding, key, admin.Email!, admin.DisplayName, language, Model(ending, admin, language)));
            added++;
        }
        if (added == 0)
            return 0;
        try
        {
            await db.SaveChangesAsync(ct);
            logger.LogWarning("Calendar ends {LastDay} ({DaysLeft} days): reminder for week {Week} to {Count} admins", ending.LastDay, ending.DaysLeft, week, added);
            return added;
        }
        catch (DbUpdateException)
        {
            // Another node wrote this week's reminders first (the Message-ID is unique): nothing is lost, nothing doubled.
            return 0;
        }
    }

    private Dictionary<string, object?> Model(CalendarEnding ending, HotlineUser admin, string language) => new()
    {
        ["recipient"] = new Dictionary<string, object?> { ["name"] = admin.DisplayName },
        ["calendar"] = new Dictionary<string, object?>
        {
            ["lastDay"] = ending.LastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["daysLeft"] = ending.DaysLeft,
            ["nextYear"] = ending.NextYear,
            ["importUrl"] = $"{links.Value.PublicBaseUrl.TrimEnd('/')}/admin/calendar",
        },
        ["hotline"] = new Dictionary<string, object?> { ["name"] = language == Languages.English ? "12345 Government Service Hotline" : "12345政务服务便民热线" },
    };
}
