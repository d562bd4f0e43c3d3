using System.Globalization;
using Hotline.Domain.Access;
using Hotline.Domain.Analytics;
using Hotline.Domain.Tickets;
using Hotline.Server.Common;
using Hotline.Server.Data;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Analytics;

/// <summary>A figure with its comparisons (环比, 同比) and the counter whose tickets it links to.</summary>
public sealed record FigureView(
    string Key, FigureKind Kind, double? Value, double Numerator, long Denominator, string ListCounter,
    double? Previous, double? LastYear, double? ChangeFromPrevious, double? ChangeFromLastYear);

public sealed record PeriodView(PeriodKind Kind, DateOnly From, DateOnly To, string Key);

/// <summary>The figures of a period and scope.</summary>
public sealed record Scorecard(PeriodView Period, PeriodView Previous, PeriodView LastYear, string? Department, string SchemeName, IReadOnlyList<FigureView> Figures)
{
    public FigureView this[string key] => Figures.First(f => f.Key == key);
}

/// <summary>One department's line in the ranking (排名).</summary>
public sealed record RankingRow(
    int Rank, string DepartmentCode, string DepartmentName, double? Score, long Volume, double? ResponseRate, double? ResolutionRate,
    double? SatisfactionRate, long Rated, double? OnTimeHandlingRate, double? ReturnRate, long Overdue);

/// <summary>One bucket of a trend chart.</summary>
public sealed record TrendPoint(string Label, DateOnly From, DateOnly To, long Volume, double? ResponseRate, double? ResolutionRate, double? SatisfactionRate);

/// <summary>One value of a dimension (a district, a category, a channel…) with its volume and rates.</summary>
public sealed record BreakdownRow(string Code, string Name, long Volume, double? ResponseRate, double? ResolutionRate, double? SatisfactionRate, long Rated);

/// <summary>One rate of a department beside the centre's average.</summary>
public sealed record PortraitRow(string Key, FigureKind Kind, double? Department, double? Centre);

public sealed record ReturnReasonRow(ReturnReason? Reason, long Count);

/// <summary>部门画像: the department's rates beside the centre's, and its returns by reason.</summary>
public sealed record DepartmentPortrait(string DepartmentCode, string DepartmentName, IReadOnlyList<PortraitRow> Rates, IReadOnlyList<ReturnReasonRow> Returns);

/// <summary>An article that citizens said solved their question, with how often in the period.</summary>
public sealed record OnlineResolutionArticle(long ArticleId, string Title, long Count);

/// <summary>
/// 在线办结: questions the public page's articles solved (the asker pressed "这解决了我的问题"), in the period, before and
/// a year before, with the articles that solved most. No ticket was registered for them, so they stand beside the
/// ticket figures, not inside them.
/// </summary>
public sealed record OnlineResolutionFigures(
    long Count, long Previous, long LastYear, double? ChangeFromPrevious, double? ChangeFromLastYear, IReadOnlyList<OnlineResolutionArticle> Articles);

/// <summary>The dimensions a breakdown groups by.</summary>
public enum Dimension
{
    Department,
    District,
    Category,
    Type,
    Channel,
    RequesterKind,
}

