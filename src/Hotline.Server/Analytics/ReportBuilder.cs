using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Domain.Access;
using Hotline.Domain.Analytics;
using Hotline.Server.Data;
using Hotline.Server.Exports;
using Hotline.Server.Notifications;
using Hotline.Server.Reference;
using Hotline.Server.Common;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Hotline.Server.Analytics;

/// <summary>A topic of a report with a few of its tickets.</summary>
public sealed record ReportTopic(string Word, long Tickets, bool Burst, IReadOnlyList<ReportTicket> Examples);

/// <summary>A ticket in a report's lists: number, title, department and status; never the requester.</summary>
public sealed record ReportTicket(string Number, string Title, string Department, string Category, DateTimeOffset RegisteredAt, string? Level);

/// <summary>堵点: an enterprise matter where tickets do not get resolved.</summary>
public sealed record BlockingPoint(string Category, long Tickets, double? SatisfactionRate, long Unresolved, long Unsatisfied, long Repeat);

/// <summary>Everything a report shows, frozen when it was built.</summary>
public sealed record ReportContent(
    string Kind, string Title, PeriodView Period, PeriodView Previous, PeriodView LastYear, IReadOnlyList<string> Summary,
    IReadOnlyList<FigureView> Figures, IReadOnlyList<RankingRow> Ranking, IReadOnlyList<ReportTopic> Topics,
    IReadOnlyList<ReportTicket> Overdue, IReadOnlyList<ReportTicket> Unsatisfied,
    IReadOnlyList<BreakdownRow> EnterpriseHotSpots, IReadOnlyList<BlockingPoint> BlockingPoints, OnlineResolutionFigures? Online = null);

