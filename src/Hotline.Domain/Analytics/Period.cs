using System.Globalization;

namespace Hotline.Domain.Analytics;

/// <summary>The length of a reporting period (统计周期).</summary>
public enum PeriodKind
{
    Day,
    /// <summary>Monday to Sunday (ISO week).</summary>
    Week,
    Month,
    Quarter,
    Year,
    /// <summary>Any range of days.</summary>
    Range,
}

/// <summary>
/// A reporting period: local days <see cref="From"/> to <see cref="To"/>, both included. <see cref="Previous"/> is
/// the period before it of the same length (环比) and <see cref="SameLastYear"/> the same days a year earlier (同比).
/// </summary>
public sealed record Period(PeriodKind Kind, DateOnly From, DateOnly To)
{
    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The period of this kind that contains <paramref name="day"/>.</summary>
    public static Period Of(PeriodKind kind, DateOnly day) => kind switch
    {
        PeriodKind.Day => new(kind, day, day),
        PeriodKind.Week => Week(day),
        PeriodKind.Month => new(kind, new DateOnly(day.Year, day.Month, 1), new DateOnly(day.Year, day.Month, 1).AddMonths(1).AddDays(-1)),
        PeriodKind.Quarter => Quarter(day),
        PeriodKind.Year => new(kind, new DateOnly(day.Year, 1, 1), new DateOnly(day.Year, 12, 31)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A range has no single day to start from."),
    };

    public static Period Range(DateOnly from, DateOnly to) =>
        to < from ? throw new ArgumentException("A period ends on or after its first day.", nameof(to)) : new(PeriodKind.Range, from, to);

    /// <summary>环比: the period just before, of the same kind (a range: the same number of days).</summary>
    public Period Previous => Kind switch
    {
        PeriodKind.Range => new(Kind, From.AddDays(-Days), From.AddDays(-1)),
        PeriodKind.Day => Of(Kind, From.AddDays(-1)),
        _ => Of(Kind, From.AddDays(-1)),
    };

    /// <summary>同比: the same period a year earlier (a week: the same ISO week number).</summary>
    public Period SameLastYear => Kind switch
    {
        PeriodKind.Week => WeekLastYear(From),
        PeriodKind.Range or PeriodKind.Day => new(Kind, From.AddYears(-1), To.AddYears(-1)),
        _ => Of(Kind, From.AddYears(-1)),
    };

    /// <summary>A short stable name: 2026-11-23, 2026-W48, 2026-11, 2026-Q4, 2026, or 2026-11-01_2026-11-15.</summary>
    public string Key => Kind switch
    {
        PeriodKind.Day => From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        PeriodKind.Week => $"{ISOWeek.GetYear(From.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(From.ToDateTime(TimeOnly.MinValue)):00}",
        PeriodKind.Month => From.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        PeriodKind.Quarter => $"{From.Year}-Q{(From.Month - 1) / 3 + 1}",
        PeriodKind.Year => From.Year.ToString(CultureInfo.InvariantCulture),
        _ => $"{From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}_{To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
    };

    /// <summary>The days of the period cut into buckets for a trend chart: days up to a month, weeks up to a quarter, months beyond.</summary>
    public IReadOnlyList<Period> Buckets()
    {
        var kind = Days <= 31 ? PeriodKind.Day : Days <= 92 ? PeriodKind.Week : PeriodKind.Month;
        var buckets = new List<Period>();
        for (var day = From; day <= To;)
        {
            var bucket = Of(kind, day);
            buckets.Add(new(kind, bucket.From < From ? From : bucket.From, bucket.To > To ? To : bucket.To));
            day = bucket.To.AddDays(1);
        }
        return buckets;
    }

    public bool Contains(DateOnly day) => day >= From && day <= To;

    private static Period Week(DateOnly day)
    {
        var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        return new(PeriodKind.Week, monday, monday.AddDays(6));
    }

    private static Period WeekLastYear(DateOnly monday)
    {
        var date = monday.ToDateTime(TimeOnly.MinValue);
        var year = ISOWeek.GetYear(date) - 1;
        var week = Math.Min(ISOWeek.GetWeekOfYear(date), ISOWeek.GetWeeksInYear(year));
        return Week(DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday)));
    }

    private static Period Quarter(DateOnly day)
    {
        var first = new DateOnly(day.Year, (day.Month - 1) / 3 * 3 + 1, 1);
        return new(PeriodKind.Quarter, first, first.AddMonths(3).AddDays(-1));
    }
}
