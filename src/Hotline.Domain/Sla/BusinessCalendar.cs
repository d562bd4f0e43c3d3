namespace Hotline.Domain.Sla;

/// <summary>
/// 工作日历: which days are worked and when, from the official calendars of one or more consecutive years.
/// Monday to Friday are working days, Saturday and Sunday are not; statutory holidays (法定节假日) are not, whatever the
/// weekday; make-up workdays (调休上班日) are, although they fall on a Saturday or Sunday. On a working day, working
/// time is the <see cref="WorkingPeriods"/> in local time at a fixed <see cref="UtcOffset"/> (China has no DST).
/// </summary>
/// <remarks>
/// Any day outside the loaded years is an error (<see cref="CalendarNotLoadedException"/>), never a guess.
/// Everything is precomputed per day, so a deadline costs a few array look-ups, whatever the limit.
/// Results are given at <see cref="UtcOffset"/>; arguments may have any offset (they are instants).
/// </remarks>
public sealed class BusinessCalendar
{
    /// <summary>China Standard Time, UTC+8.</summary>
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>09:00–12:00 and 13:30–17:30: seven working hours a day.</summary>
    public static IReadOnlyList<WorkingPeriod> StandardWorkingPeriods { get; } =
        [new(new TimeOnly(9, 0), new TimeOnly(12, 0)), new(new TimeOnly(13, 30), new TimeOnly(17, 30))];

    private readonly DateOnly _firstDay;
    private readonly bool[] _isWorkingDay;          // by day index (days since _firstDay)
    private readonly int[] _workingDaysBefore;      // by day index, one longer: working days in [_firstDay, day)
    private readonly int[] _workingDays;            // day indexes of the working days, ascending
    private readonly long[] _periodStarts;          // ticks since local midnight
    private readonly long[] _periodEnds;
    private readonly long _ticksPerWorkingDay;

    public BusinessCalendar(IEnumerable<CalendarYear> years, IEnumerable<WorkingPeriod> workingPeriods, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(years);
        ArgumentNullException.ThrowIfNull(workingPeriods);
        if (utcOffset.Ticks % TimeSpan.TicksPerMinute != 0 || utcOffset.Duration() > TimeSpan.FromHours(14))
            throw new ArgumentOutOfRangeException(nameof(utcOffset), utcOffset, "An offset is whole minutes within ±14 hours.");
        UtcOffset = utcOffset;

        var periods = workingPeriods.OrderBy(p => p.Start).ToList();
        if (periods.Count == 0)
            throw new ArgumentException("At least one working period is needed.", nameof(workingPeriods));
        for (var i = 1; i < periods.Count; i++)
            if (periods[i].Start < periods[i - 1].End)
                throw new ArgumentException($"Working periods overlap at {periods[i].Start:HH\\:mm}.", nameof(workingPeriods));
        WorkingPeriods = periods;
        _periodStarts = [.. periods.Select(p => p.Start.Ticks)];
        _periodEnds = [.. periods.Select(p => p.End.Ticks)];
        _ticksPerWorkingDay = periods.Sum(p => p.Length.Ticks);
        WorkingTimePerDay = TimeSpan.FromTicks(_ticksPerWorkingDay);

        var loaded = years.OrderBy(y => y.Year).ToList();
        if (loaded.Count == 0)
            throw new ArgumentException("At least one calendar year is needed.", nameof(years));
        for (var i = 1; i < loaded.Count; i++)
            if (loaded[i].Year != loaded[i - 1].Year + 1)
                throw new ArgumentException(
                    $"Calendar years must be consecutive and distinct; {loaded[i - 1].Year} is followed by {loaded[i].Year}.", nameof(years));
        FirstYear = loaded[0].Year;
        LastYear = loaded[^1].Year;
        _firstDay = new DateOnly(FirstYear, 1, 1);
        var dayCount = new DateOnly(LastYear, 12, 31).DayNumber - _firstDay.DayNumber + 1;

        _isWorkingDay = new bool[dayCount];
        for (var i = 0; i < dayCount; i++)
            _isWorkingDay[i] = _firstDay.AddDays(i).DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
        foreach (var year in loaded)
        {
            CheckDates(year, year.Holidays, nameof(CalendarYear.Holidays));
            CheckDates(year, year.MakeupWorkdays, nameof(CalendarYear.MakeupWorkdays));
            foreach (var day in year.Holidays)
            {
                if (year.MakeupWorkdays.Contains(day))
                    throw new ArgumentException($"{day:yyyy-MM-dd} is both a holiday and a make-up workday in {year.Year}.", nameof(years));
                SetIfLoaded(day, false);
            }
            foreach (var day in year.MakeupWorkdays)
            {
                // A make-up workday on a weekday would change nothing: almost certainly a typo in the data.
                if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                    throw new ArgumentException($"Make-up workday {day:yyyy-MM-dd} in {year.Year} is a {day.DayOfWeek}, not a weekend day.", nameof(years));
                SetIfLoaded(day, true);
            }
        }

        _workingDaysBefore = new int[dayCount + 1];
        var workingDays = new List<int>(dayCount);
        for (var i = 0; i < dayCount; i++)
        {
            _workingDaysBefore[i + 1] = _workingDaysBefore[i] + (_isWorkingDay[i] ? 1 : 0);
            if (_isWorkingDay[i])
                workingDays.Add(i);
        }
        _workingDays = [.. workingDays];
    }

