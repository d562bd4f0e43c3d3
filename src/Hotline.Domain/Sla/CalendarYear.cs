namespace Hotline.Domain.Sla;

/// <summary>
/// One year of the official calendar (国务院办公厅关于部分节假日安排的通知): the statutory holiday dates (放假, including
/// the weekend days folded into a holiday) and the make-up workdays (调休上班日, weekend days that are worked).
/// Every other Monday–Friday is a working day and every other Saturday and Sunday is not.
/// </summary>
/// <remarks>
/// A notice occasionally places a make-up day in the neighbouring year (the 2012 notice made 2011-12-31 a workday),
/// so dates may lie in <see cref="Year"/> ± 1; <see cref="BusinessCalendar"/> applies them wherever they fall.
/// </remarks>
public sealed record CalendarYear(int Year, IReadOnlySet<DateOnly> Holidays, IReadOnlySet<DateOnly> MakeupWorkdays)
{
    /// <summary>The days from <paramref name="from"/> to <paramref name="to"/>, both inclusive, as the notices write holidays.</summary>
    public static IEnumerable<DateOnly> Days(DateOnly from, DateOnly to)
    {
        if (to < from)
            throw new ArgumentException($"The range {from:yyyy-MM-dd}..{to:yyyy-MM-dd} ends before it starts.", nameof(to));
        for (var day = from; day <= to; day = day.AddDays(1))
            yield return day;
    }
}

/// <summary>A daily working period in local time, e.g. 09:00–12:00. The end is exclusive and must be later than the start.</summary>
public sealed record WorkingPeriod
{
    public WorkingPeriod(TimeOnly start, TimeOnly end)
    {
        if (end <= start)
            throw new ArgumentException($"A working period must end after it starts ({start:HH\\:mm}–{end:HH\\:mm}).", nameof(end));
        Start = start;
        End = end;
    }

    public TimeOnly Start { get; }
    public TimeOnly End { get; }
    public TimeSpan Length => End - Start;
}
