using Quartz;
using Hotline.Server.Data;

namespace Hotline.Server.Analytics;

/// <summary>Options of 政情民意 analytics (<c>Analytics:*</c>).</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>Keep the figures up to date from the event log in the background (tests drive the projector by hand).</summary>
    public bool Projector { get; set; } = true;

    /// <summary>Build the weekly report (Mondays) and the monthly report (the 1st) at <see cref="ReportTime"/>, Asia/Shanghai.</summary>
    public bool Reports { get; set; } = true;

    /// <summary>Local time reports are built at, "HH:mm".</summary>
    [System.ComponentModel.DataAnnotations.RegularExpression(@"^([01]\d|2[0-3]):[0-5]\d$")]
    public string ReportTime { get; set; } = "08:00";

    /// <summary>Leaders who receive every report: email addresses, optionally "Name &lt;address&gt;".</summary>
    public List<string> ReportRecipients { get; set; } = [];

    /// <summary>Department heads (departments' HeadEmail) receive the reports too.</summary>
    public bool ReportsToDepartmentHeads { get; set; } = true;

    public TimeOnly ReportTimeOfDay => TimeOnly.ParseExact(ReportTime, "HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Runs the projector after every commit and every second, and once at start to catch up after downtime; reads the
/// assessment scheme again when it is older than <see cref="SchemeStore.MaxAge"/> (an admin's edit on another node).
/// </summary>
public sealed class AnalyticsProjectorService(AnalyticsProjector projector, SchemeStore schemes, CommitSignal commits, ILogger<AnalyticsProjectorService> logger) : BackgroundService
{
    private readonly SemaphoreSlim signal = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        commits.Committed += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await schemes.RefreshIfStaleAsync(stoppingToken);
                    await projector.CatchUpAsync(stoppingToken);
                    await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
                {
                    logger.LogWarning(ex, "Analytics projection failed; retrying");
                    await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                }
            }
        }
        finally
        {
            commits.Committed -= Wake;
        }
    }

    private void Wake()
    {
        if (signal.CurrentCount == 0)
            signal.Release();
    }
}

public static class AnalyticsSetup
{
    public static IServiceCollection AddAnalytics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ReportBuilder>();
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SchemeStore>();
        services.AddSingleton<AnalyticsProjector>();
        services.AddScoped<AnalyticsQueries>();
        services.AddScoped<AnalyticsTickets>();
        services.AddScoped<HotTopicQueries>();
        services.AddSingleton<GroupAlertCache>();
        services.AddScoped<ReportStore>();
        services.AddScoped<AnalyticsApi.Context>();
        services.AddSingleton<AnalyticsConsole>();
        services.AddMemoryCache();
        services.AddSingleton<EnterprisePortraits>();
        if (configuration.GetValue($"{AnalyticsOptions.Section}:{nameof(AnalyticsOptions.Projector)}", true))
            services.AddHostedService<AnalyticsProjectorService>();
        if (configuration.GetValue($"{AnalyticsOptions.Section}:{nameof(AnalyticsOptions.Reports)}", true))
            ScheduleReports(services, configuration);
        return services;
    }

    /// <summary>Weekly on Mondays and monthly on the 1st at the report time (city time zone), and hourly to catch up.</summary>
    private static void ScheduleReports(IServiceCollection services, IConfiguration configuration)
    {
        var time = TimeOnly.ParseExact(configuration.GetValue($"{AnalyticsOptions.Section}:{nameof(AnalyticsOptions.ReportTime)}", "08:00")!, "HH:mm",
            System.Globalization.CultureInfo.InvariantCulture);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(configuration.GetValue($"{HotlineOptions.Section}:TimeZone", "Asia/Shanghai")!);
        services.AddQuartz(q =>
        {
            var job = new Quartz.JobKey("analysis-reports");
            q.AddJob<AnalysisReportJob>(j => j.WithIdentity(job));
            q.AddTrigger(t => t.ForJob(job).WithIdentity("analysis-reports-weekly")
                .WithCronSchedule($"0 {time.Minute} {time.Hour} ? * MON", c => c.InTimeZone(zone)));
            q.AddTrigger(t => t.ForJob(job).WithIdentity("analysis-reports-monthly")
                .WithCronSchedule($"0 {time.Minute} {time.Hour} 1 * ?", c => c.InTimeZone(zone)));
            q.AddTrigger(t => t.ForJob(job).WithIdentity("analysis-reports-catch-up").StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever()));
        });
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(Quartz.QuartzHostedService)))
            services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }
}
