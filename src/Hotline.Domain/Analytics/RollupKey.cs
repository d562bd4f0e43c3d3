using System.Globalization;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Analytics;

/// <summary>The dimensions a rollup row may keep besides day, part and department (which every row keeps).</summary>
[Flags]
public enum RollupDimensions
{
    None = 0,
    Category = 1,
    District = 2,
    Type = 4,
    Channel = 8,
    RequesterKind = 16,
    All = Category | District | Type | Channel | RequesterKind,
}

/// <summary>
/// 汇总粒度: which dimensions a rollup row keeps; the others are summed over (kept at their defaults in the row).
/// See <see cref="RollupGrains.All"/> for what each keeps.
/// </summary>
public enum RollupGrain
{
    /// <summary>Day × part × department: the scorecard, ranking, trend and portraits without finer filters.</summary>
    Department,
    RequesterKind,
    Channel,
    Type,
    District,
    Category,
    /// <summary>Category × requester kind: enterprises' hot spots and blocking points (企业热点, 堵点) in a report.</summary>
    CategoryAndRequesterKind,
    /// <summary>Every dimension: a figure filtered (or grouped) by two dimensions or more.</summary>
    Fine,
}

/// <summary>How many days a rollup row sums: one day, or a whole calendar month (the row dated the month's first day).</summary>
public enum RollupSpan
{
    Day,
    Month,
}

/// <param name="Letter">The grain's mark in <see cref="RollupKey.Text"/> (C for Department: these were the "coarse" rows).</param>
/// <param name="Keeps">The dimensions its rows keep.</param>
/// <param name="Months">Whether it has month rows besides day rows (the fine grain has day rows only).</param>
public sealed record RollupGrainDefinition(RollupGrain Grain, string Letter, RollupDimensions Keeps, bool Months);

/// <summary>
/// The grains of the rollups, in one place: the projector adds every fact row to each grain's day row and month row, the
/// queries read the smallest grain that holds a figure's filter and grouping, the backfill builds them from the fine rows.
/// Every grain and span sums the same fact rows, so a figure is the same whichever grain it is read from.
/// </summary>
public static class RollupGrains
{
    /// <summary>Smallest first: a query takes the first that keeps what it needs.</summary>
    public static IReadOnlyList<RollupGrainDefinition> All { get; } =
    [
        new(RollupGrain.Department, "C", RollupDimensions.None, Months: true),
        new(RollupGrain.RequesterKind, "R", RollupDimensions.RequesterKind, Months: true),
        new(RollupGrain.Channel, "H", RollupDimensions.Channel, Months: true),
        new(RollupGrain.Type, "T", RollupDimensions.Type, Months: true),
        new(RollupGrain.District, "D", RollupDimensions.District, Months: true),
        new(RollupGrain.Category, "K", RollupDimensions.Category, Months: true),
        new(RollupGrain.CategoryAndRequesterKind, "E", RollupDimensions.Category | RollupDimensions.RequesterKind, Months: true),
        new(RollupGrain.Fine, "F", RollupDimensions.All, Months: false),
    ];

    public static RollupGrainDefinition Of(RollupGrain grain) => All.First(g => g.Grain == grain);

    /// <summary>The smallest grain whose rows keep every dimension in <paramref name="needed"/>.</summary>
    public static RollupGrain Holding(RollupDimensions needed) => All.First(g => (g.Keeps & needed) == needed).Grain;
}

