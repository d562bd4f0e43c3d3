namespace Hotline.Domain.Sla;

/// <summary>
/// 挂起: a stretch during which a ticket's clock is stopped, e.g. while waiting for the requester to 补充材料.
/// <paramref name="From"/> is inclusive, <paramref name="Until"/> (the resumption) exclusive. An open pause has no
/// deadline at all; the engine recomputes once it is resumed.
/// </summary>
public sealed record ClockPause
{
    public ClockPause(DateTimeOffset from, DateTimeOffset until)
    {
        if (until < from)
            throw new ArgumentException($"A pause must not end ({until:O}) before it starts ({from:O}).", nameof(until));
        From = from;
        Until = until;
    }

    public DateTimeOffset From { get; }
    public DateTimeOffset Until { get; }
}

/// <summary>
/// The SLA clock on top of a <see cref="BusinessCalendar"/>: time as a limit's unit counts it, pauses, and warnings.
/// A clock counts wall-clock time for <see cref="TimeUnit.NaturalHours"/> and working time for the working units.
/// </summary>
public static class SlaClock
{
    /// <summary>The time the clock of <paramref name="unit"/> counts from <paramref name="from"/> to <paramref name="to"/> (negative when to is earlier).</summary>
    public static TimeSpan ClockTimeBetween(this BusinessCalendar calendar, DateTimeOffset from, DateTimeOffset to, TimeUnit unit)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return unit == TimeUnit.NaturalHours ? to - from : calendar.WorkingTimeBetween(from, to);
    }

    /// <summary>The earliest instant by which the clock of <paramref name="unit"/> has counted <paramref name="time"/> since <paramref name="start"/>.</summary>
    public static DateTimeOffset AfterClockTime(this BusinessCalendar calendar, DateTimeOffset start, TimeSpan time, TimeUnit unit)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentOutOfRangeException.ThrowIfLessThan(time, TimeSpan.Zero);
        return unit == TimeUnit.NaturalHours ? start.ToOffset(calendar.UtcOffset) + time : calendar.InstantAfterWorkingTime(start, time);
    }

    /// <summary>
    /// The deadline of <paramref name="limit"/> counted from <paramref name="start"/> with the clock stopped during
    /// <paramref name="pauses"/>: <see cref="BusinessCalendar.Deadline"/>, then <see cref="Extend"/>.
    /// </summary>
    public static DateTimeOffset Deadline(
        this BusinessCalendar calendar, DateTimeOffset start, TimeLimit limit, IEnumerable<ClockPause> pauses)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(limit);
        return calendar.Extend(start, calendar.Deadline(start, limit), limit.Unit, pauses);
    }

    /// <summary>
    /// Moves <paramref name="due"/> (a deadline or a warning instant of a clock started at <paramref name="start"/>) by the
    /// pauses before it. For each pause in time order, the clock time left at its start is counted again from its end,
    /// so <paramref name="due"/> moves by exactly the clock time inside the pause: a pause entirely outside working time
    /// changes nothing for working units, and a pause of one working day moves a working-days deadline by one working day.
    /// </summary>
    /// <remarks>
    /// The parts of pauses before <paramref name="start"/> are ignored, overlapping pauses count once, and a pause that
    /// begins at or after the (moved) due instant changes nothing: it cannot revive a limit that has already run out.
    /// Working-days deadlines move by working time, so after a pause of part of a day they are no longer at 17:30.
    /// </remarks>
    public static DateTimeOffset Extend(
        this BusinessCalendar calendar, DateTimeOffset start, DateTimeOffset due, TimeUnit unit, IEnumerable<ClockPause> pauses)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(pauses);
        due = due.ToOffset(calendar.UtcOffset);
        foreach (var (from, until) in Merge(start, pauses))
        {
            if (from >= due)
                break; // sorted, and due only grows: the rest begin later still
            var left = calendar.ClockTimeBetween(from, due, unit);
            due = calendar.AfterClockTime(until, left, unit);
        }
        return due;
    }

    /// <summary>
    /// 预警: when <paramref name="fraction"/> (0 to 1, e.g. 0.75) of the limit's clock time has been used. The whole is
    /// the clock time from start to the unpaused deadline; for working days that includes the rest of the registration
    /// day. Pauses move the warning as they move the deadline, and fraction 1 gives the deadline.
    /// </summary>
    public static DateTimeOffset WarningInstant(
        this BusinessCalendar calendar, DateTimeOffset start, TimeLimit limit, double fraction, IEnumerable<ClockPause> pauses)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(limit);
        if (!(fraction is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "A warning fraction is between 0 and 1.");
        var whole = calendar.ClockTimeBetween(start, calendar.Deadline(start, limit), limit.Unit);
        var used = TimeSpan.FromTicks((long)Math.Round(whole.Ticks * fraction));
        return calendar.Extend(start, calendar.AfterClockTime(start, used, limit.Unit), limit.Unit, pauses);
    }

    /// <summary>The pauses clipped to start at <paramref name="start"/> or later, sorted, overlapping ones merged.</summary>
    private static List<(DateTimeOffset From, DateTimeOffset Until)> Merge(DateTimeOffset start, IEnumerable<ClockPause> pauses)
    {
        var merged = new List<(DateTimeOffset From, DateTimeOffset Until)>();
        foreach (var pause in pauses.Where(p => p.Until > start).OrderBy(p => p.From))
        {
            var from = pause.From < start ? start : pause.From;
            if (merged.Count > 0 && from <= merged[^1].Until)
                merged[^1] = (merged[^1].From, pause.Until > merged[^1].Until ? pause.Until : merged[^1].Until);
            else
                merged.Add((from, pause.Until));
        }
        return merged;
    }
}
