using Hotline.Domain.Sla;
using static Hotline.Domain.Tests.Sla.Calendars;

namespace Hotline.Domain.Tests.Sla;

public class SlaClockTests
{
    private static readonly BusinessCalendar Calendar = Official;
    private static readonly DateTimeOffset Monday = Cn(2026, 11, 23, 9);
    private static readonly TimeLimit FiveDays = TimeLimit.WorkingDays(5); // due Mon 11/30 17:30

    [Fact]
    public void No_pauses_leave_the_deadline_as_it_is() =>
        Assert.Equal(Calendar.Deadline(Monday, FiveDays), Calendar.Deadline(Monday, FiveDays, []));

    [Fact]
    public void A_pause_over_lunch_or_at_night_changes_nothing()
    {
        ClockPause[] pauses =
        [
            new(Cn(2026, 11, 24, 12, 0), Cn(2026, 11, 24, 13, 30)),
            new(Cn(2026, 11, 24, 17, 30), Cn(2026, 11, 25, 9, 0)),
        ];

        Assert.Equal(Cn(2026, 11, 30, 17, 30), Calendar.Deadline(Monday, FiveDays, pauses));
    }

    [Fact]
    public void A_pause_over_a_holiday_changes_nothing()
    {
        // 10/1–10/7 are all days off; 5 working days from Wed 9/23 are due Thu 10/8 (Example 2).
        var deadline = Calendar.Deadline(Cn(2026, 9, 23, 10), FiveDays, [new(Cn(2026, 9, 30, 17, 30), Cn(2026, 10, 8, 9))]);

        Assert.Equal(Cn(2026, 10, 8, 17, 30), deadline);
    }

    [Fact]
    public void A_pause_that_begins_at_or_after_the_deadline_cannot_revive_it()
    {
        var deadline = Calendar.Deadline(Monday, FiveDays, [new(Cn(2026, 11, 30, 17, 30), Cn(2026, 12, 3, 9))]);

        Assert.Equal(Cn(2026, 11, 30, 17, 30), deadline);
    }

    [Fact]
    public void A_pause_running_past_the_deadline_restarts_the_time_that_was_left()
    {
        // Paused Mon 11/30 16:30 with 1 working hour left; resumed Wed 12/2 10:00: due 11:00.
        var deadline = Calendar.Deadline(Monday, FiveDays, [new(Cn(2026, 11, 30, 16, 30), Cn(2026, 12, 2, 10))]);

        Assert.Equal(Cn(2026, 12, 2, 11, 0), deadline);
    }

    [Fact]
    public void The_part_of_a_pause_before_the_start_is_ignored()
    {
        // Paused from the previous Friday to Monday 10:00: only Monday 09:00–10:00 (1 h) is lost.
        var deadline = Calendar.Deadline(Monday, FiveDays, [new(Cn(2026, 11, 20, 9), Cn(2026, 11, 23, 10))]);

        Assert.Equal(Cn(2026, 12, 1, 10, 0), deadline);
    }

    [Fact]
    public void Overlapping_pauses_count_once_and_their_order_does_not_matter()
    {
        ClockPause[] pauses =
        [
            new(Cn(2026, 11, 25, 10), Cn(2026, 11, 25, 11)),
            new(Cn(2026, 11, 24, 9), Cn(2026, 11, 24, 11)),
            new(Cn(2026, 11, 24, 10), Cn(2026, 11, 24, 12)),
        ];

        // 11/24 09:00–12:00 (3 h) and 11/25 10:00–11:00 (1 h): 4 working hours past Mon 17:30 is Tue 12/1 13:30 + 1 h.
        Assert.Equal(Cn(2026, 12, 1, 14, 30), Calendar.Deadline(Monday, FiveDays, pauses));
    }

    [Fact]
    public void A_pause_of_natural_hours_moves_a_natural_deadline_by_its_length_even_at_night()
    {
        var start = Cn(2026, 9, 30, 23);
        var deadline = Calendar.Deadline(start, TimeLimit.NaturalHours(2), [new(Cn(2026, 9, 30, 23, 30), Cn(2026, 10, 1, 0, 15))]);

        Assert.Equal(Cn(2026, 10, 1, 1, 45), deadline);
    }

