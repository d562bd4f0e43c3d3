using Quartz;

namespace Hotline.Server.Analytics;

/// <summary>
/// Builds the reports that are due (last week's, last month's). Fired by cron at the report time in the city's time
/// zone and hourly to catch up after downtime; building is idempotent per period, so any number of fires and nodes
/// make one report.
/// </summary>
[DisallowConcurrentExecution]
public sealed class AnalysisReportJob(ReportBuilder builder) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await builder.BuildDueAsync(cancellationToken);
}
