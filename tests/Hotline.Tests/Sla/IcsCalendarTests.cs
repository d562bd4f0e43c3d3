using Hotline.Server.Sla;

namespace Hotline.Tests.Sla;

/// <summary>The iCalendar import on Ical.Net: escaping, folding, TZID and UTC times, RRULE, exclusive DTEND.</summary>
public sealed class IcsCalendarTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static List<CalendarDay> Parse(string events, int year = 2027) => IcsCalendar.Parse(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//gov.cn//holidays//ZH\r\n" + events.Replace("\n", "\r\n", StringComparison.Ordinal) + "END:VCALENDAR\r\n", year, Shanghai);

    [Fact]
    public void An_all_day_holiday_covers_its_days_up_to_the_exclusive_end_and_keeps_its_escaped_name()
    {
        var days = Parse("""
            BEGIN:VEVENT
            UID:1
            DTSTART;VALUE=DATE:20271001
            DTEND;VALUE=DATE:20271008
            SUMMARY:国庆节\,中秋节 休
            END:VEVENT

            """);
        Assert.Equal(7, days.Count);
        Assert.All(days, d => Assert.Equal(CalendarDayKind.Holiday, d.Kind));
        Assert.Equal((new DateOnly(2027, 10, 1), new DateOnly(2027, 10, 7)), (days[0].Date, days[^1].Date));
        Assert.Equal("国庆节,中秋节 休", days[0].Name);
    }

    [Fact]
    public void A_folded_summary_and_a_workday_category_make_a_makeup_workday()
    {
        var days = Parse("""
            BEGIN:VEVENT
            UID:2
            DTSTART;VALUE=DATE:20270925
            SUMMARY:国庆节调休
             上班
            CATEGORIES:WORKDAY
            END:VEVENT

            """);
        var day = Assert.Single(days);
        Assert.Equal((new DateOnly(2027, 9, 25), CalendarDayKind.MakeupWorkday, "国庆节调休上班"), (day.Date, day.Kind, day.Name));
    }

    [Fact]
    public void Times_with_a_tzid_or_in_utc_fall_on_the_citys_dates()
    {
        var days = Parse("""
            BEGIN:VEVENT
            UID:3
            DTSTART:20270204T160000Z
            DTEND:20270205T160000Z
            SUMMARY:春节 休
            END:VEVENT
            BEGIN:VEVENT
            UID:4
            DTSTART;TZID=Asia/Shanghai:20270501T000000
            DTEND;TZID=Asia/Shanghai:20270503T000000
            SUMMARY:劳动节 休
            END:VEVENT

            """);
        Assert.Equal([new DateOnly(2027, 2, 5), new DateOnly(2027, 5, 1), new DateOnly(2027, 5, 2)], days.Select(d => d.Date));
    }

    [Fact]
    public void A_repeating_rule_is_expanded_and_days_outside_the_year_are_left_out()
    {
        var days = Parse("""
            BEGIN:VEVENT
            UID:5
            DTSTART;VALUE=DATE:20271230
            RRULE:FREQ=DAILY;COUNT=4
            SUMMARY:元旦 休
            END:VEVENT
            BEGIN:VEVENT
            UID:6
            DTSTART;VALUE=DATE:20270101
            RRULE:FREQ=DAILY;COUNT=2
            SUMMARY:元旦 休
            END:VEVENT
            BEGIN:VEVENT
            UID:7
            DTSTART;VALUE=DATE:20270301
            SUMMARY:植树节
            END:VEVENT

            """);
        // 2028-01-01 and 01-02 are another year's; 植树节 is neither a holiday nor a workday.
        Assert.Equal([new DateOnly(2027, 1, 1), new DateOnly(2027, 1, 2), new DateOnly(2027, 12, 30), new DateOnly(2027, 12, 31)], days.Select(d => d.Date));
    }

    [Fact]
    public void Text_that_is_not_icalendar_is_refused()
    {
        Assert.Throws<Hotline.Server.Problems.RequestValidationException>(() => IcsCalendar.Parse("not a calendar", 2027, Shanghai));
    }
}
