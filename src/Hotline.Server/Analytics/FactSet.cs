using System.Linq.Expressions;
using System.Reflection;
using Hotline.Domain.Analytics;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Hotline.Server.Analytics;

/// <summary>Summed counters of one group.</summary>
public sealed class Summed<TKey>
{
    public TKey Key { get; set; } = default!;
    public FactMeasures Measures { get; set; } = new();
}

/// <summary>
/// The one definition of "the tickets behind a figure": the filter that a figure applies to the rollups is applied,
/// word for word, to the fact rows its list reads, and a counter's tickets are the rows where it is 1. A number on a
/// dashboard is the sum of a counter over the filtered rollups; its list is the filtered fact rows with that counter
/// set; the projector keeps the first equal to the count of the second.
/// </summary>
public static class FactSet
{
    /// <summary>Rows of the filter's period and dimensions (a department's scope: its main and co-handling rows).</summary>
    public static IQueryable<T> Where<T>(IQueryable<T> rows, AnalyticsFilter f) where T : class, IFactDimensions
    {
        var (from, to) = (f.Period.From, f.Period.To);
        rows = rows.Where(r => r.Day >= from && r.Day <= to);
        if (f.Department is { } department)
            rows = rows.Where(r => r.DepartmentCode == department);
        if (f.District is { } district)
            rows = rows.Where(r => r.DistrictCode == district);
        if (f.CategoryCodes is { } categories)
            rows = rows.Where(r => categories.Contains(r.CategoryCode));
        if (f.Type is { } type)
            rows = rows.Where(r => r.Type == type);
        if (f.Channel is { } channel)
            rows = rows.Where(r => r.Channel == channel);
        if (f.RequesterKind is { } kind)
            rows = rows.Where(r => r.RequesterKind == kind);
        return rows;
    }

    /// <summary>
    /// The rollups of the filter, from the smallest grain that keeps its filters and <paramref name="groupedBy"/>
    /// (<see cref="GrainFor"/>): the period's whole months from month rows and the days at either end from day rows
    /// (<paramref name="byDay"/>: day rows only, for figures per day or week). Every grain and span sums the same fact rows.
    /// </summary>
    public static IQueryable<AnalyticsRollup> Rollups(HotlineDbContext db, AnalyticsFilter f, RollupDimensions groupedBy = RollupDimensions.None, bool byDay = false) =>
        Rollups(db, f, GrainFor(f, groupedBy), byDay);

    /// <summary>The rollups of the filter from one grain (which must keep the filter's dimensions).</summary>
    public static IQueryable<AnalyticsRollup> Rollups(HotlineDbContext db, AnalyticsFilter f, RollupGrain grain, bool byDay = false)
    {
        if ((RollupGrains.Of(grain).Keeps & Filtered(f)) != Filtered(f))
            throw new ArgumentException($"The {grain} rollups do not keep the filter's dimensions.", nameof(grain));
        var spans = byDay || !RollupGrains.Of(grain).Months ? new RollupSpans(f.Period.From, f.Period.To, null, null) : RollupSpans.Of(f.Period.From, f.Period.To);
        return Where(db.Set<AnalyticsRollup>().AsNoTracking().Where(Covering<AnalyticsRollup>(spans, r => r.Grain == grain)), f);
    }

    /// <summary>
    /// The rows of a rollup table that make up <paramref name="spans"/>: its whole months from month rows, the days at
    /// either end from day rows. One range per span, each after <paramref name="each"/> (the columns the table's index
    /// has before span and day), so each is a range of that index: SQLite reads an OR of indexable terms as a union of
    /// index ranges, PostgreSQL as a bitmap OR.
    /// </summary>
    public static Expression<Func<T, bool>> Covering<T>(RollupSpans spans, Expression<Func<T, bool>>? each = null) where T : class, IRollupRow
    {
        var ranges = new List<Expression<Func<T, bool>>>();
        if (spans is { FirstMonth: { } first, LastMonth: { } last })
            ranges.Add(r => r.Span == RollupSpan.Month && r.Day >= first && r.Day <= last);
        foreach (var (start, end) in new[] { spans.LeadingDays, spans.TrailingDays }.OfType<(DateOnly From, DateOnly To)>())
            ranges.Add(r => r.Span == RollupSpan.Day && r.Day >= start && r.Day <= end);
        var row = Expression.Parameter(typeof(T), "r");
        Expression Body(LambdaExpression e) => ReplacingExpressionVisitor.Replace(e.Parameters[0], row, e.Body);
        var any = ranges.Select(range => each is null ? Body(range) : Expression.AndAlso(Body(each), Body(range))).Aggregate(Expression.OrElse);
        return Expression.Lambda<Func<T, bool>>(any, row);
    }

    /// <summary>The smallest grain that keeps the filter's dimensions and <paramref name="groupedBy"/>.</summary>
    public static RollupGrain GrainFor(AnalyticsFilter f, RollupDimensions groupedBy = RollupDimensions.None) =>
        RollupGrains.Holding(Filtered(f) | groupedBy);