/// <summary>
/// The dimensions of a rollup row (日汇总/月汇总): its grain and span, the day (a month row: the month's first day),
/// part × department, and the dimensions its grain keeps (the others at their defaults).
/// </summary>
public sealed record RollupKey(
    RollupGrain Grain, RollupSpan Span, DateOnly Day, FactPart Part, string DepartmentCode, string CategoryCode, string DistrictCode,
    TicketType Type, Channel Channel, RequesterKind RequesterKind)
{
    /// <summary>The fine day key of a fact row's dimensions.</summary>
    public static RollupKey Fine(DateOnly day, FactPart part, string department, string category, string district, TicketType type, Channel channel, RequesterKind kind) =>
        new(RollupGrain.Fine, RollupSpan.Day, day, part, department, category, district, type, channel, kind);

    /// <summary>
    /// One string for a unique index and IN-list lookups: the grain's letter, the day (yyyyMMdd) or month (yyyyMM), then
    /// part, department, category, district, type, channel and requester kind. The RollupGrains migration's backfill
    /// builds the same text in SQL (tested against this one).
    /// </summary>
    public string Text => string.Join('|', RollupGrains.Of(Grain).Letter,
        Day.ToString(Span == RollupSpan.Month ? "yyyyMM" : "yyyyMMdd", CultureInfo.InvariantCulture),
        Part, DepartmentCode, CategoryCode, DistrictCode, Type, Channel, RequesterKind);

    /// <summary>The row of <paramref name="grain"/> and <paramref name="span"/> this key's row adds to.</summary>
    public RollupKey To(RollupGrain grain, RollupSpan span)
    {
        var keeps = RollupGrains.Of(grain).Keeps;
        return new(grain, span, span == RollupSpan.Month ? new DateOnly(Day.Year, Day.Month, 1) : Day, Part, DepartmentCode,
            keeps.HasFlag(RollupDimensions.Category) ? CategoryCode : "",
            keeps.HasFlag(RollupDimensions.District) ? DistrictCode : "",
            keeps.HasFlag(RollupDimensions.Type) ? Type : default,
            keeps.HasFlag(RollupDimensions.Channel) ? Channel : default,
            keeps.HasFlag(RollupDimensions.RequesterKind) ? RequesterKind : default);
    }

    /// <summary>Every rollup row a fact row of this (fine day) key adds to: each grain's day row, and its month row.</summary>
    public IEnumerable<RollupKey> Rows()
    {
        foreach (var g in RollupGrains.All)
        {
            yield return To(g.Grain, RollupSpan.Day);
            if (g.Months)
                yield return To(g.Grain, RollupSpan.Month);
        }
    }
}

/// <summary>
/// The changes a batch of fact rows makes to the rollups: each row's counters added to (or taken from) every rollup row
/// it belongs to (<see cref="RollupKey.Rows"/>), by key text.
/// </summary>
public sealed class RollupDeltas
{
    private readonly Dictionary<string, (RollupKey Key, FactMeasures Delta)> deltas = new(StringComparer.Ordinal);

    public void Add(RollupKey key, FactMeasures measures, int sign)
    {
        foreach (var k in key.Rows())
        {
            var text = k.Text;
            if (!deltas.TryGetValue(text, out var entry))
                deltas[text] = entry = (k, new FactMeasures());
            entry.Delta.Add(measures, sign);
        }
    }

    /// <summary>The rows whose counters change.</summary>
    public IReadOnlyList<(RollupKey Key, FactMeasures Delta)> Changes => deltas.Values.Where(d => !d.Delta.IsZero).ToList();
}

/// <summary>
/// A period cut for the rollups: the whole calendar months inside it, read from month rows, and the days left over at
/// either end, read from day rows. A period without a whole month is all days.
/// </summary>
public sealed record RollupSpans(DateOnly From, DateOnly To, DateOnly? FirstMonth, DateOnly? LastMonth)
{
    public static RollupSpans Of(DateOnly from, DateOnly to)
    {
        var first = from.Day == 1 ? from : new DateOnly(from.Year, from.Month, 1).AddMonths(1);
        var afterLast = to.AddDays(1).Day == 1 ? to.AddDays(1) : new DateOnly(to.Year, to.Month, 1); // the day after the last whole month
        return first < afterLast ? new(from, to, first, afterLast.AddMonths(-1)) : new(from, to, null, null);
    }

    /// <summary>The day rows before the first whole month (the whole period when it has none).</summary>
    public (DateOnly From, DateOnly To)? LeadingDays
    {
        get
        {
            if (FirstMonth is not { } first)
                return (From, To);
            return first > From ? (From, first.AddDays(-1)) : null;
        }
    }

    /// <summary>The day rows after the last whole month.</summary>
    public (DateOnly From, DateOnly To)? TrailingDays => LastMonth is { } m && m.AddMonths(1) <= To ? (m.AddMonths(1), To) : null;
}
