using Hotline.Domain.Analytics;

namespace Hotline.Domain.Tests.Analytics;

public class PeriodTests
{
    [Fact]
    public void A_month_compares_with_the_month_before_and_the_same_month_last_year()
    {
        var november = Period.Of(PeriodKind.Month, new DateOnly(2026, 11, 23));
        Assert.Equal((new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)), (november.From, november.To));
        Assert.Equal("2026-11", november.Key);
        Assert.Equal(new Period(PeriodKind.Month, new(2026, 10, 1), new(2026, 10, 31)), november.Previous);
        Assert.Equal(new Period(PeriodKind.Month, new(2025, 11, 1), new(2025, 11, 30)), november.SameLastYear);
    }

    [Fact]
    public void A_week_runs_monday_to_sunday_and_its_same_week_last_year_has_its_iso_number()
    {
        var week = Period.Of(PeriodKind.Week, new DateOnly(2026, 11, 25));
        Assert.Equal(new DateOnly(2026, 11, 23), week.From);
        Assert.Equal("2026-W48", week.Key);
        Assert.Equal("2025-W48", week.SameLastYear.Key);
        Assert.Equal(DayOfWeek.Monday, week.SameLastYear.From.DayOfWeek);
        Assert.Equal("2026-W47", week.Previous.Key);
    }

    [Fact]
    public void Quarters_years_and_ranges()
    {
        Assert.Equal("2026-Q4", Period.Of(PeriodKind.Quarter, new(2026, 12, 31)).Key);
        Assert.Equal(new DateOnly(2026, 7, 1), Period.Of(PeriodKind.Quarter, new(2026, 12, 31)).Previous.From);
        Assert.Equal("2025", Period.Of(PeriodKind.Year, new(2026, 3, 1)).SameLastYear.Key);
        var range = Period.Range(new(2026, 11, 1), new(2026, 11, 10));
        Assert.Equal(new Period(PeriodKind.Range, new(2026, 10, 22), new(2026, 10, 31)), range.Previous);
        Assert.Throws<ArgumentException>(() => Period.Range(new(2026, 11, 2), new(2026, 11, 1)));
    }

    [Fact]
    public void Trend_buckets_are_days_weeks_or_months_by_length_and_cover_the_period_exactly()
    {
        Assert.Equal(30, Period.Of(PeriodKind.Month, new(2026, 11, 1)).Buckets().Count);
        var quarter = Period.Of(PeriodKind.Quarter, new(2026, 11, 1)).Buckets();
        Assert.All(quarter, b => Assert.Equal(PeriodKind.Week, b.Kind));
        Assert.Equal(new DateOnly(2026, 10, 1), quarter[0].From);
        Assert.Equal(new DateOnly(2026, 12, 31), quarter[^1].To);
        Assert.Equal(12, Period.Of(PeriodKind.Year, new(2026, 1, 1)).Buckets().Count);
    }
}
