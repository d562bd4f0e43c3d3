using System.Globalization;

namespace Hotline.Server.Common;

/// <summary>How the console writes instants and reads them back: in the city's time zone, the same in both languages.</summary>
public static class CityTime
{
    public const string Minutes = "yyyy-MM-dd HH:mm";

    /// <summary>"2026-11-25 17:30" in the city's time.</summary>
    public static string Local(this CityClock clock, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, clock.Zone).ToString(Minutes, CultureInfo.InvariantCulture);

    /// <summary>"11-25 17:30" in the city's time: a desk row's short form.</summary>
    public static string ShortLocal(this CityClock clock, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, clock.Zone).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"2026-11-25 17:30", or "" for none.</summary>
    public static string Local(this CityClock clock, DateTimeOffset? at) => at is { } a ? clock.Local(a) : "";

    /// <summary>The value of a datetime-local input ("2026-11-25T17:30") for an instant, in the city's time.</summary>
    public static string InputValue(this CityClock clock, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, clock.Zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"2026-11-25T17:30" typed in the city's time: that instant with the city's offset; null when it is no date.</summary>
    public static DateTimeOffset? FromInput(this CityClock clock, string? local)
    {
        if (!DateTime.TryParse(local, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            return null;
        var unspecified = DateTime.SpecifyKind(value, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, clock.Zone.GetUtcOffset(unspecified));
    }

    /// <summary>The end of a working day (17:30) in the city, <paramref name="days"/> calendar days from today: a default due time.</summary>
    public static DateTimeOffset EndOfDay(this CityClock clock, int days) => clock.StartOf(clock.Today.AddDays(days)).AddHours(17.5);
}
