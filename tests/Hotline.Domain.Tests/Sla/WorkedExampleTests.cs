using Hotline.Domain.Sla;
using static Hotline.Domain.Tests.Sla.Calendars;

namespace Hotline.Domain.Tests.Sla;

/// <summary>The worked examples of docs/sla.md, one test each, in the order the document gives them.</summary>
public class WorkedExampleTests
{
    private static readonly BusinessCalendar Calendar = Official;

    [Fact]
    public void Example_1_a_make_up_Sunday_is_the_first_of_three_working_days()
    {
        // Fri 9/18 is not counted; Sat 9/19 is off; Sun 9/20 is a make-up workday (1), Mon 9/21 (2), Tue 9/22 (3).
        var deadline = Calendar.Deadline(Cn(2026, 9, 18, 10), TimeLimit.WorkingDays(3));

        Assert.Equal(Cn(2026, 9, 22, 17, 30), deadline);
    }

    [Fact]
    public void Example_2_five_working_days_jump_the_Mid_Autumn_and_National_Day_holidays()
    {
        // Wed 9/23 not counted; Thu 9/24 (1); 9/25–27 中秋节; Mon 9/28 (2), 9/29 (3), 9/30 (4); 10/1–7 国庆节; Thu 10/8 (5).
        var deadline = Calendar.Deadline(Cn(2026, 9, 23, 10), TimeLimit.WorkingDays(5));

        Assert.Equal(Cn(2026, 10, 8, 17, 30), deadline);
    }

    [Fact]
    public void Example_3_Spring_Festival_counts_the_make_up_Saturday_before_it()
    {
        // Fri 2/13 not counted; Sat 2/14 make-up workday (1); 2/15–23 春节; Tue 2/24 (2), Wed 2/25 (3).
        var deadline = Calendar.Deadline(Cn(2026, 2, 13, 15), TimeLimit.WorkingDays(3));

        Assert.Equal(Cn(2026, 2, 25, 17, 30), deadline);
    }

    [Fact]
    public void Example_4_registered_during_Spring_Festival_five_working_days_end_on_the_make_up_Saturday_after_it()
    {
        // Wed 2/18 is a holiday and not counted anyway; Tue 2/24 (1), 2/25 (2), 2/26 (3), Fri 2/27 (4), Sat 2/28 make-up (5).
        var deadline = Calendar.Deadline(Cn(2026, 2, 18, 11), TimeLimit.WorkingDays(5));

        Assert.Equal(Cn(2026, 2, 28, 17, 30), deadline);
    }

    [Fact]
    public void Example_5_one_working_day_after_the_Friday_following_National_Day_is_the_make_up_Saturday()
    {
        var deadline = Calendar.Deadline(Cn(2026, 10, 9, 16), TimeLimit.WorkingDays(1));

        Assert.Equal(Cn(2026, 10, 10, 17, 30), deadline);
    }

    [Fact]
    public void Example_6_registered_after_hours_the_day_is_still_the_registration_day()
    {
        // Fri 11/27 20:00: 11/27 is not counted, as for a registration at 10:00; Sat and Sun are off; Mon 11/30 (1).
        Assert.Equal(Cn(2026, 11, 30, 17, 30), Calendar.Deadline(Cn(2026, 11, 27, 20), TimeLimit.WorkingDays(1)));
        Assert.Equal(Cn(2026, 11, 30, 17, 30), Calendar.Deadline(Cn(2026, 11, 27, 10), TimeLimit.WorkingDays(1)));
    }

    [Fact]
    public void Example_7_working_hours_that_run_out_at_noon_are_due_at_noon_on_the_make_up_Sunday()
    {
        // Fri 9/18 16:30–17:30 is 1 hour; Sun 9/20 (make-up) 09:00–12:00 is 3 more: due 12:00, not 13:30.
        var deadline = Calendar.Deadline(Cn(2026, 9, 18, 16, 30), TimeLimit.WorkingHours(4));

        Assert.Equal(Cn(2026, 9, 20, 12, 0), deadline);
    }

