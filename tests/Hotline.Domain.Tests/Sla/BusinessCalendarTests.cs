using Hotline.Domain.Sla;
using static Hotline.Domain.Tests.Sla.Calendars;

namespace Hotline.Domain.Tests.Sla;

public class BusinessCalendarTests
{
    private static readonly BusinessCalendar Calendar = Official;

    [Theory]
    [InlineData("2026-11-20", true)]  // Friday
    [InlineData("2026-11-21", false)] // Saturday
    [InlineData("2026-11-22", false)] // Sunday
    [InlineData("2026-01-02", false)] // 元旦, a Friday
    [InlineData("2026-01-04", true)]  // make-up Sunday
    [InlineData("2026-02-14", true)]  // make-up Saturday before 春节
    [InlineData("2026-02-15", false)] // 春节, a Sunday
    [InlineData("2026-02-16", false)] // 春节, a Monday
    [InlineData("2026-02-23", false)] // last day of 春节, a Monday
    [InlineData("2026-02-24", true)]
    [InlineData("2026-02-28", true)]  // make-up Saturday after 春节
    [InlineData("2026-03-01", false)] // an ordinary Sunday
    [InlineData("2026-05-09", true)]  // make-up Saturday after 劳动节
    [InlineData("2026-09-20", true)]  // make-up Sunday before 中秋节
    [InlineData("2026-09-25", false)] // 中秋节, a Friday
    [InlineData("2026-10-07", false)] // last day of 国庆节, a Wednesday
    [InlineData("2026-10-08", true)]
    [InlineData("2026-10-10", true)]  // make-up Saturday after 国庆节
    [InlineData("2026-10-11", false)] // the Sunday after it is off
    [InlineData("2025-01-26", true)]  // make-up Sunday before 2025 春节
    [InlineData("2025-09-28", true)]  // make-up Sunday before 2025 国庆节
    [InlineData("2025-10-08", false)] // 2025 国庆节、中秋节 lasts to the 8th, a Wednesday
    [InlineData("2025-10-09", true)]
    [InlineData("2025-10-11", true)]  // make-up Saturday
    public void Weekends_holidays_and_make_up_workdays_follow_the_official_calendar(string day, bool working) =>
        Assert.Equal(working, Calendar.IsWorkingDay(D(day)));

    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    public void Each_year_has_248_working_days(int year)
    {
        // 261 weekdays in both years; 2025: 18 of them are holidays and 5 weekend days are worked (261 − 18 + 5);
        // 2026: 19 and 6 (261 − 19 + 6).
        var days = CalendarYear.Days(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));

