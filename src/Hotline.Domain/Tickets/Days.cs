namespace Hotline.Domain.Tickets;

/// <summary>
/// The days Hotline reasons about: a search, a digest or a score period outside them is a slip (0001-01-01,
/// 9999-12-31), refused with the field named instead of overflowing the time-zone arithmetic.
/// </summary>
public static class Days
{
    public static readonly DateOnly Min = new(2000, 1, 1);
    public static readonly DateOnly Max = new(2100, 12, 31);

    public static FieldError? Check(string field, DateOnly day) =>
        day < Min || day > Max ? new(field, ErrorCodes.DayOutOfRange, Min.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Max.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) : null;
}
