using System.Text;

namespace Hotline.Domain.Knowledge;

/// <summary>
/// What a knowledge search asks the index for, built from the query's words (segmented by the server) and the
/// editors' synonyms; rendered as an SQLite FTS5 MATCH expression or a PostgreSQL tsquery over the same columns.
/// Every kind of term is an alternative (OR): the index ranks articles matching more and rarer terms higher.
/// </summary>
/// <param name="Words">Query words (jieba's search mode) and their synonyms.</param>
/// <param name="CharPhrases">Short Chinese runs of the query as phrases of single characters, so one- and two-character
/// queries match inside titles and questions even where segmentation cut them otherwise.</param>
/// <param name="Pinyin">Toneless pinyin of the query's words and of runs of single characters (homophone typos:
/// 社宝 reads shebao like 社保).</param>
/// <param name="InitialsPrefix">A query of Latin letters only: pinyin initials of a title (gjj → 公积金…), as a prefix.</param>
public sealed record SearchPlan(IReadOnlyList<string> Words, IReadOnlyList<string> CharPhrases, IReadOnlyList<string> Pinyin, string? InitialsPrefix)
{
    public bool IsEmpty => Words.Count == 0 && CharPhrases.Count == 0 && Pinyin.Count == 0 && InitialsPrefix is null;

    /// <summary>
    /// The texts to highlight in titles and answers: words and phrases, longest first. Single characters only when the
    /// query has nothing longer (税): marking every 人 of an answer helps nobody read it.
    /// </summary>
    public IReadOnlyList<string> HighlightTerms
    {
        get
        {
            var terms = Words.Concat(CharPhrases.Select(p => p.Replace(" ", "", StringComparison.Ordinal))).Where(t => t.Length > 0 && !IsAsciiLetters(t))
                .Distinct(StringComparer.Ordinal).OrderByDescending(t => t.Length).ToList();
            return terms.Any(t => t.Length > 1) ? [.. terms.Where(t => t.Length > 1)] : terms;
        }
    }

    /// <summary>Most query terms kept: a pasted complaint must not become a hundred-term query.</summary>
    public const int MaxWords = 24;

    /// <summary>
    /// The plan for a query. <paramref name="words"/> are its search terms in order (stop words removed);
    /// <paramref name="synonyms"/> gives each word's other forms; <paramref name="pinyinOf"/> reads a word's toneless
    /// syllables, or null for a word with characters it cannot read.
    /// </summary>
    public static SearchPlan For(string query, IReadOnlyList<string> words, Func<string, IReadOnlyList<string>> synonyms, Func<string, string?> pinyinOf)
    {
        var trimmed = query.Trim().ToLowerInvariant();
        if (trimmed.Length > 0 && trimmed.Length <= 16 && IsAsciiLetters(trimmed))
            return new SearchPlan([trimmed], [], [trimmed], trimmed);

        var all = new List<string>();
        foreach (var w in words.Take(MaxWords))
        {
            Add(all, w);
            foreach (var s in synonyms(w))
                Add(all, s);
        }

        // Short Chinese runs as character phrases: 社保, 税, 公积 match titles by substring.
        var phrases = new List<string>();
        foreach (var run in HanRuns(trimmed))
        {
            if (run.Length <= 4)
                Add(phrases, string.Join(' ', run.EnumerateRunes()));
        }

        // Pinyin of multi-character words, and of each run of single characters jieba left (an unknown word, often a typo).
        var pinyin = new List<string>();
        var singles = new StringBuilder();
        foreach (var w in words.Take(MaxWords))
        {
            if (w.Length == 1 && IsHan(w[0]))
            {
                singles.Append(w);
                continue;
            }
            FlushSingles(singles, pinyin, pinyinOf);
            if (w.Length >= 2 && w.Length <= 6 && w.All(IsHan) && pinyinOf(w) is { } p)
                Add(pinyin, p);
        }
        FlushSingles(singles, pinyin, pinyinOf);
        return new SearchPlan(all, phrases, pinyin, null);
    }

    private static void FlushSingles(StringBuilder singles, List<string> pinyin, Func<string, string?> pinyinOf)
    {
        var run = singles.ToString();
        singles.Clear();
        for (var length = 2; length <= Math.Min(4, run.Length); length++)
        {
            for (var start = 0; start + length <= run.Length; start++)
            {
                if (pinyinOf(run.Substring(start, length)) is { } p)
                    Add(pinyin, p);
            }
        }
    }

    private static void Add(List<string> list, string term)
    {
        var t = term.Trim();
        if (t.Length > 0 && !list.Contains(t, StringComparer.Ordinal))
            list.Add(t);
    }

    /// <summary>The SQLite FTS5 MATCH expression: every term quoted (FTS5 syntax cannot be injected), OR-ed.</summary>
    public string ToFts5()
    {
        var parts = new List<string>();
        foreach (var w in Words)
            parts.Add("{title questions body} : " + Quote(w));
        foreach (var p in CharPhrases)
            parts.Add("grams : " + Quote(p));
        foreach (var p in Pinyin)
            parts.Add("pinyin : " + Quote(p));
        if (InitialsPrefix is not null)
            parts.Add("initials : " + Quote(InitialsPrefix) + " *");
        return string.Join(" OR ", parts);
    }

    /// <summary>
    /// The PostgreSQL tsquery text for <c>to_tsquery('simple', …)</c>: lexemes quoted, phrases with &lt;-&gt;. The
    /// columns are told apart by prefixes the server writes into the tsvector (g: grams, p: pinyin, i: initials).
    /// </summary>
    public string ToTsQuery()
    {
        var parts = new List<string>();
        foreach (var w in Words)
            parts.Add(Lexeme(w));
        foreach (var p in CharPhrases)
            parts.Add("(" + string.Join(" <-> ", p.Split(' ').Select(c => Lexeme("g" + c))) + ")");
        foreach (var p in Pinyin)
            parts.Add(Lexeme("p" + p));
        if (InitialsPrefix is not null)
            parts.Add(Lexeme("i" + InitialsPrefix) + ":*");
        return string.Join(" | ", parts);
    }

    private static string Quote(string term) => "\"" + term.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Lexeme(string term) => "'" + term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    public static bool IsHan(char c) => c is >= '\u3400' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF';

    private static bool IsAsciiLetters(string s) => s.Length > 0 && s.All(char.IsAsciiLetterLower);

    private static IEnumerable<string> HanRuns(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var han = i < text.Length && IsHan(text[i]);
            if (han && start < 0)
                start = i;
            else if (!han && start >= 0)
            {
                yield return text[start..i];
                start = -1;
            }
        }
    }
}
