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

        var interval = builder.Configuration.GetValue($"{SlaOptions.Section}:{nameof(SlaOptions.SweepIntervalMilliseconds)}", new SlaOptions().SweepIntervalMilliseconds);
        if (interval > 0)
        {
            // One indexed query per tick finds what is due, so a short interval costs little and bounds detection lag.
            builder.AddQuartz(q => q.ScheduleJob<SlaSweepJob>(trigger => trigger
                .WithIdentity("sla-sweep")
                .WithSimpleSchedule(TimeSpan.FromMilliseconds(interval))));
            builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        }
        return builder;
    }
}
