using System.Globalization;
using Hotline.Domain.Tickets;

namespace Hotline.Server.Problems;

/// <summary>Local days in query strings (<c>yyyy-MM-dd</c>), read the same way by every endpoint: malformed or out of range is a named 400.</summary>
public static class QueryDays
{
    /// <summary>Null when the value is absent; otherwise the day, or null with an error added.</summary>
    public static DateOnly? Parse(string? value, string field, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            errors.Add(new(field, "InvalidValue"));
            return null;
        }
        if (Days.Check(field, day) is { } error)
        {
            errors.Add(error);
            return null;
        }
        return day;
    }

    /// <summary>One optional day on its own: throws the 400 at once.</summary>
    public static DateOnly? ParseOrThrow(string? value, string field)
    {
        var errors = new List<FieldError>();
        var day = Parse(value, field, errors);
        return errors.Count > 0 ? throw new RequestValidationException(errors) : day;
    }
}