    [Fact]
    public void Example_8_working_hours_skip_the_lunch_break()
    {
        // Mon 11/23 11:00–12:00 is 1 hour, 13:30–14:30 the second.
        var deadline = Calendar.Deadline(Cn(2026, 11, 23, 11), TimeLimit.WorkingHours(2));

        Assert.Equal(Cn(2026, 11, 23, 14, 30), deadline);
    }

    [Fact]
    public void Example_9_working_hours_registered_during_National_Day_start_counting_on_the_first_working_morning()
    {
        // Sat 10/3 is a holiday; counting starts Thu 10/8 09:00: 7 hours to 17:30, the 8th is Fri 10/9 09:00–10:00.
        var deadline = Calendar.Deadline(Cn(2026, 10, 3, 15), TimeLimit.WorkingHours(8));

        Assert.Equal(Cn(2026, 10, 9, 10, 0), deadline);
    }

    [Fact]
    public void Example_10_natural_hours_ignore_midnight_and_holidays()
    {
        // Urgent: sign for within 2 natural hours. 9/30 23:00 + 2 hours is 01:00 on National Day.
        var deadline = Calendar.Deadline(Cn(2026, 9, 30, 23), TimeLimit.NaturalHours(2));

        Assert.Equal(Cn(2026, 10, 1, 1, 0), deadline);
    }

    [Fact]
    public void Example_11_a_limit_reaching_into_an_unloaded_year_is_an_error()
    {
        // Mon 12/28: 12/29 (1), 12/30 (2), 12/31 (3); a fourth working day would be in 2027, which is not loaded.
        Assert.Equal(Cn(2026, 12, 31, 17, 30), Calendar.Deadline(Cn(2026, 12, 28, 10), TimeLimit.WorkingDays(3)));

        var error = Assert.Throws<CalendarNotLoadedException>(() => Calendar.Deadline(Cn(2026, 12, 28, 10), TimeLimit.WorkingDays(10)));
        Assert.Equal(2027, error.Year);
    }

    [Fact]
    public void Example_12_warnings_at_75_and_90_percent_of_five_working_days()
    {
        // Mon 11/23 09:00, 5 working days: due Mon 11/30 17:30. From start to deadline: 6 days × 7 h = 42 working hours.
        // 75% = 31.5 h: 4 full days (to Thu 11/26 17:30) + 3.5 h on Fri 11/27 = 14:00.
        // 90% = 37.8 h: 5 full days (to Fri 11/27 17:30) + 2 h 48 min on Mon 11/30 = 11:48.
        var start = Cn(2026, 11, 23, 9);
        var limit = TimeLimit.WorkingDays(5);

        Assert.Equal(Cn(2026, 11, 30, 17, 30), Calendar.Deadline(start, limit));
        Assert.Equal(Cn(2026, 11, 27, 14, 0), Calendar.WarningInstant(start, limit, 0.75, []));
        Assert.Equal(Cn(2026, 11, 30, 11, 48), Calendar.WarningInstant(start, limit, 0.90, []));
    }

    [Fact]
    public void Example_13_pauses_move_the_deadline_by_the_working_time_they_cover()
    {
        var start = Cn(2026, 11, 23, 9);
        var limit = TimeLimit.WorkingDays(5); // due Mon 11/30 17:30

        // A whole working day (Wed 09:00 to Thu 09:00): one working day later, Tue 12/1 17:30.
        Assert.Equal(Cn(2026, 12, 1, 17, 30), Calendar.Deadline(start, limit, [new(Cn(2026, 11, 25, 9), Cn(2026, 11, 26, 9))]));
        // Over the weekend, from Fri 17:30 to Mon 09:00: no working time, no change.
        Assert.Equal(Cn(2026, 11, 30, 17, 30), Calendar.Deadline(start, limit, [new(Cn(2026, 11, 27, 17, 30), Cn(2026, 11, 30, 9))]));
        // Wed 14:30–16:30: 2 working hours past Mon 17:30, Tue 12/1 11:00.
        Assert.Equal(Cn(2026, 12, 1, 11, 0), Calendar.Deadline(start, limit, [new(Cn(2026, 11, 25, 14, 30), Cn(2026, 11, 25, 16, 30))]));
    }
}