/// <summary>
/// The figures, from the rollups (日汇总): one grouped SQL query over a year's rollup rows per figure set, whatever the
/// number of tickets. Every number is computed by <see cref="Assessment"/> from summed counters.
/// </summary>
public sealed class AnalyticsQueries(HotlineDbContext db, ReferenceData reference, SchemeStore schemes, CityClock clock)
{
    public async Task<Scorecard> ScorecardAsync(AnalyticsFilter f, CancellationToken ct)
    {
        var scheme = schemes.For(f.Period.From);
        var now = await FactSet.SumAsync(FactSet.Rollups(db, f), ct);
        var before = await FactSet.SumAsync(FactSet.Rollups(db, f.WithPeriod(f.Period.Previous)), ct);
        var lastYear = await FactSet.SumAsync(FactSet.Rollups(db, f.WithPeriod(f.Period.SameLastYear)), ct);
        var figures = Assessment.Definitions(f.Scope).Select(d =>
        {
            var n = Assessment.Compute(d, now, scheme);
            var p = Assessment.Compute(d, before, schemes.For(f.Period.Previous.From));
            var y = Assessment.Compute(d, lastYear, schemes.For(f.Period.SameLastYear.From));
            return new FigureView(d.Key, d.Kind, n.Value, n.Numerator, n.Denominator, d.ListCounter, p.Value, y.Value,
                Assessment.Change(n, p), Assessment.Change(n, y));
        }).ToList();
        return new(View(f.Period), View(f.Period.Previous), View(f.Period.SameLastYear), f.Department, scheme.Name, figures);
    }

    /// <summary>The departments by composite score (main-department work only; co-handling is shown apart).</summary>
    public async Task<IReadOnlyList<RankingRow>> RankingAsync(AnalyticsFilter f, CancellationToken ct)
    {
        var scheme = schemes.For(f.Period.From);
        var rows = await FactSet.SumAsync(FactSet.Rollups(db, f).Where(r => r.Part == FactPart.Main), r => r.DepartmentCode, ct);
        var byDepartment = rows.ToDictionary(r => r.Key, r => r.Measures);
        return Assessment.Rank(rows.Select(r => (r.Key, r.Measures)), scheme).Select(r =>
        {
            var m = byDepartment[r.Department];
            return new RankingRow(r.Rank, r.Department, DepartmentName(r.Department), r.Score, m.Tickets, Assessment.ResponseRate(m),
                Assessment.ResolutionRate(m), Assessment.SatisfactionRate(m, scheme), m.Rated,
                Value(m, FigureScope.Department, "OnTimeHandlingRate", scheme), Value(m, FigureScope.Department, "ReturnRate", scheme), m.Overdue);
        }).ToList();
    }

    /// <summary>Volume and the three rates per day, week or month of the period.</summary>
    public async Task<IReadOnlyList<TrendPoint>> TrendAsync(AnalyticsFilter f, CancellationToken ct)
    {
        var scheme = schemes.For(f.Period.From);
        var buckets = f.Period.Buckets();
        // Month rows are dated their month's first day, inside its bucket; finer buckets read day rows only.
        var byDay = buckets.Any(b => b.Kind != PeriodKind.Month);
        var days = (await FactSet.SumAsync(FactSet.Rollups(db, f, byDay: byDay), r => r.Day, ct)).ToDictionary(d => d.Key, d => d.Measures);
        return buckets.Select(bucket =>
        {
            var m = new FactMeasures();
            foreach (var (day, measures) in days.Where(d => bucket.Contains(d.Key)))
                m.Add(measures);
            var volume = f.Scope == FigureScope.Centre ? m.Registered : m.Tickets;
            return new TrendPoint(bucket.Kind == PeriodKind.Month ? bucket.From.ToString("yyyy-MM", CultureInfo.InvariantCulture) : bucket.From.ToString("MM-dd", CultureInfo.InvariantCulture),
                bucket.From, bucket.To, volume, Assessment.ResponseRate(m), Assessment.ResolutionRate(m), Assessment.SatisfactionRate(m, scheme));
        }).ToList();
    }

