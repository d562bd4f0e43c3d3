namespace Hotline.Domain.Tickets;

/// <summary>统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character over the first 17.</summary>
public static class UnifiedSocialCreditCode
{
    // The standard's alphabet omits I, O, Z, S and V so codes read unambiguously.
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public static bool IsValid(string? code)
    {
        if (code is null || code.Length != 18)
            return false;
        for (var i = 2; i < 8; i++)
        {
            if (!char.IsAsciiDigit(code[i]))
                return false; // positions 3–8 are the administrative division code
        }
        var expected = CheckCharacter(code.AsSpan(0, 17));
        return expected is not null && code[17] == expected;
    }

    /// <summary>The check character for the first 17 characters, or null when one is outside the alphabet.</summary>
    public static char? CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17)
            return null;
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(first17[i]);
            if (value < 0)
                return null;
            sum += value * Weights[i];
        }
        var check = (31 - sum % 31) % 31;
        return Alphabet[check];
    }
}
