using Hotline.Domain.Sla;

namespace Hotline.Domain.Tests.Sla;

/// <summary>
/// The official 2025 and 2026 calendars, written out as the State Council notices give them (and as
/// seed/calendars/*.json holds them; <see cref="SeedCalendarTests"/> checks the two agree).
/// </summary>
internal static class Calendars
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public static readonly CalendarYear Year2025 = Year(2025,
        holidays:
        [
            ("2025-01-01", "2025-01-01"), // 元旦
            ("2025-01-28", "2025-02-04"), // 春节
            ("2025-04-04", "2025-04-06"), // 清明节
            ("2025-05-01", "2025-05-05"), // 劳动节
            ("2025-05-31", "2025-06-02"), // 端午节
            ("2025-10-01", "2025-10-08"), // 国庆节、中秋节
        ],
        makeupWorkdays: ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]);

    public static readonly CalendarYear Year2026 = Year(2026,
        holidays:
        [
            ("2026-01-01", "2026-01-03"), // 元旦
            ("2026-02-15", "2026-02-23"), // 春节
            ("2026-04-04", "2026-04-06"), // 清明节
            ("2026-05-01", "2026-05-05"), // 劳动节
            ("2026-06-19", "2026-06-21"), // 端午节
            ("2026-09-25", "2026-09-27"), // 中秋节
            ("2026-10-01", "2026-10-07"), // 国庆节
        ],
        makeupWorkdays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]);

    /// <summary>2025 and 2026, 09:00–12:00 and 13:30–17:30 China Standard Time.</summary>
    public static readonly BusinessCalendar Official = BusinessCalendar.Standard([Year2025, Year2026]);

    /// <summary>A China Standard Time instant.</summary>
    public static DateTimeOffset Cn(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, Cst);

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static CalendarYear Year(int year, (string From, string To)[] holidays, string[] makeupWorkdays) =>
        new(year,
            holidays.SelectMany(h => CalendarYear.Days(D(h.From), D(h.To))).ToHashSet(),
            makeupWorkdays.Select(D).ToHashSet());
}