    /// <summary>The standard calendar: <see cref="StandardWorkingPeriods"/> in <see cref="ChinaStandardTime"/>.</summary>
    public static BusinessCalendar Standard(IEnumerable<CalendarYear> years) =>
        new(years, StandardWorkingPeriods, ChinaStandardTime);

    public int FirstYear { get; }
    public int LastYear { get; }
    public TimeSpan UtcOffset { get; }
    public IReadOnlyList<WorkingPeriod> WorkingPeriods { get; }
    public TimeSpan WorkingTimePerDay { get; }

    public bool IsWorkingDay(DateOnly day) => _isWorkingDay[IndexOf(day)];

    /// <summary>The first working day strictly after <paramref name="day"/>.</summary>
    public DateOnly NextWorkingDay(DateOnly day) => WorkingDayAfter(day, 1);

    /// <summary>The <paramref name="n"/>th working day strictly after <paramref name="day"/> (which itself is not counted).</summary>
    public DateOnly WorkingDayAfter(DateOnly day, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return _firstDay.AddDays(NthWorkingDayAfter(IndexOf(day), n));
    }

    /// <summary>
    /// When a limit counted from <paramref name="start"/> runs out:
    /// <list type="bullet">
    /// <item><see cref="TimeUnit.NaturalHours"/>: start plus the hours; the calendar is not consulted.</item>
    /// <item><see cref="TimeUnit.WorkingHours"/>: the instant the Nth hour of working time after start is used up.</item>
    /// <item><see cref="TimeUnit.WorkingDays"/>: the end of the last working period of the Nth working day after the
    /// local date of start. The registration day is not counted, whatever the hour and whether or not it is worked.</item>
    /// </list>
    /// </summary>
    /// <exception cref="CalendarNotLoadedException">A working limit starts before the first loaded year or ends after the last.</exception>
    public DateTimeOffset Deadline(DateTimeOffset start, TimeLimit limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        return limit.Unit switch
        {
            TimeUnit.NaturalHours => start.ToOffset(UtcOffset).AddHours(limit.Amount),
            TimeUnit.WorkingHours => InstantAfterWorkingTime(start, TimeSpan.FromHours(limit.Amount)),
            TimeUnit.WorkingDays => At(NthWorkingDayAfter(IndexOf(LocalDate(start)), limit.Amount), _periodEnds[^1]),
            _ => throw new ArgumentOutOfRangeException(nameof(limit), limit, "Unknown time unit."),
        };
    }

