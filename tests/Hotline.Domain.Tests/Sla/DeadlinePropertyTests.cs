using Hotline.Domain.Sla;
using static Hotline.Domain.Tests.Sla.Calendars;

namespace Hotline.Domain.Tests.Sla;

/// <summary>
/// Properties over many registration instants in 2025–2026 (seeded, so a failure repeats), checked against a slow
/// oracle written independently of <see cref="BusinessCalendar"/>: day by day for working days, minute by minute
/// for working hours.
/// </summary>
public class DeadlinePropertyTests
{
    private static readonly BusinessCalendar Calendar = Official;
    private static readonly TimeOnly EndOfBusiness = new(17, 30);

    /// <summary>Whole-minute instants from 2025-01-01 to 2026-11-30 China time, so that 10 working days stay in 2026.</summary>
    private static List<DateTimeOffset> Starts(int seed, int count)
    {
        var random = new Random(seed);
        var first = Cn(2025, 1, 1);
        var minutes = (int)(Cn(2026, 11, 30) - first).TotalMinutes;
        return [.. Enumerable.Range(0, count).Select(_ => first.AddMinutes(random.Next(minutes)))];
    }

    private static bool OracleIsWorkingDay(DateOnly day)
    {
        var year = day.Year == 2025 ? Year2025 : Year2026;
        if (year.MakeupWorkdays.Contains(day))
            return true;
        return !year.Holidays.Contains(day) && day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    private static bool OracleIsWorkingMinute(DateTimeOffset minute)
    {
        var local = minute.ToOffset(Cst);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var inPeriod = (time >= new TimeOnly(9, 0) && time < new TimeOnly(12, 0)) || (time >= new TimeOnly(13, 30) && time < EndOfBusiness);
        return inPeriod && OracleIsWorkingDay(DateOnly.FromDateTime(local.DateTime));
    }

    private static DateTimeOffset OracleWorkingDaysDeadline(DateTimeOffset start, int n)
    {
        var day = DateOnly.FromDateTime(start.ToOffset(Cst).DateTime);
        for (var counted = 0; counted < n;)
        {
            day = day.AddDays(1);
            if (OracleIsWorkingDay(day))
                counted++;
        }
        return new DateTimeOffset(day.ToDateTime(EndOfBusiness), Cst);
    }

    private static DateTimeOffset OracleWorkingHoursDeadline(DateTimeOffset start, int hours)
    {
        var t = start;
        for (var left = hours * 60; left > 0; t = t.AddMinutes(1))
            if (OracleIsWorkingMinute(t))
                left--;
        return t;
    }

    [Fact]
    public void Working_days_deadlines_agree_with_counting_day_by_day()
    {
        foreach (var start in Starts(seed: 1, count: 2000))
            foreach (var n in new[] { 1, 2, 3, 5, 10 })
                Assert.Equal(OracleWorkingDaysDeadline(start, n), Calendar.Deadline(start, TimeLimit.WorkingDays(n)));
    }

    [Fact]
    public void Working_hours_deadlines_agree_with_counting_minute_by_minute()
    {
        foreach (var start in Starts(seed: 2, count: 300))
            foreach (var n in new[] { 1, 2, 4, 7, 8, 16 })
                Assert.Equal(OracleWorkingHoursDeadline(start, n), Calendar.Deadline(start, TimeLimit.WorkingHours(n)));
    }

    [Fact]
    public void Working_days_deadlines_grow_strictly_with_the_limit_and_end_at_17_30_on_a_working_day()
    {
        foreach (var start in Starts(seed: 3, count: 2000))
        {
            var previous = start;
            for (var n = 1; n <= 10; n++)
            {
                var deadline = Calendar.Deadline(start, TimeLimit.WorkingDays(n));

                Assert.True(deadline > previous, $"{n} working days from {start:O}: {deadline:O} is not after {previous:O}");
                Assert.True(Calendar.IsWorkingDay(DateOnly.FromDateTime(deadline.DateTime)), $"{deadline:O} is not a working day");
                Assert.Equal(EndOfBusiness, TimeOnly.FromDateTime(deadline.DateTime));
                Assert.True(Calendar.LocalDate(deadline) > Calendar.LocalDate(start), "the registration day is never counted");
                previous = deadline;
            }
        }
    }

    [Fact]
    public void Working_hours_deadlines_grow_strictly_use_exactly_the_hours_and_fall_inside_a_working_period()
    {
        foreach (var start in Starts(seed: 4, count: 2000))
        {
            var previous = start;
            for (var n = 1; n <= 30; n++)
            {
                var deadline = Calendar.Deadline(start, TimeLimit.WorkingHours(n));

                Assert.True(deadline > previous, $"{n} working hours from {start:O}: {deadline:O} is not after {previous:O}");
                Assert.True(Calendar.IsWorkingDay(DateOnly.FromDateTime(deadline.DateTime)), $"{deadline:O} is not a working day");
                Assert.Equal(TimeSpan.FromHours(n), Calendar.WorkingTimeBetween(start, deadline));
                // Inside a period, or at its end, but never at a period's start (the earliest instant is the end before it).
                var time = TimeOnly.FromDateTime(deadline.DateTime);
                Assert.Contains(Calendar.WorkingPeriods, p => time > p.Start && time <= p.End);
                previous = deadline;
            }
        }
    }

    [Fact]
    public void Natural_hours_deadlines_are_the_start_plus_the_hours()
    {
        foreach (var start in Starts(seed: 5, count: 500))
            foreach (var n in new[] { 1, 2, 24, 72 })
                Assert.Equal(start.AddHours(n), Calendar.Deadline(start, TimeLimit.NaturalHours(n)));
    }

    [Fact]
    public void Working_time_is_additive_and_inverts_instant_after_working_time()
    {
        var random = new Random(6);
        foreach (var start in Starts(seed: 6, count: 2000))
        {
            var middle = start.AddMinutes(random.Next(0, 20_000));
            var end = middle.AddMinutes(random.Next(0, 20_000));
            var ab = Calendar.WorkingTimeBetween(start, middle);
            var bc = Calendar.WorkingTimeBetween(middle, end);

            Assert.Equal(Calendar.WorkingTimeBetween(start, end), ab + bc);
            Assert.Equal(-ab, Calendar.WorkingTimeBetween(middle, start));
            var after = Calendar.InstantAfterWorkingTime(start, ab);
            Assert.True(after <= middle, "the instant after the working time is the earliest such instant");
            Assert.Equal(ab, Calendar.WorkingTimeBetween(start, after));
        }
    }
}