        Assert.Equal(248, days.Count(Calendar.IsWorkingDay));
    }

    [Theory]
    [InlineData("2026-02-13", "2026-02-14")] // Friday → make-up Saturday
    [InlineData("2026-02-14", "2026-02-24")] // make-up Saturday → over 春节
    [InlineData("2026-09-30", "2026-10-08")]
    [InlineData("2026-10-09", "2026-10-10")]
    [InlineData("2026-10-10", "2026-10-12")] // make-up Saturday → Monday
    [InlineData("2025-12-31", "2026-01-04")] // across the year, into a make-up Sunday
    public void The_next_working_day_skips_days_off_and_takes_make_up_days(string day, string next) =>
        Assert.Equal(D(next), Calendar.NextWorkingDay(D(day)));

    [Theory]
    [InlineData(2026, 2, 14, 10, 1, "2026-02-24")] // registered on the make-up Saturday itself: not counted either
    [InlineData(2026, 2, 22, 9, 1, "2026-02-24")]  // registered on a holiday Sunday
    [InlineData(2026, 10, 10, 9, 1, "2026-10-12")] // registered on the make-up Saturday after 国庆节
    [InlineData(2026, 11, 23, 8, 1, "2026-11-24")] // before hours on a working day: still not counted
    [InlineData(2026, 11, 23, 23, 1, "2026-11-24")]
    [InlineData(2026, 2, 13, 15, 5, "2026-02-27")] // 2/14 (1), 2/24 (2), 2/25 (3), 2/26 (4), 2/27 (5)
    [InlineData(2026, 2, 13, 15, 6, "2026-02-28")] // ... the make-up Saturday 2/28 (6)
    [InlineData(2026, 9, 30, 16, 1, "2026-10-08")]
    [InlineData(2026, 9, 30, 16, 3, "2026-10-10")] // 10/8 (1), 10/9 (2), make-up Saturday 10/10 (3)
    [InlineData(2026, 9, 30, 16, 4, "2026-10-12")]
    [InlineData(2025, 9, 26, 10, 2, "2025-09-29")] // make-up Sunday 9/28 (1), Monday 9/29 (2)
    [InlineData(2025, 9, 30, 10, 1, "2025-10-09")] // 2025 国庆节、中秋节 10/1–10/8
    [InlineData(2025, 9, 30, 10, 3, "2025-10-11")] // 10/9 (1), 10/10 (2), make-up Saturday 10/11 (3)
    [InlineData(2025, 10, 10, 17, 1, "2025-10-11")]
    [InlineData(2025, 12, 31, 10, 1, "2026-01-04")] // 2026 元旦 1/1–1/3, then the make-up Sunday
    [InlineData(2025, 1, 24, 10, 1, "2025-01-26")]  // 2025 春节: make-up Sunday 1/26 ...
    [InlineData(2025, 1, 24, 10, 3, "2025-02-05")]  // ... Mon 1/27 (2), 1/28–2/4 春节, Wed 2/5 (3)
    public void Working_days_end_at_17_30_on_the_nth_working_day_after_the_registration_day(
        int year, int month, int day, int hour, int days, string due) =>
        Assert.Equal(new DateTimeOffset(D(due).ToDateTime(new TimeOnly(17, 30)), Cst), Calendar.Deadline(Cn(year, month, day, hour), TimeLimit.WorkingDays(days)));

    [Theory]
    [InlineData(2026, 11, 23, 9, 0, 3, 2026, 11, 23, 12, 0)]   // to the end of the morning exactly: 12:00, not 13:30
    [InlineData(2026, 11, 23, 9, 0, 7, 2026, 11, 23, 17, 30)]  // a whole day
    [InlineData(2026, 11, 23, 9, 0, 8, 2026, 11, 24, 10, 0)]
    [InlineData(2026, 11, 23, 8, 0, 3, 2026, 11, 23, 12, 0)]   // before hours: counting starts at 09:00
    [InlineData(2026, 11, 23, 12, 0, 1, 2026, 11, 23, 14, 30)] // at 12:00: counting starts at 13:30
    [InlineData(2026, 11, 23, 12, 45, 1, 2026, 11, 23, 14, 30)]
    [InlineData(2026, 11, 23, 13, 30, 4, 2026, 11, 23, 17, 30)]
    [InlineData(2026, 11, 23, 17, 30, 1, 2026, 11, 24, 10, 0)] // at 17:30: counting starts the next morning
    [InlineData(2026, 11, 23, 17, 0, 1, 2026, 11, 24, 9, 30)]  // across the night
    [InlineData(2026, 11, 27, 16, 0, 2, 2026, 11, 30, 9, 30)]  // across a weekend
    [InlineData(2026, 2, 13, 17, 0, 4, 2026, 2, 14, 14, 0)]    // 0.5 h Friday, 3.5 h on the make-up Saturday
    public void Working_hours_count_only_time_inside_working_periods(
        int y, int mo, int d, int h, int mi, int hours, int ey, int emo, int ed, int eh, int emi) =>
        Assert.Equal(Cn(ey, emo, ed, eh, emi), Calendar.Deadline(Cn(y, mo, d, h, mi), TimeLimit.WorkingHours(hours)));

    [Fact]
    public void Working_time_between_two_instants_leaves_out_nights_lunch_and_days_off()
    {
        Assert.Equal(TimeSpan.Zero, Calendar.WorkingTimeBetween(Cn(2026, 11, 23, 12), Cn(2026, 11, 23, 13, 30)));
        Assert.Equal(TimeSpan.FromHours(1.5), Calendar.WorkingTimeBetween(Cn(2026, 11, 23, 11), Cn(2026, 11, 23, 14)));
        Assert.Equal(TimeSpan.FromHours(1), Calendar.WorkingTimeBetween(Cn(2026, 11, 27, 17), Cn(2026, 11, 30, 9, 30)));
        Assert.Equal(TimeSpan.FromHours(7), Calendar.WorkingTimeBetween(Cn(2026, 2, 13, 17, 30), Cn(2026, 2, 24, 9))); // only Sat 2/14
        Assert.Equal(TimeSpan.FromHours(-1.5), Calendar.WorkingTimeBetween(Cn(2026, 11, 23, 14), Cn(2026, 11, 23, 11)));
    }

    [Fact]
    public void No_working_time_after_an_instant_is_that_instant()
    {
        var evening = Cn(2026, 11, 23, 20);

        Assert.Equal(evening, Calendar.InstantAfterWorkingTime(evening, TimeSpan.Zero));
    }

    [Fact]
    public void Working_time_is_counted_to_the_tick_not_in_whole_minutes()
    {
        var start = Cn(2026, 11, 23, 9).AddTicks(7);

        Assert.Equal(Cn(2026, 11, 23, 10).AddTicks(7), Calendar.InstantAfterWorkingTime(start, TimeSpan.FromHours(1)));
        Assert.Equal(Cn(2026, 11, 23, 13, 30).AddTicks(1), Calendar.InstantAfterWorkingTime(Cn(2026, 11, 23, 11), TimeSpan.FromHours(1) + TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Natural_hours_do_not_need_a_loaded_calendar()
    {
        Assert.Equal(Cn(2027, 1, 1, 1), Calendar.Deadline(Cn(2026, 12, 31, 23), TimeLimit.NaturalHours(2)));
        Assert.Equal(Cn(2024, 6, 2, 0), Calendar.Deadline(Cn(2024, 6, 1, 0), TimeLimit.NaturalHours(24)));
    }

    [Fact]
    public void Instants_with_another_offset_are_the_same_instants_and_deadlines_are_given_in_China_Standard_Time()
    {
        // 2026-09-18 02:00 UTC is 10:00 in Beijing (Example 1).
        var deadline = Calendar.Deadline(new DateTimeOffset(2026, 9, 18, 2, 0, 0, TimeSpan.Zero), TimeLimit.WorkingDays(3));

        Assert.Equal(Cn(2026, 9, 22, 17, 30), deadline);
        Assert.Equal(Cst, deadline.Offset);
    }

    [Fact]
    public void The_registration_day_is_the_date_in_China_not_in_UTC()
    {
        // 2026-11-26 17:00 UTC is Friday 11/27 01:00 in Beijing: Friday is the registration day, Monday the first working day.
        var deadline = Calendar.Deadline(new DateTimeOffset(2026, 11, 26, 17, 0, 0, TimeSpan.Zero), TimeLimit.WorkingDays(1));

        Assert.Equal(Cn(2026, 11, 30, 17, 30), deadline);
    }

    [Theory]
    [InlineData(2026, 12, 31, 10, TimeUnit.WorkingDays, 1)]   // the first working day after 12/31 is in 2027
    [InlineData(2026, 12, 31, 10, TimeUnit.WorkingHours, 8)]  // only 6 working hours are left in 2026
    [InlineData(2026, 12, 28, 10, TimeUnit.WorkingDays, 10)]
    public void A_working_limit_running_past_the_last_loaded_year_names_the_year_needed(int y, int m, int d, int h, TimeUnit unit, int amount)
    {
        var error = Assert.Throws<CalendarNotLoadedException>(() => Calendar.Deadline(Cn(y, m, d, h), new TimeLimit(amount, unit)));

        Assert.Equal(2027, error.Year);
    }

    [Fact]
    public void A_working_limit_starting_before_the_first_loaded_year_is_an_error()
    {
        var error = Assert.Throws<CalendarNotLoadedException>(() => Calendar.Deadline(Cn(2024, 12, 31, 10), TimeLimit.WorkingDays(1)));

        Assert.Equal(2024, error.Year);
        Assert.Throws<CalendarNotLoadedException>(() => Calendar.Deadline(Cn(2024, 12, 31, 10), TimeLimit.WorkingHours(1)));
        Assert.Throws<CalendarNotLoadedException>(() => Calendar.IsWorkingDay(new DateOnly(2024, 12, 31)));
        Assert.Throws<CalendarNotLoadedException>(() => Calendar.IsWorkingDay(new DateOnly(2027, 1, 1)));
    }

    [Fact]
    public void The_last_working_moment_of_the_loaded_years_can_still_be_reached()
    {
        // Thu 12/31 is a working day: 7 working hours from 09:00 end at 17:30 that day, in 2026.
        Assert.Equal(Cn(2026, 12, 31, 17, 30), Calendar.Deadline(Cn(2026, 12, 31, 9), TimeLimit.WorkingHours(7)));
    }

    [Fact]
    public void Working_periods_and_the_offset_are_configurable()
    {
        // A counter open 08:00–20:00 without a break.
        var longDay = new BusinessCalendar([Year2026], [new WorkingPeriod(new TimeOnly(8, 0), new TimeOnly(20, 0))], Cst);

        Assert.Equal(TimeSpan.FromHours(12), longDay.WorkingTimePerDay);
        Assert.Equal(Cn(2026, 9, 22, 20, 0), longDay.Deadline(Cn(2026, 9, 18, 10), TimeLimit.WorkingDays(3)));
        Assert.Equal(Cn(2026, 11, 23, 13, 0), longDay.Deadline(Cn(2026, 11, 23, 11), TimeLimit.WorkingHours(2)));
        Assert.Equal(Cn(2026, 11, 24, 9, 0), longDay.Deadline(Cn(2026, 11, 23, 19), TimeLimit.WorkingHours(2)));
    }

    [Fact]
    public void Working_periods_may_be_given_in_any_order()
    {
        var afternoonFirst = new BusinessCalendar([Year2026], [.. BusinessCalendar.StandardWorkingPeriods.Reverse()], Cst);

        Assert.Equal(Cn(2026, 11, 23, 14, 30), afternoonFirst.Deadline(Cn(2026, 11, 23, 11), TimeLimit.WorkingHours(2)));
    }

    [Fact]
    public void Years_must_be_consecutive_and_distinct()
    {
        var year2028 = Year2026 with { Year = 2028, Holidays = new HashSet<DateOnly>(), MakeupWorkdays = new HashSet<DateOnly>() };

        Assert.Throws<ArgumentException>(() => BusinessCalendar.Standard([Year2026, year2028]));
        Assert.Throws<ArgumentException>(() => BusinessCalendar.Standard([Year2026, Year2026]));
        Assert.Throws<ArgumentException>(() => BusinessCalendar.Standard([]));
    }

    [Fact]
    public void A_day_that_is_both_a_holiday_and_a_make_up_workday_is_refused()
    {
        var contradictory = Year2026 with { MakeupWorkdays = new HashSet<DateOnly>(Year2026.MakeupWorkdays) { D("2026-02-15") } };

        Assert.Throws<ArgumentException>(() => BusinessCalendar.Standard([contradictory]));
    }

    [Fact]
    public void A_make_up_workday_on_a_weekday_is_refused_as_a_data_error()
    {
        var typo = Year2026 with { MakeupWorkdays = new HashSet<DateOnly> { D("2026-10-09") } }; // a Friday

        Assert.Throws<ArgumentException>(() => BusinessCalendar.Standard([typo]));
    }

    [Fact]
    public void A_date_far_from_its_year_is_refused_as_a_data_error()
    {
        var typo = Year2026 with { Holidays = new HashSet<DateOnly> { D("2062-10-01") } };

        Assert.Throws<ArgumentException>(() => BusinessCalendar.Standard([typo]));
    }

    [Fact]
    public void A_make_up_workday_in_the_neighbouring_year_applies_when_that_year_is_loaded()
    {
        // The 2012 notice made Saturday 2011-12-31 a workday.
        var y2011 = new CalendarYear(2011, new HashSet<DateOnly>(), new HashSet<DateOnly>());
        var y2012 = new CalendarYear(2012, new HashSet<DateOnly>(), new HashSet<DateOnly> { D("2011-12-31") });

        Assert.True(BusinessCalendar.Standard([y2011, y2012]).IsWorkingDay(D("2011-12-31")));
        Assert.False(BusinessCalendar.Standard([y2011]).IsWorkingDay(D("2011-12-31")));
    }

    [Fact]
    public void Overlapping_or_empty_working_periods_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new WorkingPeriod(new TimeOnly(12, 0), new TimeOnly(12, 0)));
        Assert.Throws<ArgumentException>(() => new WorkingPeriod(new TimeOnly(13, 0), new TimeOnly(9, 0)));
        Assert.Throws<ArgumentException>(() => new BusinessCalendar(
            [Year2026], [new(new TimeOnly(9, 0), new TimeOnly(12, 0)), new(new TimeOnly(11, 0), new TimeOnly(14, 0))], Cst));
        Assert.Throws<ArgumentException>(() => new BusinessCalendar([Year2026], [], Cst));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_time_limit_is_at_least_one_unit(int amount) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeLimit.WorkingDays(amount));
}
