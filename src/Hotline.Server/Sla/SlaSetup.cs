using Hotline.Server.Nodes;
using Quartz;

namespace Hotline.Server.Sla;

public static class SlaSetup
{
    /// <summary>The SLA engine: rules in memory, clocks kept with the events, and a Quartz-run sweep every half second.</summary>
    public static IHostApplicationBuilder AddSla(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SlaOptions>().BindConfiguration(SlaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SlaRules>();
        builder.Services.AddSingleton<SlaClocks>();
        builder.Services.AddSingleton<SlaSweeper>();
        builder.Services.AddScoped<SlaCalendarAdmin>();
        builder.Services.AddSingleton<DailyDigestBuilder>();
        builder.Services.AddSingleton<CalendarHorizon>();
        builder.Services.AddSingleton<CalendarReminders>();

        var defaults = new SlaOptions();
        var interval = builder.Configuration.GetValue($"{SlaOptions.Section}:{nameof(SlaOptions.SweepIntervalMilliseconds)}", defaults.SweepIntervalMilliseconds);
        var digest = builder.Configuration.GetValue($"{SlaOptions.Section}:{nameof(SlaOptions.DailyDigest)}", defaults.DailyDigest);
        var reminder = builder.Configuration.GetValue($"{SlaOptions.Section}:{nameof(SlaOptions.CalendarReminder)}", defaults.CalendarReminder);
        if (interval > 0 || digest || reminder)
        {
            builder.AddQuartz(q =>
            {
                q.UseNodeScheduler(builder.Configuration); // clustered on PostgreSQL: each job on one node at a time
                // One indexed query per tick finds what is due, so a short interval costs little and bounds detection lag.
                if (interval > 0)
                    q.ScheduleJob<SlaSweepJob>(trigger => trigger.WithIdentity("sla-sweep").WithSimpleSchedule(TimeSpan.FromMilliseconds(interval)));
                // Hourly, and idempotent per day: the digest appears from 08:30 even after a restart or a missed hour.
                if (digest)
                    q.ScheduleJob<DailyDigestJob>(trigger => trigger.WithIdentity("daily-digest").WithSimpleSchedule(TimeSpan.FromHours(1)));
                // Hourly, and once per ISO week and admin by its outbox key: the calendar's end is near.
                if (reminder)
                    q.ScheduleJob<CalendarReminderJob>(trigger => trigger.WithIdentity("calendar-reminder").WithSimpleSchedule(TimeSpan.FromHours(1)));
            });
            builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        }
        return builder;
    }
}
