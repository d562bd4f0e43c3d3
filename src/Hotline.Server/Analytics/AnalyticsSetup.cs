using Hotline.Server.Data;

namespace Hotline.Server.Analytics;

/// <summary>Options of 政情民意 analytics (<c>Analytics:*</c>).</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>Keep the figures up to date from the event log in the background (tests drive the projector by hand).</summary>
    public bool Projector { get; set; } = true;
}

/// <summary>Runs the projector after every commit and every second, and once at start to catch up after downtime.</summary>
public sealed class AnalyticsProjectorService(AnalyticsProjector projector, CommitSignal commits, ILogger<AnalyticsProjectorService> logger) : BackgroundService
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
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SchemeStore>();
        services.AddSingleton<AnalyticsProjector>();
        services.AddScoped<AnalyticsQueries>();
        services.AddScoped<AnalyticsTickets>();
        services.AddScoped<HotTopicQueries>();
        services.AddScoped<AnalyticsApi.Context>();
        services.AddSingleton<AnalyticsConsole>();
        if (configuration.GetValue($"{AnalyticsOptions.Section}:{nameof(AnalyticsOptions.Projector)}", true))
            services.AddHostedService<AnalyticsProjectorService>();
        return services;
    }
}
