namespace Hotline.Domain.Sla;

/// <summary>
/// A computation needs a day of a year whose official calendar is not loaded. Deadlines are never guessed:
/// next year's holidays are only known once the State Council publishes them (usually in November).
/// </summary>
public sealed class CalendarNotLoadedException : Exception
{
    public CalendarNotLoadedException(int year)
        : base($"The working-day calendar for {year} is not loaded; load the official holiday notice for {year}.") =>
        Year = year;

    public CalendarNotLoadedException() : base("A working-day calendar year that is needed is not loaded.")
    {
    }

    public CalendarNotLoadedException(string message) : base(message)
    {
    }

    public CalendarNotLoadedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The year whose calendar is needed (0 when unknown).</summary>
    public int Year { get; }
}
