using System.Text;

namespace Hotline.Domain.Duplicates;

/// <summary>
/// The character bigrams (shingles) of one normalized text, computed once so that one draft can be compared with
/// thousands of candidates cheaply. Each bigram is packed into an int: high 16 bits the first char, low 16 bits the second.
/// A text of one character has that character as its only shingle (second half 0, which normalization never keeps).
/// </summary>
public sealed class Shingles
{
    private readonly HashSet<int> set;

    private Shingles(HashSet<int> set) => this.set = set;

    public static Shingles Empty { get; } = new([]);

    public int Count => set.Count;

    public static Shingles Of(string? text)
    {
        var normalized = TextSimilarity.Normalize(text);
        if (normalized.Length == 0)
            return Empty;
        if (normalized.Length == 1)
            return new([normalized[0] << 16]);
        var set = new HashSet<int>(normalized.Length - 1);
        for (var i = 0; i + 1 < normalized.Length; i++)
            set.Add((normalized[i] << 16) | normalized[i + 1]);
        return new(set);
    }

    /// <summary>How many shingles the two texts share.</summary>
    public int Overlap(Shingles other)
    {
        var (small, large) = set.Count <= other.set.Count ? (set, other.set) : (other.set, set);
        var shared = 0;
        foreach (var s in small)
        {
            if (large.Contains(s))
                shared++;
        }
        return shared;
    }
}

/// <summary>
/// How alike two Chinese texts are, in [0, 1]: the Dice coefficient (2|A∩B| / (|A|+|B|)) of their character bigrams
/// after normalization (whitespace, punctuation and symbols dropped, full-width folded to half-width, ASCII lower-cased).
/// Bigrams suit Chinese, which has no spaces between words: a reworded complaint about the same matter keeps most of
/// its two-character words (地名, 摊贩, 占道经营). An empty text is like nothing, not even another empty text.
/// </summary>
public static class TextSimilarity
{
    public static double Compare(string? a, string? b) => Compare(Shingles.Of(a), Shingles.Of(b));

    public static double Compare(Shingles a, Shingles b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var total = a.Count + b.Count;
        if (a.Count == 0 || b.Count == 0)
            return 0;
        return Math.Min(1.0, 2.0 * a.Overlap(b) / total);
    }

    /// <summary>全角“ＡＢＣ，１２３” → "abc123": what is left is the text's letters, digits and ideographs.</summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var sb = new StringBuilder(text.Length);
        foreach (var raw in text)
        {
            var c = raw switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(raw - 0xFEE0), // full-width ASCII block
                '\u3000' => ' ', // ideographic space
                _ => raw,
            };
            if (char.IsWhiteSpace(c) || char.IsPunctuation(c) || char.IsSymbol(c) || char.IsControl(c) || c == '\0')
                continue;
            sb.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
        }
        return sb.ToString();
    }
}