    [Fact]
    public void A_pause_must_not_end_before_it_starts() =>
        Assert.Throws<ArgumentException>(() => new ClockPause(Cn(2026, 11, 24, 10), Cn(2026, 11, 24, 9)));

    [Fact]
    public void A_pause_that_pushes_the_deadline_past_the_loaded_years_is_an_error()
    {
        var error = Assert.Throws<CalendarNotLoadedException>(
            () => Calendar.Deadline(Cn(2026, 12, 21, 10), FiveDays, [new(Cn(2026, 12, 22, 9), Cn(2026, 12, 29, 9))]));

        Assert.Equal(2027, error.Year);
    }

    [Fact]
    public void Warnings_in_working_hours_are_fractions_of_the_hours()
    {
        // From Mon 11:00: 11:00–12:00 is 1 h, 13:30–15:30 2 more, so 75% (3 h) is at 15:30 and the whole 4 h at 16:30.
        var start = Cn(2026, 11, 23, 11);
        var limit = TimeLimit.WorkingHours(4);

        Assert.Equal(Cn(2026, 11, 23, 16, 30), Calendar.Deadline(start, limit));
        Assert.Equal(Cn(2026, 11, 23, 15, 30), Calendar.WarningInstant(start, limit, 0.75, []));
        Assert.Equal(Cn(2026, 11, 23, 12, 0), Calendar.WarningInstant(start, limit, 0.25, []));
    }

    [Fact]
    public void Warnings_in_natural_hours_are_fractions_of_the_wall_clock()
    {
        var start = Cn(2026, 9, 30, 23);

        Assert.Equal(Cn(2026, 10, 1, 0, 30), Calendar.WarningInstant(start, TimeLimit.NaturalHours(2), 0.75, []));
    }