    /// <summary>The period's figures per value of one dimension, largest volume first.</summary>
    public async Task<IReadOnlyList<BreakdownRow>> BreakdownAsync(AnalyticsFilter f, Dimension by, CancellationToken ct)
    {
        var scheme = schemes.For(f.Period.From);
        var rollups = FactSet.Rollups(db, f, GroupedBy(by));
        if (by == Dimension.Department)
            rollups = rollups.Where(r => r.Part == FactPart.Main);
        var groups = by switch
        {
            Dimension.Department => await FactSet.SumAsync(rollups, r => r.DepartmentCode, ct),
            Dimension.District => await FactSet.SumAsync(rollups, r => r.DistrictCode, ct),
            Dimension.Category => await FactSet.SumAsync(rollups, r => r.CategoryCode, ct),
            Dimension.Type => Named(await FactSet.SumAsync(rollups, r => r.Type, ct)),
            Dimension.Channel => Named(await FactSet.SumAsync(rollups, r => r.Channel, ct)),
            _ => Named(await FactSet.SumAsync(rollups, r => r.RequesterKind, ct)),
        };
        if (by == Dimension.Category)
            groups = RollUpCategories(groups, f.Category);
        var centre = by != Dimension.Department && f.Scope == FigureScope.Centre;
        return groups.Select(g => new BreakdownRow(g.Key, NameOf(by, g.Key), centre ? g.Measures.Registered : g.Measures.Tickets,
                Assessment.ResponseRate(g.Measures), Assessment.ResolutionRate(g.Measures), Assessment.SatisfactionRate(g.Measures, scheme), g.Measures.Rated))
            .Where(r => r.Volume > 0 || r.Rated > 0)
            .OrderByDescending(r => r.Volume).ThenBy(r => r.Code, StringComparer.Ordinal).ToList();
    }

    /// <summary>The centre's figures beside a department's (for its portrait): numbers only, no list behind them.</summary>
    public async Task<FactMeasures> CentreAsync(AnalyticsFilter f, CancellationToken ct) =>
        await FactSet.SumAsync(FactSet.Rollups(db, f with { Department = null }).Where(r => r.Part == FactPart.Main), ct);

