using Hotline.Domain.Access;
using Hotline.Domain.Analytics;
using Hotline.Server.Access;
using Hotline.Server.Exports;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Hotline.Server.Common;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Hotline.Server.Analytics;

/// <summary>
/// 政情民意 over HTTP: figures with 环比/同比, the ranking, trends, breakdowns, the tickets behind any figure and their
/// export, the assessment scheme. A department handler sees only their department's figures and tickets: their
/// department is the filter, whatever they ask, and another department's is 404.
/// </summary>
public static class AnalyticsApi
{
    public static readonly string[] ReaderRoles = [Roles.Leader, Roles.Supervisor, Roles.Admin, Roles.DepartmentHandler];
    public static readonly string[] ReportRoles = [Roles.Leader, Roles.Supervisor, Roles.Admin];
    /// <summary>The enterprise flag is for whoever takes or routes its calls too.</summary>
    public static readonly string[] EnterpriseRoles = [Roles.Agent, Roles.Dispatcher, Roles.Leader, Roles.Supervisor, Roles.Admin, Roles.DepartmentHandler];

    public static void MapAnalytics(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/analytics").WithTags("Analytics").RequireAuthorization(p => p.RequireRole(ReaderRoles));

        // The drill-down page of old (钻取) is now a filter of the ticket search: old links and bookmarks land there.
        routes.MapGet("/analytics/tickets", ([AsParameters] AnalyticsQuery q, string? counter, string? figure) =>
                TypedResults.Redirect(FigureFilter.Link(q, counter ?? "", figure)))
            .ExcludeFromDescription();

        api.MapGet("/figures", async Task<Results<Ok<Scorecard>, NotFound>> ([AsParameters] AnalyticsQuery q, HttpContext http, [FromServices] Context c, CancellationToken ct) =>
                c.Filter(q, http) is { } f ? TypedResults.Ok(await c.Queries.ScorecardAsync(f, ct)) : TypedResults.NotFound())
            .WithSummary("The period's figures (考核指标) with 环比 and 同比; each names the counter whose tickets it links to");

        api.MapGet("/ranking", async Task<Results<Ok<IReadOnlyList<RankingRow>>, NotFound>> ([AsParameters] AnalyticsQuery q, HttpContext http, [FromServices] Context c, CancellationToken ct) =>
            {
                var actor = http.User.ToActor();
                if (c.Filter(q with { Department = null }, http, centreForHandlers: true) is not { } f)
                    return TypedResults.NotFound();
                var ranking = await c.Queries.RankingAsync(f, ct);
                // A department sees its own line and rank among all, not the others' figures.
                return TypedResults.Ok(actor.IsDepartmentHandler ? ranking.Where(r => r.DepartmentCode == actor.DepartmentCode).ToList() : ranking);
            })
            .WithSummary("Departments ranked by composite score (排名); a handler gets their own line");

        api.MapGet("/portrait", async Task<Results<Ok<DepartmentPortrait>, NotFound>> ([AsParameters] AnalyticsQuery q, HttpContext http, [FromServices] Context c, CancellationToken ct) =>
            {
                if (c.Filter(q, http) is not { Department: not null } f)
                    return TypedResults.NotFound();
                return TypedResults.Ok(await c.Queries.PortraitAsync(f, ct));
            })
            .WithSummary("部门画像 (department= required, a handler's own by default): its rates beside the centre's average and its returns by reason");

        api.MapGet("/online-resolutions", async Task<Results<Ok<OnlineResolutionFigures>, NotFound>> ([AsParameters] AnalyticsQuery q, HttpContext http, [FromServices] Context c, CancellationToken ct) =>
                c.Filter(q, http) is { } f && await c.Queries.OnlineResolutionsAsync(f, ct) is { } online ? TypedResults.Ok(online) : TypedResults.NotFound())
            .WithSummary("在线办结: questions the public page's articles solved in the period, with 环比/同比 and the articles that solved most; the whole centre only (404 under a department, district or other filter)");

        api.MapGet("/trend", async Task<Results<Ok<IReadOnlyList<TrendPoint>>, NotFound>> ([AsParameters] AnalyticsQuery q, HttpContext http, [FromServices] Context c, CancellationToken ct) =>
                c.Filter(q, http) is { } f ? TypedResults.Ok(await c.Queries.TrendAsync(f, ct)) : TypedResults.NotFound())
            .WithSummary("Volume and the three rates per day, week or month of the period");

        api.MapGet("/breakdown", async Task<Results<Ok<IReadOnlyList<BreakdownRow>>, NotFound>> ([AsParameters] AnalyticsQuery q, string? by, HttpContext http, [FromServices] Context c, CancellationToken ct) =>
            {
                if (!Enum.TryParse<Dimension>(by ?? nameof(Dimension.Department), ignoreCase: true, out var dimension) || int.TryParse(by, out _))
                    throw new RequestValidationException([new("by", "InvalidValue")]);
                return c.Filter(q, http) is { } f ? TypedResults.Ok(await c.Queries.BreakdownAsync(f, dimension, ct)) : TypedResults.NotFound();
            })
            .WithSummary("The period's volume and rates per department, district, category (one level down), type, channel or requester kind");

        api.MapGet("/tickets", async Task<Results<Ok<FactTicketPage>, NotFound>> ([AsParameters] AnalyticsQuery q, string? counter, int? offset, int? limit, HttpContext http, [FromServices] Context c, CancellationToken ct) =>
                c.Filter(q, http) is { } f
                    ? TypedResults.Ok(await c.Tickets.PageAsync(f, counter ?? "", http.User.ToActor(), offset ?? 0, limit ?? 50, ct))
                    : TypedResults.NotFound())
            .WithSummary("The tickets behind a figure (钻取): the rows where the figure's counter is set, newest first; total equals the figure");

        api.MapGet("/tickets/export", IResult ([AsParameters] AnalyticsQuery q, string? counter, string? format, HttpContext http, [FromServices] Context c) =>
            {
                if (c.Filter(q, http) is not { } f)
                    return TypedResults.NotFound();
                var fmt = ParseFormat(format);
                if (!FactSet.IsListable(counter ?? ""))
                    throw new RequestValidationException([new("counter", "InvalidValue")]);
                var rows = c.Tickets.StreamAsync(f, counter!, http.User.ToActor());
                return TableExport.Result(fmt, $"tickets-{counter}-{f.Period.Key}", ExportSheet.Of(c.Text["Analytics.Sheet.Tickets"], AnalyticsExports.TicketColumns(c.Text), rows));
            })
            .Produces<Stream>(StatusCodes.Status200OK, TableExport.XlsxContentType, TableExport.CsvContentType)
            .WithSummary("The tickets behind a figure as .xlsx or CSV (format=xlsx|csv), streamed");

        api.MapGet("/export", async Task<IResult> ([AsParameters] AnalyticsQuery q, string? format, HttpContext http, [FromServices] Context c, HotTopicQueries topics, CancellationToken ct) =>
            {
                if (c.Filter(q, http) is not { } f)
                    return TypedResults.NotFound();
                var fmt = ParseFormat(format);
                var actor = http.User.ToActor();
                var ranking = await c.Queries.RankingAsync(f with { Department = null }, ct);
                if (actor.IsDepartmentHandler)
                    ranking = ranking.Where(r => r.DepartmentCode == actor.DepartmentCode).ToList();
                var sheets = AnalyticsExports.DashboardSheets(c.Text, await c.Queries.ScorecardAsync(f, ct), ranking, await c.Queries.TrendAsync(f, ct),
                    await c.Queries.BreakdownAsync(f, Dimension.Category, ct), await c.Queries.BreakdownAsync(f, Dimension.District, ct), await topics.TopicsAsync(f, ct),
                    await c.Queries.OnlineResolutionsAsync(f, ct));
                // CSV holds one table: the one named by table= (figures, ranking, trend, categories, districts, topics, online).
                var index = AnalyticsExports.DashboardTables.ToList().IndexOf(http.Request.Query["table"].ToString());
                if (fmt == ExportFormat.Csv && index < 0)
                    throw new RequestValidationException([new("table", "InvalidValue")]);
                return TableExport.Result(fmt, $"analytics-{f.Period.Key}", fmt == ExportFormat.Csv ? [sheets[index]] : [.. sheets]);
            })
            .Produces<Stream>(StatusCodes.Status200OK, TableExport.XlsxContentType, TableExport.CsvContentType)
            .WithSummary("The dashboard's tables (figures, ranking, trend, categories, districts, topics, online) as one workbook, or one table as CSV (table=)");

        api.MapGet("/portrait/export", async Task<IResult> ([AsParameters] AnalyticsQuery q, string? format, string? table, HttpContext http, [FromServices] Context c, CancellationToken ct) =>
            {
                if (c.Filter(q, http) is not { Department: not null } f)
                    return TypedResults.NotFound();
                var fmt = ParseFormat(format);
                var sheets = AnalyticsExports.DepartmentPortraitSheets(c.Text, await c.Queries.PortraitAsync(f, ct));
                return TableExport.Result(fmt, $"portrait-{f.Department}-{f.Period.Key}", AnalyticsExports.Pick(AnalyticsExports.DepartmentPortraitTables, sheets, table, fmt));
            })
            .Produces<Stream>(StatusCodes.Status200OK, TableExport.XlsxContentType, TableExport.CsvContentType)
            .WithSummary("The department portrait's tables (rates against the centre, returns by reason) as one workbook, or one table (table=rates|returns) as .xlsx or CSV");

        api.MapGet("/topics", async Task<Results<Ok<IReadOnlyList<TopicView>>, NotFound>> ([AsParameters] AnalyticsQuery q, HttpContext http, [FromServices] Context c, HotTopicQueries topics, CancellationToken ct) =>
                c.Filter(q, http) is { } f ? TypedResults.Ok(await topics.TopicsAsync(f, ct)) : TypedResults.NotFound())
            .WithSummary("Hot topics (热点) of the period by TF-IDF, bursts first; each lists its tickets with word= and its counter");

        api.MapGet("/alerts", async (HotTopicQueries topics, CancellationToken ct) => TypedResults.Ok(await topics.AlertsAsync(ct)))
            .RequireAuthorization(p => p.RequireRole(Roles.Supervisor, Roles.Leader, Roles.Admin))
            .WithSummary("Possible group complaints (可能的群体性诉求): the same matter in one district within hours, with the tickets");

        routes.MapGet("/api/analytics/enterprises/{creditCode}", async Task<Results<Ok<EnterprisePortrait>, NotFound>> (string creditCode, HttpContext http, EnterprisePortraits portraits, CancellationToken ct) =>
                await portraits.PortraitAsync(creditCode, http.User.ToActor(), ct) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound())
            .WithTags("Analytics").RequireAuthorization(p => p.RequireRole(EnterpriseRoles))
            .WithSummary("企业画像 by 统一社会信用代码: tickets, categories, departments, satisfaction, open matters, timeline and why it is watched (重点关注)");
        routes.MapGet("/api/analytics/enterprises/{creditCode}/export", async Task<IResult> (string creditCode, string? format, string? table, HttpContext http, EnterprisePortraits portraits,
                [FromServices] Context c, CancellationToken ct) =>
            {
                var fmt = ParseFormat(format);
                if (await portraits.PortraitAsync(creditCode, http.User.ToActor(), ct) is not { } p)
                    return TypedResults.NotFound();
                return TableExport.Result(fmt, $"enterprise-{p.CreditCode}",
                    AnalyticsExports.Pick(AnalyticsExports.EnterprisePortraitTables, AnalyticsExports.EnterprisePortraitSheets(c.Text, p), table, fmt));
            })
            .WithTags("Analytics").RequireAuthorization(p => p.RequireRole(EnterpriseRoles))
            .Produces<Stream>(StatusCodes.Status200OK, TableExport.XlsxContentType, TableExport.CsvContentType)
            .WithSummary("The enterprise portrait's tables (categories, departments, timeline) as one workbook, or one table (table=) as .xlsx or CSV");
        routes.MapGet("/api/analytics/enterprises/{creditCode}/watch", async (string creditCode, HttpContext http, EnterprisePortraits portraits, CancellationToken ct) =>
            {
                var reasons = await portraits.WatchAsync(creditCode, ct);
                // A handler learns that the enterprise is watched and why, not which other departments' tickets made it so.
                return TypedResults.Ok(http.User.ToActor().IsDepartmentHandler ? reasons.Select(r => r with { Numbers = [] }).ToList() : reasons);
            })
            .WithTags("Analytics").RequireAuthorization(p => p.RequireRole(EnterpriseRoles))
            .WithSummary("Why an enterprise is flagged 重点关注 (empty: it is not): repeated matters, unresolved answers, overdue open tickets in 90 days");

        var reports = api.MapGroup("/reports").RequireAuthorization(p => p.RequireRole(ReportRoles));
        reports.MapGet("", async (ReportStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct)))
            .WithSummary("The analysis reports (研判报告), newest first");
        reports.MapPost("", async Task<Results<Created<ReportInfo>, Ok<ReportInfo>, NotFound>> ([FromBody] AnalyticsQuery q, HttpContext http, [FromServices] Context c, ReportBuilder builder, CancellationToken ct) =>
            {
                if (c.Filter(q with { Department = null }, http) is not { } f)
                    return TypedResults.NotFound();
                var (report, created) = await builder.BuildAsync(f.Period, http.User.ToActor().Name, ct);
                var info = ReportInfo.Of(report);
                return created ? TypedResults.Created($"/api/analytics/reports/{report.Kind}/{report.PeriodKey}", info) : TypedResults.Ok(info);
            })
            .WithSummary("Builds the report of a period on demand (body: period and date, or from and to); an existing one is returned as it is");
        reports.MapGet("/{kind}/{key}", async Task<Results<Ok<ReportContent>, NotFound>> (string kind, string key, ReportStore store, CancellationToken ct) =>
                await store.ContentAsync(kind, key, ct) is { } content ? TypedResults.Ok(content) : TypedResults.NotFound())
            .WithSummary("A report's content, as it was built");
        reports.MapGet("/{kind}/{key}/workbook", async Task<Results<FileContentHttpResult, NotFound>> (string kind, string key, ReportStore store, CancellationToken ct) =>
                await store.WorkbookAsync(kind, key, ct) is { } bytes ? TypedResults.File(bytes, TableExport.XlsxContentType, $"{kind}-{key}.xlsx") : TypedResults.NotFound())
            .Produces<Stream>(StatusCodes.Status200OK, TableExport.XlsxContentType)
            .WithSummary("A report's workbook (.xlsx, one sheet per table)");

