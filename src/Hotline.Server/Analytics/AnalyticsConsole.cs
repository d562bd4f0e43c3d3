using Hotline.Domain.Access;
using Hotline.Server.Reference;
using Hotline.Server.Common;
using Hotline.Server.Tickets;

namespace Hotline.Server.Analytics;

/// <summary>What the analytics pages show for one query.</summary>
public sealed record DashboardData(
    AnalyticsFilter Filter, Scorecard Scorecard, IReadOnlyList<TrendPoint> Trend, IReadOnlyList<RankingRow> Ranking,
    IReadOnlyList<BreakdownRow> Categories, IReadOnlyList<BreakdownRow> Districts, OnlineResolutionFigures? Online);

/// <summary>
/// The console's entry to analytics: the same checked filter (<see cref="AnalyticsFilter.Parse"/>, with department
/// isolation) and the same queries as <c>/api/analytics</c>, each call in a scope of its own so a page's parallel
/// loads never share a DbContext. Null answers mean "not yours" (the API's 404).
/// </summary>
public sealed class AnalyticsConsole(IServiceScopeFactory scopes, ReferenceData reference, CityClock clock)
{
    public AnalyticsFilter? Filter(AnalyticsQuery query, Actor actor) => AnalyticsFilter.Parse(query, actor, reference, clock);

    public async Task<DashboardData?> DashboardAsync(AnalyticsQuery query, Actor actor, CancellationToken ct)
    {
        if (Filter(query, actor) is not { } f)
            return null;
        await using var scope = scopes.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<AnalyticsQueries>();
        var ranking = await queries.RankingAsync(f with { Department = null }, ct);
        if (actor.IsDepartmentHandler)
            ranking = ranking.Where(r => r.DepartmentCode == actor.DepartmentCode).ToList();
        return new(f, await queries.ScorecardAsync(f, ct), await queries.TrendAsync(f, ct), ranking,
            await queries.BreakdownAsync(f, Dimension.Category, ct), await queries.BreakdownAsync(f, Dimension.District, ct),
            await queries.OnlineResolutionsAsync(f, ct));
    }

    public async Task<DepartmentPortrait?> PortraitAsync(AnalyticsQuery query, Actor actor, CancellationToken ct)
    {
        if (Filter(query, actor) is not { Department: not null } f)
            return null;
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AnalyticsQueries>().PortraitAsync(f, ct);
    }

    public async Task<IReadOnlyList<TopicView>?> TopicsAsync(AnalyticsQuery query, Actor actor, CancellationToken ct)
    {
        if (Filter(query, actor) is not { } f)
            return null;
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HotTopicQueries>().TopicsAsync(f, ct);
    }

    /// <summary>
    /// Possible group complaints now, the tickets of the first <paramref name="alerts"/> only, their first
    /// <paramref name="tickets"/>; for the supervision and leader desks (the actor is checked by the page's roles).
    /// </summary>
    public async Task<IReadOnlyList<AlertView>> AlertsAsync(Actor actor, int alerts, int tickets, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return actor.IsDepartmentHandler ? [] : await scope.ServiceProvider.GetRequiredService<HotTopicQueries>().AlertsAsync(ct, (alerts, tickets));
    }

    public async Task<Scorecard?> ScorecardAsync(AnalyticsQuery query, Actor actor, CancellationToken ct)
    {
        if (Filter(query, actor) is not { } f)
            return null;
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AnalyticsQueries>().ScorecardAsync(f, ct);
    }

    public async Task<FactTicketPage?> TicketsAsync(AnalyticsQuery query, string counter, Actor actor, int offset, int limit, CancellationToken ct)
    {
        if (Filter(query, actor) is not { } f)
            return null;
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AnalyticsTickets>().PageAsync(f, counter, actor, offset, limit, ct);
    }

    public async Task<IReadOnlyList<ReportInfo>> ReportsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReportStore>().ListAsync(ct);
    }

    public async Task<ReportContent?> ReportAsync(string kind, string key, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReportStore>().ContentAsync(kind, key, ct);
    }

    /// <summary>Builds (or finds) the report of a period on demand.</summary>
    public async Task<ReportInfo> BuildReportAsync(Domain.Analytics.Period period, Actor actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (report, _) = await scope.ServiceProvider.GetRequiredService<ReportBuilder>().BuildAsync(period, actor.Name, ct);
        return ReportInfo.Of(report);
    }

    public string DepartmentName(string code) => code.Length == 0 ? "12345" : reference.DepartmentName(code);
}