/// <summary>
/// 研判报告: builds a period's report (figures with 环比/同比, ranking, hot topics with example tickets, overdue and
/// unsatisfied lists, enterprises' hot spots and blocking points, a summary in sentences), its workbook, and its emails,
/// and stores them in one transaction. The report row is unique per kind and period and each email's Message-ID per
/// report and recipient, so building twice (a restart, a second node, two clicks) keeps exactly one of each.
/// </summary>
public sealed class ReportBuilder(
    IServiceScopeFactory scopes, IDbContextFactory<HotlineDbContext> contexts, ReferenceData reference, Outbox outbox,
    IOptions<AnalyticsOptions> options, IOptions<NotificationOptions> notifications, IOptions<Ratings.RequesterLinkOptions> links,
    SchemeStore schemes, CityClock clock, ILogger<ReportBuilder> logger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private const int ListLength = 50;

    /// <summary>For tests: runs after the report and its emails are prepared and before they are committed (a crash there loses nothing).</summary>
    internal Func<CancellationToken, Task>? BeforeCommit { get; set; }

    public static string KindOf(PeriodKind kind) => kind switch
    {
        PeriodKind.Week => "weekly",
        PeriodKind.Month => "monthly",
        _ => "range",
    };

    /// <summary>The reports due now and not built yet: last week's from Monday at the report time, last month's from the 1st.</summary>
    public async Task<int> BuildDueAsync(CancellationToken ct)
    {
        var local = TimeZoneInfo.ConvertTime(clock.Now, clock.Zone);
        if (TimeOnly.FromDateTime(local.DateTime) < options.Value.ReportTimeOfDay)
            return 0;
        var today = DateOnly.FromDateTime(local.DateTime);
        var built = 0;
        foreach (var period in new[] { Period.Of(PeriodKind.Week, today).Previous, Period.Of(PeriodKind.Month, today).Previous })
        {
            if (await BuildAsync(period, "system", ct) is { Created: true })
                built++;
        }
        return built;
    }

    /// <summary>Builds the report of a period unless it exists; returns it, and whether this call created it.</summary>
    public async Task<(AnalysisReport Report, bool Created)> BuildAsync(Period period, string by, CancellationToken ct)
    {
        var kind = KindOf(period.Kind);
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            if (await db.Set<AnalysisReport>().AsNoTracking().FirstOrDefaultAsync(r => r.Kind == kind && r.PeriodKey == period.Key, ct) is { } existing)
                return (existing, false);
        }

        var content = await ContentAsync(period, ct);
        var laps = new SectionLaps(logger, period);
        var report = new AnalysisReport
        {
            Kind = kind, PeriodKey = period.Key, From = period.From, To = period.To, CreatedAt = clock.Now, CreatedBy = by,
            Summary = string.Concat(content.Summary), ContentJson = JsonSerializer.Serialize(content, Json), Workbook = await WorkbookAsync(content, ct),
        };
        laps.Lap("workbook");
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.Add(report);
            await db.SaveChangesAsync(ct); // the unique (kind, period) index stops a second builder here
            foreach (var email in Emails(report, content))
                db.OutboxEmails.Add(email);
            if (BeforeCommit is { } hook)
                await hook(ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            laps.Lap("emails and commit");
        }
        catch (DbUpdateException)
        {
            // Another builder (a second node, an overlapping run) committed this period's report first: keep theirs.
            if (await ExistsAsync(kind, period.Key, ct) is { } other)
                return (other, false);
            throw;
        }
        logger.LogInformation("Analysis report {Kind} {Period} built", kind, period.Key);
        return (report, true);
    }

    private async Task<AnalysisReport?> ExistsAsync(string kind, string key, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<AnalysisReport>().AsNoTracking().FirstOrDefaultAsync(r => r.Kind == kind && r.PeriodKey == key, ct);
    }

    public static string TitleOf(string kind, Period period) => kind switch
    {
        "weekly" => $"{period.From:yyyy年M月d日}至{period.To:M月d日}周研判报告",
        "monthly" => $"{period.From:yyyy年M月}月度研判报告",
        _ => $"{period.From:yyyy年M月d日}至{period.To:yyyy年M月d日}研判报告",
    };

    private async Task<ReportContent> ContentAsync(Period period, CancellationToken ct)
    {
        // A report is written in Chinese (its summary, sheets and email), whoever asks for it: names in Chinese too.
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("zh-CN");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var queries = scope.ServiceProvider.GetRequiredService<AnalyticsQueries>();
        var topics = scope.ServiceProvider.GetRequiredService<HotTopicQueries>();
        var tickets = scope.ServiceProvider.GetRequiredService<AnalyticsTickets>();
        var reader = new Actor("system", "系统", Roles.Leader, null); // lists in reports never show requesters
        var f = new AnalyticsFilter(period, null, null, null, null, null, null, null);

        var laps = new SectionLaps(logger, period);
        var card = await queries.ScorecardAsync(f, ct);
        laps.Lap("figures");
        var ranking = await queries.RankingAsync(f, ct);
        laps.Lap("ranking");
        var hot = (await topics.TopicsAsync(f, ct, withPlaces: false)).Take(10).ToList();
        laps.Lap("hot topics");
        var reportTopics = new List<ReportTopic>();
        foreach (var t in hot)
            reportTopics.Add(new(t.Word, t.Tickets, t.Burst, await ListAsync(tickets.StreamAsync(f with { Word = t.Word }, t.ListCounter, reader), 3, ct)));
        laps.Lap("topic examples");
        // The lists read the period's rows newest first until they are full; the totals (from the rollups) let them stop at
        // the last row there is instead of reading to the period's first day when fewer rows than a list's length exist.
        var totals = await FactSet.SumAsync(FactSet.Rollups(db, f), ct);
        var overdue = await ListAsync(tickets.StreamAsync(f, nameof(FactMeasures.Overdue), reader), (int)Math.Min(ListLength, totals.Overdue), ct);
        laps.Lap("overdue list");
        var unsatisfied = await ListAsync(tickets.StreamAsync(f, Assessment.Unsatisfied, reader), (int)Math.Min(ListLength, totals.Dissatisfied + totals.VeryDissatisfied), ct);
        laps.Lap("unsatisfied list");
        var enterprise = f with { RequesterKind = Domain.Tickets.RequesterKind.Enterprise };
        var hotSpots = (await queries.BreakdownAsync(enterprise, Dimension.Category, ct)).Take(10).ToList();
        laps.Lap("enterprise hot spots");
        var blocking = await BlockingPointsAsync(db, enterprise, ct);
        laps.Lap("blocking points");
        var online = await queries.OnlineResolutionsAsync(f, ct);
        laps.Lap("online resolutions");
        var overdueByDepartment = ranking.Where(r => r.Overdue > 0).OrderByDescending(r => r.Overdue).Select(r => (r.DepartmentName, r.Overdue)).ToList();

        var kind = KindOf(period.Kind);
        var summary = ReportSummary.Sentences(new SummaryInput(
            period, (long)(card["Volume"].Value ?? 0), card["Volume"].ChangeFromPrevious, card["Volume"].ChangeFromLastYear,
            card["ResponseRate"].Value, card["ResolutionRate"].Value, card["SatisfactionRate"].Value, card["CompositeScore"].Value, card["CompositeScore"].ChangeFromPrevious,
            ranking.Select(r => (r.DepartmentName, r.Score)).ToList(), hot.Select(t => (t.Word, t.Tickets, t.Burst)).ToList(),
            (long)(card["Overdue"].Value ?? 0), overdueByDepartment,
            hotSpots.Sum(h => h.Volume), blocking.Select(b => (b.Category, b.Tickets, b.SatisfactionRate, b.Unresolved)).ToList(),
            online?.Count ?? 0, online?.ChangeFromPrevious));
        return new(kind, TitleOf(kind, period), card.Period, card.Previous, card.LastYear, summary, card.Figures, ranking, reportTopics, overdue, unsatisfied, hotSpots, blocking, online);
    }

    /// <summary>堵点: enterprises' categories (3 tickets or more) ordered by what stays unsolved: unresolved, unsatisfied, repeated.</summary>
    private async Task<IReadOnlyList<BlockingPoint>> BlockingPointsAsync(HotlineDbContext db, AnalyticsFilter f, CancellationToken ct)
    {
        var scheme = schemes.For(f.Period.From); // the period's scheme, as its figures use
        var groups = await FactSet.SumAsync(FactSet.Rollups(db, f, RollupDimensions.Category), r => r.CategoryCode, ct);
        return groups.Select(g => new BlockingPoint(reference.Categories.GetValueOrDefault(g.Key)?.Name ?? g.Key, g.Measures.Registered,
                Assessment.SatisfactionRate(g.Measures, scheme), g.Measures.Rated - g.Measures.Resolved,
                g.Measures.Dissatisfied + g.Measures.VeryDissatisfied, g.Measures.Repeat))
            .Where(b => b.Tickets >= 3 && b.Unresolved + b.Unsatisfied + b.Repeat > 0)
            .OrderByDescending(b => b.Unresolved + b.Unsatisfied + b.Repeat).ThenByDescending(b => b.Tickets).Take(10).ToList();
    }

    private static async Task<IReadOnlyList<ReportTicket>> ListAsync(IAsyncEnumerable<FactTicket> rows, int max, CancellationToken ct)
    {
        var list = new List<ReportTicket>();
        if (max <= 0)
            return list; // not even one row to look for: no query
        await foreach (var t in rows.WithCancellation(ct))
        {
            if (list.All(x => x.Number != t.Number))
                list.Add(new(t.Number, t.Title, t.DepartmentName, t.CategoryName, t.RegisteredAt, t.Level is { } l ? Domain.Tickets.RatingRules.Label(l) : null));
            if (list.Count == max)
                break; // full: no further row is read
        }
        return list;
    }

    /// <summary>The report as a workbook: one sheet per table, headed in Chinese (the report's language).</summary>
    public static async Task<byte[]> WorkbookAsync(ReportContent c, CancellationToken ct)
    {
        using var stream = new MemoryStream();
        await TableExport.WriteXlsxAsync(stream, ReportSheets.All(c), ct);
        return stream.ToArray();
    }

    private IEnumerable<OutboxEmail> Emails(AnalysisReport report, ReportContent content)
    {
        var language = notifications.Value.DefaultLanguage;
        var url = $"{links.Value.PublicBaseUrl.TrimEnd('/')}/analytics/reports/{report.Kind}/{report.PeriodKey}";
        var file = $"{report.Kind}-{report.PeriodKey}.xlsx";
        foreach (var (address, name) in Recipients())
        {
            var model = new Dictionary<string, object?>
            {
                ["recipient"] = new Dictionary<string, object?> { ["name"] = name },
                ["report"] = new Dictionary<string, object?>
                {
                    ["title"] = content.Title, ["from"] = report.From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    ["to"] = report.To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    ["summary"] = content.Summary.ToList(), ["url"] = url,
                },
                ["hotline"] = new Dictionary<string, object?> { ["name"] = language == Languages.English ? "12345 Government Service Hotline" : "12345政务服务便民热线" },
            };
            // The key names the report and the recipient, so each gets it once whatever runs twice.
            var key = $"{report.Kind}-{report.PeriodKey}.r-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address.ToLowerInvariant())))[..12]}";
            yield return outbox.Compose(EmailKinds.AnalysisReport, key, address, name, language, model,
                [new OutboxAttachment { FileName = file, ContentType = TableExport.XlsxContentType, Content = report.Workbook }]);
        }
    }

    /// <summary>The configured leaders and, when enabled, every department head with an email address; each address once.</summary>
    private IEnumerable<(string Address, string? Name)> Recipients()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in options.Value.ReportRecipients)
        {
            if (MailboxAddress.TryParse(entry, out var mailbox) && seen.Add(mailbox.Address))
                yield return (mailbox.Address, string.IsNullOrWhiteSpace(mailbox.Name) ? null : mailbox.Name);
        }
        if (!options.Value.ReportsToDepartmentHeads)
            yield break;
        foreach (var d in reference.Departments.Values.Where(d => !string.IsNullOrWhiteSpace(d.HeadEmail)).OrderBy(d => d.Code, StringComparer.Ordinal))
        {
            if (seen.Add(d.HeadEmail!.Trim()))
                yield return (d.HeadEmail.Trim(), d.HeadName);
        }
    }
}

/// <summary>Logs how long each section of a report took (Debug), to find what a slow report spends its time on.</summary>
internal sealed class SectionLaps(ILogger logger, Period period)
{
    private long started = System.Diagnostics.Stopwatch.GetTimestamp();

    public void Lap(string section)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        logger.LogDebug("Report {Period}: {Section} in {Milliseconds} ms", period.Key, section,
            (long)System.Diagnostics.Stopwatch.GetElapsedTime(started, now).TotalMilliseconds);
        started = now;
    }
}