        api.MapGet("/scheme", (SchemeStore schemes) => TypedResults.Ok(new SchemeView(schemes.Current, schemes.Versions)))
            .WithSummary("The assessment scheme in force (考核方案) and all its versions");

        api.MapPut("/scheme", async (AssessmentScheme scheme, HttpContext http, SchemeStore schemes, CancellationToken ct) =>
                TypedResults.Ok(await schemes.SaveAsync(scheme, http.User.ToActor().Name, ct)))
            .RequireAuthorization(p => p.RequireRole(Roles.Admin))
            .WithSummary("Saves a version of the assessment scheme from its first day (admins)");
    }

    private static ExportFormat ParseFormat(string? format) =>
        Enum.TryParse<ExportFormat>(format ?? "xlsx", ignoreCase: true, out var f) && !int.TryParse(format, out _)
            ? f : throw new RequestValidationException([new("format", "InvalidValue")]);

    /// <summary>What every analytics endpoint needs, resolved once.</summary>
    public sealed class Context(AnalyticsQueries queries, AnalyticsTickets tickets, ReferenceData reference, CityClock clock, IStringLocalizer<Messages> text)
    {
        public AnalyticsQueries Queries => queries;
        public AnalyticsTickets Tickets => tickets;
        public IStringLocalizer<Messages> Text => text;

        /// <summary>The checked filter; null when a handler asks for another department (404).</summary>
        public AnalyticsFilter? Filter(AnalyticsQuery q, HttpContext http, bool centreForHandlers = false)
        {
            var actor = http.User.ToActor();
            return AnalyticsFilter.Parse(q, centreForHandlers && actor.IsDepartmentHandler ? actor with { Role = Roles.Leader } : actor, reference, clock);
        }
    }
}

public sealed record SchemeView(AssessmentScheme Current, IReadOnlyList<AssessmentScheme> Versions);
