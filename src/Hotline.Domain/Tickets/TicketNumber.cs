using System.Globalization;

namespace Hotline.Domain.Tickets;

/// <summary>工单编号: "HL" + registration date (yyyyMMdd, China Standard Time) + a six-digit daily sequence, e.g. HL20261122000123.</summary>
public static class TicketNumber
{
    public const int Length = 16;
    public const int MaxDailySequence = 999_999;

    public static string Format(DateOnly registrationDay, long dailySequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dailySequence, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dailySequence, MaxDailySequence);
        return string.Create(CultureInfo.InvariantCulture, $"HL{registrationDay:yyyyMMdd}{dailySequence:D6}");
    }

    public static bool IsWellFormed(string? number) =>
        number is { Length: Length }
        && number.StartsWith("HL", StringComparison.Ordinal)
        && number.AsSpan(2).ContainsAnyExceptInRange('0', '9') is false
        && DateOnly.TryParseExact(number.AsSpan(2, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
        && !number.EndsWith("000000", StringComparison.Ordinal); // sequences start at 1
}
