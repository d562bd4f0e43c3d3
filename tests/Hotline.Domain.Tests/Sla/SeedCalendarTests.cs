using System.Text.Json;
using Hotline.Domain.Sla;

namespace Hotline.Domain.Tests.Sla;

/// <summary>The calendars the specifications use are the ones the server seeds.</summary>
public class SeedCalendarTests
{
    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    public void The_test_calendar_matches_the_seeded_official_calendar(int year)
    {
        var expected = year == 2025 ? Calendars.Year2025 : Calendars.Year2026;

        var seeded = ReadSeed(year);

        Assert.Equal(expected.Year, seeded.Year);
        Assert.Equal(expected.Holidays.Order(), seeded.Holidays.Order());
        Assert.Equal(expected.MakeupWorkdays.Order(), seeded.MakeupWorkdays.Order());
    }

    private static CalendarYear ReadSeed(int year)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "seed", "calendars")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.FullName, "seed", "calendars", $"{year}.json")));
        var root = json.RootElement;
        var holidays = root.GetProperty("holidays").EnumerateArray()
            .SelectMany(h => CalendarYear.Days(Calendars.D(h.GetProperty("from").GetString()!), Calendars.D(h.GetProperty("to").GetString()!)))
            .ToHashSet();
        var makeups = root.GetProperty("makeupWorkdays").EnumerateArray().Select(d => Calendars.D(d.GetString()!)).ToHashSet();
        return new CalendarYear(root.GetProperty("year").GetInt32(), holidays, makeups);
    }
}