    [Fact]
    public void Pauses_move_warnings_like_deadlines()
    {
        // Example 12's 75% warning (Fri 11/27 14:00) after a pause of one working day is a working day later, Mon 11/30 14:00.
        ClockPause[] pauses = [new(Cn(2026, 11, 25, 9), Cn(2026, 11, 26, 9))];

        Assert.Equal(Cn(2026, 11, 30, 14, 0), Calendar.WarningInstant(Monday, FiveDays, 0.75, pauses));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void A_warning_fraction_is_between_0_and_1(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.WarningInstant(Monday, FiveDays, fraction, []));

    // Properties over seeded random starts.

    private static IEnumerable<(DateTimeOffset Start, int Days, Random Random)> Cases(int seed, int count)
    {
        var random = new Random(seed);
        var first = Cn(2025, 1, 1);
        var minutes = (int)(Cn(2026, 11, 20) - first).TotalMinutes;
        for (var i = 0; i < count; i++)
            yield return (first.AddMinutes(random.Next(minutes)), random.Next(1, 11), random);
    }

    /// <summary>A stretch with no working time in it: a day off, a lunch break, a night, or the early morning.</summary>
    private static ClockPause IdleStretch(DateOnly day, int kind)
    {
        DateTimeOffset At(DateOnly d, int h, int m) => new(d.ToDateTime(new TimeOnly(h, m)), Cst);
        if (!Official.IsWorkingDay(day))
            return new(At(day, 0, 0), At(day.AddDays(1), 0, 0));
        return kind switch
        {
            0 => new(At(day, 12, 0), At(day, 13, 30)),
            1 => new(At(day, 17, 30), At(day.AddDays(1), 0, 0)),
            _ => new(At(day, 0, 0), At(day, 9, 0)),
        };
    }

    [Fact]
    public void Pauses_entirely_outside_working_time_change_nothing()
    {
        foreach (var (start, days, random) in Cases(seed: 11, count: 2000))
        {
            var limit = TimeLimit.WorkingDays(days);
            var first = Calendar.LocalDate(start);
            var pauses = Enumerable.Range(0, 3).Select(_ => IdleStretch(first.AddDays(random.Next(0, 14)), random.Next(3))).ToList();

            Assert.Equal(Calendar.Deadline(start, limit), Calendar.Deadline(start, limit, pauses));
            Assert.Equal(Calendar.Deadline(start, TimeLimit.WorkingHours(days * 3)), Calendar.Deadline(start, TimeLimit.WorkingHours(days * 3), pauses));
        }
    }

    [Fact]
    public void A_pause_of_one_full_working_day_before_the_deadline_pushes_it_by_one_working_day()
    {
        foreach (var (start, days, random) in Cases(seed: 12, count: 2000))
        {
            var limit = TimeLimit.WorkingDays(days);
            var deadline = Calendar.Deadline(start, limit);
            // Any working day after the registration day up to the deadline's day, paused from midnight to midnight.
            var pausedDay = Calendar.WorkingDayAfter(Calendar.LocalDate(start), random.Next(1, days + 1));
            ClockPause pause = new(new(pausedDay.ToDateTime(TimeOnly.MinValue), Cst), new(pausedDay.AddDays(1).ToDateTime(TimeOnly.MinValue), Cst));

            var expected = new DateTimeOffset(Calendar.NextWorkingDay(Calendar.LocalDate(deadline)).ToDateTime(new TimeOnly(17, 30)), Cst);
            Assert.Equal(expected, Calendar.Deadline(start, limit, [pause]));
        }
    }

    [Fact]
    public void The_clock_runs_for_exactly_the_limit_outside_pauses()
    {
        foreach (var (start, days, random) in Cases(seed: 13, count: 250))
        {
            var limit = random.Next(2) == 0 ? TimeLimit.WorkingDays(days) : TimeLimit.WorkingHours(days * 4);
            var pauses = Enumerable.Range(0, random.Next(1, 4))
                .Select(_ =>
                {
                    var from = start.AddMinutes(random.Next(-600, 12 * 1440));
                    return new ClockPause(from, from.AddMinutes(random.Next(0, 3 * 1440)));
                })
                .ToList();

            var paused = Calendar.Deadline(start, limit, pauses);

            // Working time from start to the new deadline, less the working time paused inside it (overlaps once).
            var running = TimeSpan.Zero;
            for (var t = start; t < paused; t = t.AddMinutes(1))
                if (!pauses.Any(p => p.From <= t && t < p.Until))
                    running += Calendar.WorkingTimeBetween(t, t.AddMinutes(1) < paused ? t.AddMinutes(1) : paused);
            Assert.Equal(Calendar.WorkingTimeBetween(start, Calendar.Deadline(start, limit)), running);
            Assert.True(paused >= Calendar.Deadline(start, limit));
        }
    }

    [Fact]
    public void The_whole_fraction_warns_at_the_deadline_and_warnings_grow_with_the_fraction()
    {
        foreach (var (start, days, random) in Cases(seed: 14, count: 1000))
        {
            var limit = new TimeLimit(days, (TimeUnit)random.Next(3));
            var from = start.AddMinutes(random.Next(0, 3 * 1440));
            ClockPause[] pauses = [new(from, from.AddMinutes(random.Next(0, 3 * 1440)))];

            Assert.Equal(Calendar.Deadline(start, limit, pauses), Calendar.WarningInstant(start, limit, 1.0, pauses));
            Assert.True(Calendar.WarningInstant(start, limit, 0.75, pauses) <= Calendar.WarningInstant(start, limit, 0.9, pauses));
            Assert.True(Calendar.WarningInstant(start, limit, 0.9, pauses) <= Calendar.Deadline(start, limit, pauses));
            var whole = Calendar.ClockTimeBetween(start, Calendar.Deadline(start, limit), limit.Unit);
            Assert.Equal(whole * 0.75, Calendar.ClockTimeBetween(start, Calendar.WarningInstant(start, limit, 0.75, []), limit.Unit));
        }
    }
}