    /// <summary>The dimensions the filter keeps values of (besides period and department).</summary>
    private static RollupDimensions Filtered(AnalyticsFilter f) =>
        (f.CategoryCodes is null ? 0 : RollupDimensions.Category) | (f.District is null ? 0 : RollupDimensions.District)
        | (f.Type is null ? 0 : RollupDimensions.Type) | (f.Channel is null ? 0 : RollupDimensions.Channel)
        | (f.RequesterKind is null ? 0 : RollupDimensions.RequesterKind);

    /// <summary>The fact rows of the filter; with a topic word, those of the tickets whose text has it (热点).</summary>
    public static IQueryable<TicketFact> Facts(HotlineDbContext db, AnalyticsFilter f)
    {
        var facts = Where(db.Set<TicketFact>().AsNoTracking(), f);
        if (f.Word is { } word)
        {
            var words = db.Set<TicketWord>();
            facts = facts.Where(r => words.Any(w => w.TicketId == r.TicketId && w.Word == word));
        }
        return facts;
    }

    /// <summary>The tickets behind a counter: the rows where it is set.</summary>
    public static IQueryable<T> Behind<T>(IQueryable<T> rows, string counter) where T : class, IFactDimensions =>
        rows.Where(CounterSet<T>(counter));

    /// <summary>Whether a name is a counter whose rows can be listed (not a sum of minutes).</summary>
    public static bool IsListable(string counter) =>
        counter == Assessment.Unsatisfied || (FactMeasures.IsName(counter) && counter != nameof(FactMeasures.HandlingMinutes));

    private static Expression<Func<T, bool>> CounterSet<T>(string counter)
    {
        var row = Expression.Parameter(typeof(T), "r");
        var measures = Expression.Property(row, typeof(IFactDimensions).GetProperty(nameof(IFactDimensions.Measures))!);
        Expression IsSet(string name) => Expression.GreaterThan(Expression.Property(measures, name), Expression.Constant(0));
        var body = counter == Assessment.Unsatisfied
            ? Expression.OrElse(IsSet(nameof(FactMeasures.Dissatisfied)), IsSet(nameof(FactMeasures.VeryDissatisfied)))
            : IsSet(counter);
        return Expression.Lambda<Func<T, bool>>(body, row);
    }

    /// <summary>Sums every counter per group in one SQL query.</summary>
    public static async Task<List<Summed<TKey>>> SumAsync<T, TKey>(IQueryable<T> rows, Expression<Func<T, TKey>> key, CancellationToken ct)
        where T : class, IFactDimensions =>
        await rows.GroupBy(key).Select(SumExpression<T, TKey>()).ToListAsync(ct);

    /// <summary>Sums every counter of all rows.</summary>
    public static async Task<FactMeasures> SumAsync<T>(IQueryable<T> rows, CancellationToken ct) where T : class, IFactDimensions =>
        (await SumAsync(rows, r => 1, ct)).SingleOrDefault()?.Measures ?? new FactMeasures();

    private static readonly MethodInfo SumInt = SumOf(typeof(int));
    private static readonly MethodInfo SumLong = SumOf(typeof(long));

    /// <summary><c>g => new Summed { Key = g.Key, Measures = new FactMeasures { X = g.Sum(r => r.Measures.X), ... } }</c></summary>
    private static Expression<Func<IGrouping<TKey, T>, Summed<TKey>>> SumExpression<T, TKey>()
    {
        var g = Expression.Parameter(typeof(IGrouping<TKey, T>), "g");
        var bindings = new List<MemberBinding>();
        foreach (var property in typeof(FactMeasures).GetProperties().Where(p => p.CanWrite))
        {
            var r = Expression.Parameter(typeof(T), "r");
            var member = Expression.Property(Expression.Property(r, typeof(IFactDimensions).GetProperty(nameof(IFactDimensions.Measures))!), property);
            var sum = (property.PropertyType == typeof(long) ? SumLong : SumInt).MakeGenericMethod(typeof(T));
            bindings.Add(Expression.Bind(property, Expression.Call(sum, g, Expression.Lambda(member, r))));
        }
        var measures = Expression.MemberInit(Expression.New(typeof(FactMeasures)), bindings);
        var summed = Expression.MemberInit(Expression.New(typeof(Summed<TKey>)),
            Expression.Bind(typeof(Summed<TKey>).GetProperty(nameof(Summed<TKey>.Key))!, Expression.Property(g, nameof(IGrouping<TKey, T>.Key))),
            Expression.Bind(typeof(Summed<TKey>).GetProperty(nameof(Summed<TKey>.Measures))!, measures));
        return Expression.Lambda<Func<IGrouping<TKey, T>, Summed<TKey>>>(summed, g);
    }

    private static MethodInfo SumOf(Type type) => typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Sum) && m.IsGenericMethodDefinition && m.GetParameters().Length == 2
            && m.GetParameters()[1].ParameterType.GetGenericArguments()[1] == type);
}