    /// <summary>退单原因: a department's returns of the period by reason (the rows behind its Returned counter).</summary>
    public async Task<IReadOnlyList<(ReturnReason? Reason, long Count)>> ReturnReasonsAsync(AnalyticsFilter f, CancellationToken ct) =>
        (await FactSet.Behind(FactSet.Facts(db, f), nameof(FactMeasures.Returned)).GroupBy(r => r.ReturnReason)
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct))
        .Select(g => (g.Key, g.Count)).OrderByDescending(g => g.Count).ToList();

    /// <summary>A department beside the centre's average (all main departments together) for its portrait.</summary>
    public async Task<DepartmentPortrait> PortraitAsync(AnalyticsFilter f, CancellationToken ct)
    {
        var scheme = schemes.For(f.Period.From);
        var centre = await CentreAsync(f, ct);
        var mine = await FactSet.SumAsync(FactSet.Rollups(db, f).Where(r => r.Part == FactPart.Main), ct);
        var keys = new[] { "ResponseRate", "ResolutionRate", "SatisfactionRate", "CompositeScore", "OnTimeHandlingRate", "ReturnRate", "ExtensionRate", "ReopenRate", "RepeatRate", "AverageHandlingHours" };
        var rows = keys.Select(k => Assessment.Definition(FigureScope.Department, k)!).Select(d =>
            new PortraitRow(d.Key, d.Kind, Assessment.Compute(d, mine, scheme).Value, Assessment.Compute(d, centre, scheme).Value)).ToList();
        return new(f.Department!, DepartmentName(f.Department!), rows, await ReturnReasonsAsync(f, ct) is var reasons
            ? reasons.Select(r => new ReturnReasonRow(r.Reason, r.Count)).ToList() : []);
    }

    /// <summary>
    /// 在线办结 of the period for the whole centre; null under any other filter, as an online resolution has no department,
    /// district, category or ticket type of its own to be filtered by.
    /// </summary>
    public async Task<OnlineResolutionFigures?> OnlineResolutionsAsync(AnalyticsFilter f, CancellationToken ct, int articles = 10)
    {
        if (!f.IsWholeCentre)
            return null;
        var now = await OnlineResolvedAsync(f.Period, ct);
        var before = await OnlineResolvedAsync(f.Period.Previous, ct);
        var lastYear = await OnlineResolvedAsync(f.Period.SameLastYear, ct);
        var (from, to) = Instants(f.Period);
        var top = await db.OnlineResolutions.AsNoTracking().Where(o => o.At >= from && o.At < to)
            .GroupBy(o => o.ArticleId).Select(g => new { ArticleId = g.Key, Count = g.LongCount() })
            .OrderByDescending(g => g.Count).ThenBy(g => g.ArticleId).Take(articles).ToListAsync(ct);
        var ids = top.Select(t => t.ArticleId).ToList();
        var titles = await db.KnowledgeArticles.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Title, ct);
        return new(now, before, lastYear, CountChange(now, before), CountChange(now, lastYear),
            top.Select(t => new OnlineResolutionArticle(t.ArticleId, titles.GetValueOrDefault(t.ArticleId, $"#{t.ArticleId}"), t.Count)).ToList());
    }

    private async Task<long> OnlineResolvedAsync(Period period, CancellationToken ct)
    {
        var (from, to) = Instants(period);
        return await db.OnlineResolutions.AsNoTracking().LongCountAsync(o => o.At >= from && o.At < to, ct);
    }

    /// <summary>A period's days as instants: from its first day's midnight in the city to the midnight after its last.</summary>
    private (DateTimeOffset From, DateTimeOffset Until) Instants(Period period) => clock.Instants(period.From, period.To);

    private static double? CountChange(long now, long before) =>
        Assessment.Change(new Figure("OnlineResolutions", FigureKind.Count, now, now, 0), new Figure("OnlineResolutions", FigureKind.Count, before, before, 0));

    public string DepartmentName(string code) => code.Length == 0 ? "12345" : reference.DepartmentName(code);

    public static PeriodView View(Period p) => new(p.Kind, p.From, p.To, p.Key);

    private static double? Value(FactMeasures m, FigureScope scope, string key, AssessmentScheme scheme) =>
        Assessment.Compute(Assessment.Definition(scope, key)!, m, scheme).Value;

    /// <summary>The rollup dimension a breakdown groups by (every rollup row keeps the department).</summary>
    public static RollupDimensions GroupedBy(Dimension by) => by switch
    {
        Dimension.Department => RollupDimensions.None,
        Dimension.District => RollupDimensions.District,
        Dimension.Category => RollupDimensions.Category,
        Dimension.Type => RollupDimensions.Type,
        Dimension.Channel => RollupDimensions.Channel,
        _ => RollupDimensions.RequesterKind,
    };

    private static List<Summed<string>> Named<T>(List<Summed<T>> groups) where T : struct, Enum =>
        groups.Select(g => new Summed<string> { Key = g.Key.ToString(), Measures = g.Measures }).ToList();

    /// <summary>
    /// Categories one level below the chosen one (or the top level): a leaf's tickets are added to its ancestor at
    /// that level, so "any level" shows sensible groups.
    /// </summary>
    private List<Summed<string>> RollUpCategories(List<Summed<string>> leaves, string? parent)
    {
        var result = new Dictionary<string, FactMeasures>(StringComparer.Ordinal);
        foreach (var leaf in leaves)
        {
            var code = leaf.Key;
            while (reference.Categories.GetValueOrDefault(code) is { } c && c.ParentCode != parent && c.ParentCode is not null && code != parent)
                code = c.ParentCode;
            if (!result.TryGetValue(code, out var sum))
                result[code] = sum = new FactMeasures();
            sum.Add(leaf.Measures);
        }
        return result.Select(r => new Summed<string> { Key = r.Key, Measures = r.Value }).ToList();
    }

    private string NameOf(Dimension by, string code) => by switch
    {
        Dimension.Department => DepartmentName(code),
        Dimension.District => code.Length == 0 ? "—" : reference.DistrictName(code),
        Dimension.Category => reference.CategoryName(code),
        _ => code,
    };
}
