namespace Hotline.Domain.Tickets;

/// <summary>
/// What every text a person or an integration sends must be: no control characters that hide or corrupt what is shown
/// (NUL, ESC, the other C0 and C1 controls, DEL) and no bidirectional overrides or isolates, which can make a title
/// read differently from what is stored (Trojan Source). Tab and line breaks stay allowed. Lengths count characters as
/// people see and PostgreSQL's <c>varchar(n)</c> counts them (Unicode scalar values), not UTF-16 units: an emoji is one.
/// </summary>
public static class TextRules
{
    /// <summary>Number of characters (Unicode scalar values); a lone surrogate counts as one.</summary>
    public static int Length(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            count++;
        }
        return count;
    }

    /// <summary>The first character this text may not contain, or null when it is clean.</summary>
    public static int? FirstForbidden(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }
                return c; // a lone surrogate is not text
            }
            if (IsForbidden(c))
                return c;
        }
        return null;
    }

    public static bool IsClean(string? text) => text is null || FirstForbidden(text) is null;

    /// <summary>C0 controls but tab, line feed and carriage return; DEL; C1 controls; bidirectional embeddings, overrides and isolates.</summary>
    public static bool IsForbidden(char c) =>
        (c < 0x20 && c is not ('\t' or '\n' or '\r'))
        || c is >= '\u007F' and <= '\u009F'
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069';

    /// <summary>The field's error, if any: forbidden characters first, then the length in characters.</summary>
    public static FieldError? Check(string field, string? value, int max)
    {
        if (value is null)
            return null;
        if (FirstForbidden(value) is { } c)
            return new(field, ErrorCodes.ForbiddenCharacter, Describe(c));
        return Length(value) > max ? new(field, ErrorCodes.TooLong, max) : null;
    }

    /// <summary>A readable name of a forbidden character, for logs and messages.</summary>
    public static string Describe(int c) => "U+" + c.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
}