    /// <summary>Working time from <paramref name="from"/> to <paramref name="to"/>; negative when <paramref name="to"/> is earlier.</summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to) =>
        TimeSpan.FromTicks(WorkingTicksBefore(to) - WorkingTicksBefore(from));

    /// <summary>
    /// The earliest instant by which <paramref name="workingTime"/> of working time has passed since <paramref name="start"/>.
    /// Counting starts at start, or at the next working period when start is outside working time. Time that runs out
    /// exactly at the end of a period is due at that end (17:30), not at the start of the next period.
    /// </summary>
    public DateTimeOffset InstantAfterWorkingTime(DateTimeOffset start, TimeSpan workingTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workingTime, TimeSpan.Zero);
        var startTicks = WorkingTicksBefore(start);
        if (workingTime == TimeSpan.Zero)
            return start.ToOffset(UtcOffset);

        var target = startTicks + workingTime.Ticks; // > 0
        // Working time is a step function of the day, so the target falls in the working day after the full ones.
        var fullDays = (target - 1) / _ticksPerWorkingDay;
        var rest = target - fullDays * _ticksPerWorkingDay; // 1 .. _ticksPerWorkingDay
        if (fullDays >= _workingDays.Length)
            throw new CalendarNotLoadedException(LastYear + 1);
        var dayIndex = _workingDays[fullDays];
        for (var p = 0; p < _periodStarts.Length; p++)
        {
            var length = _periodEnds[p] - _periodStarts[p];
            if (rest <= length)
                return At(dayIndex, _periodStarts[p] + rest);
            rest -= length;
        }
        throw new InvalidOperationException("Unreachable: the rest of a day is within that day's working time.");
    }

    /// <summary>The local calendar date of an instant at <see cref="UtcOffset"/>.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(UtcOffset).DateTime);

    /// <summary>Working time from the start of the first loaded day to <paramref name="instant"/>.</summary>
    private long WorkingTicksBefore(DateTimeOffset instant)
    {
        var local = instant.ToOffset(UtcOffset).DateTime;
        var index = IndexOf(DateOnly.FromDateTime(local));
        var ticks = _workingDaysBefore[index] * _ticksPerWorkingDay;
        if (!_isWorkingDay[index])
            return ticks;
        var timeOfDay = local.TimeOfDay.Ticks;
        for (var p = 0; p < _periodStarts.Length && timeOfDay > _periodStarts[p]; p++)
            ticks += Math.Min(timeOfDay, _periodEnds[p]) - _periodStarts[p];
        return ticks;
    }

    private int NthWorkingDayAfter(int dayIndex, int n)
    {
        var k = (long)_workingDaysBefore[dayIndex + 1] + n - 1;
        if (k >= _workingDays.Length)
            throw new CalendarNotLoadedException(LastYear + 1);
        return _workingDays[k];
    }

    private int IndexOf(DateOnly day)
    {
        var index = day.DayNumber - _firstDay.DayNumber;
        if (index < 0 || index >= _isWorkingDay.Length)
            throw new CalendarNotLoadedException(day.Year);
        return index;
    }

    private DateTimeOffset At(int dayIndex, long timeOfDayTicks) =>
        new(_firstDay.AddDays(dayIndex).ToDateTime(TimeOnly.MinValue).AddTicks(timeOfDayTicks), UtcOffset);

    private void SetIfLoaded(DateOnly day, bool working)
    {
        var index = day.DayNumber - _firstDay.DayNumber;
        if (index >= 0 && index < _isWorkingDay.Length)
            _isWorkingDay[index] = working;
    }

    private static void CheckDates(CalendarYear year, IReadOnlySet<DateOnly> days, string what)
    {
        ArgumentNullException.ThrowIfNull(days, what);
        foreach (var day in days)
            if (Math.Abs(day.Year - year.Year) > 1)
                throw new ArgumentException($"{what} of {year.Year} contains {day:yyyy-MM-dd}, more than a year away.", nameof(year));
    }
}
