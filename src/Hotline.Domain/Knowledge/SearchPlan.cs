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
/// <param name="TitleWords">Words asked of titles and questions only: what <see cref="Prune"/> makes of a word too common in
/// the bodies (社保 in thousands of answers, in far fewer titles).</param>
/// <param name="PinyinOfWords">For each pinyin term read from one of the query's words, that word (shebao → 社保); pinyin
/// read from a run of single characters (a likely typo) has none.</param>
public sealed record SearchPlan(IReadOnlyList<string> Words, IReadOnlyList<string> CharPhrases, IReadOnlyList<string> Pinyin, string? InitialsPrefix,
    IReadOnlyList<string>? TitleWords = null, IReadOnlyDictionary<string, string>? PinyinOfWords = null)
{
    public bool IsEmpty => Words.Count == 0 && CharPhrases.Count == 0 && Pinyin.Count == 0 && InitialsPrefix is null && (TitleWords?.Count ?? 0) == 0;

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
        var pinyinOfWords = new Dictionary<string, string>(StringComparer.Ordinal);
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
            {
                Add(pinyin, p);
                pinyinOfWords.TryAdd(p, w);
            }
        }
        FlushSingles(singles, pinyin, pinyinOf);
        return new SearchPlan(all, phrases, pinyin, null, PinyinOfWords: pinyinOfWords);
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

    /// <summary>Every alternative of the plan as the index sees it, in the plan's order.</summary>
    public IReadOnlyList<PlanTerm> Terms =>
    [
        .. Words.Select(w => new PlanTerm(PlanTermKind.Word, w)),
        .. (TitleWords ?? []).Select(w => new PlanTerm(PlanTermKind.TitleWord, w)),
        .. CharPhrases.Select(p => new PlanTerm(PlanTermKind.CharPhrase, p)),
        .. Pinyin.Select(p => new PlanTerm(PlanTermKind.Pinyin, p)),
        .. InitialsPrefix is null ? [] : new[] { new PlanTerm(PlanTermKind.InitialsPrefix, InitialsPrefix) },
    ];

    /// <summary>A term in more than this share of the articles is common (as in Lucene's cutoff frequency).</summary>
    public const double CommonShare = 0.02;

    /// <summary>No term in fewer articles than this is common: ranking a few thousand matches costs little, and on a
    /// small knowledge base every term keeps its say in the ranking.</summary>
    public const long CommonFloor = 2000;

    /// <summary>Most terms of a pruned plan, the rarest kept.</summary>
    public const int MaxIndexTerms = 16;

    /// <summary>Single characters and numbers are asked only while fewer words and phrases than this are kept: in a long
    /// question they match thousands of articles and move the ranking little.</summary>
    public const int WeakTermsBelow = 3;

    /// <summary>How many articles make a term common in a knowledge base of <paramref name="documents"/> articles.</summary>
    public static long CommonCutoff(long documents) => Math.Max(CommonFloor, (long)(documents * CommonShare));

    /// <summary>How many matches, summed over its terms, a pruned plan asks of the index at most: ranking them is most
    /// of what the index does.</summary>
    public static long MatchBudget(long documents) => 2 * CommonCutoff(documents);

    /// <summary>Up to how many articles a word may match and still be asked of titles and questions instead: the index
    /// still reads the word's whole list of articles to filter it by column.</summary>
    public static long NarrowLimit(long documents) => 5 * CommonCutoff(documents);

    /// <summary>Every term <see cref="Prune"/> may ask the count of: the plan's terms and each word narrowed to titles
    /// and questions.</summary>
    public IReadOnlyList<PlanTerm> CountedTerms => [.. Terms, .. Words.Select(w => new PlanTerm(PlanTermKind.TitleWord, w))];

    /// <summary>
    /// The plan the index is asked, given each term's document frequency (how many articles it matches; any count above
    /// <see cref="NarrowLimit"/> may be given as just above it). The index reads and ranks every article each OR-ed term
    /// matches, so a term matching a large share of the knowledge base (常州, 企业, a common character) costs most and tells
    /// least (bm25's idf is near zero for it), as in Lucene's cutoff frequency. So: a word more common than
    /// <see cref="CommonCutoff"/> is asked of titles and questions only when it is in at most <see cref="NarrowLimit"/>
    /// articles (社保: thousands of answers, hundreds of titles); then terms that are not common are kept, words and phrases
    /// first and single characters and numbers after them (they say little in a long question), the rarest first, at
    /// most <see cref="MaxIndexTerms"/> and <see cref="MatchBudget"/> matches together. When they do not all fit, the
    /// terms that cost more than they tell go first: single characters and numbers once <see cref="WeakTermsBelow"/> others
    /// are kept; the pinyin of a word that matches and is not common (it finds the same titles again: pinyin is there for
    /// homophone typos, whose words match nothing); a part of a kept term matching as many articles. When every
    /// term is common the rarest one is kept alone. Terms that match nothing are left out too: the index would still
    /// look for each of them in every matching article while ranking it. Only when nothing matches does the plan stay
    /// as it is.
    /// </summary>
    public SearchPlan Prune(Func<PlanTerm, long> documentFrequency, long documents)
    {
        var cutoff = CommonCutoff(documents);
        var counted = new List<(PlanTerm Term, long Count, int Order)>();
        foreach (var asked in Terms)
        {
            var (term, count) = (asked, documentFrequency(asked));
            var narrow = asked with { Kind = PlanTermKind.TitleWord };
            if (count > cutoff && count <= NarrowLimit(documents) && asked.Kind == PlanTermKind.Word && !Terms.Contains(narrow))
                (term, count) = (narrow, documentFrequency(narrow));
            counted.Add((term, count, counted.Count));
        }
        var askable = counted.Where(c => c.Count > 0 && c.Count <= cutoff).ToList();
        var budget = MatchBudget(documents);
        var kept = askable.Count <= MaxIndexTerms && askable.Sum(c => c.Count) <= budget
            ? [.. askable.Select(c => c.Term)] // all within the budget: every term keeps its say in the ranking
            : WithinBudget(askable, budget);
        // Every term common: the rarest alone, a narrow one before a word searched everywhere.
        if (kept.Count == 0 && counted.Where(c => c.Count > 0).OrderBy(c => c.Count).ThenBy(c => c.Term.Kind == PlanTermKind.Word).ThenBy(c => c.Order)
                .FirstOrDefault() is { Term: not null } rarest)
            kept.Add(rarest.Term);
        if (kept.Count == 0)
            return this;
        var keep = kept.ToHashSet();
        List<string> Of(PlanTermKind kind) => [.. counted.Where(c => c.Term.Kind == kind && keep.Contains(c.Term)).Select(c => c.Term.Text)];
        return new SearchPlan(Of(PlanTermKind.Word), Of(PlanTermKind.CharPhrase), Of(PlanTermKind.Pinyin), Of(PlanTermKind.InitialsPrefix).FirstOrDefault(),
            Of(PlanTermKind.TitleWord));
    }

    /// <summary>The rarest of <paramref name="askable"/> terms within the budget and the cap, leaving out first what costs more
    /// than it tells (see <see cref="Prune"/>).</summary>
    private List<PlanTerm> WithinBudget(List<(PlanTerm Term, long Count, int Order)> askable, long budget)
    {
        var askedWords = askable.Where(c => c.Term.Kind is PlanTermKind.Word or PlanTermKind.TitleWord).Select(c => c.Term.Text).ToHashSet(StringComparer.Ordinal);
        bool OfAskedWord(PlanTerm t) => t.Kind == PlanTermKind.Pinyin && PinyinOfWords is not null && PinyinOfWords.TryGetValue(t.Text, out var word) && askedWords.Contains(word);
        var kept = new List<PlanTerm>();
        var keptCounts = new List<(string Text, bool Pinyin, long Count)>();
        var strong = 0;
        // Rarest first; of terms matching as many articles, the longest first (营业执照 before 营业 and 执照).
        foreach (var c in askable.Where(c => !OfAskedWord(c.Term)).OrderBy(c => c.Term.IsWeak).ThenBy(c => c.Count)
                     .ThenByDescending(c => c.Term.Text.Count(ch => ch != ' ')).ThenBy(c => c.Order))
        {
            if (kept.Count == MaxIndexTerms)
                break;
            if (c.Count > budget || (c.Term.IsWeak && strong >= WeakTermsBelow))
                continue;
            // A part of a kept term (or the same text in other columns) matching exactly as many articles matches the same
            // ones: asking it again adds no article, only work for every one of them.
            var text = c.Term.Text.Replace(" ", "", StringComparison.Ordinal);
            var pinyin = c.Term.Kind is PlanTermKind.Pinyin or PlanTermKind.InitialsPrefix;
            if (keptCounts.Any(k => k.Count == c.Count && k.Pinyin == pinyin && k.Text.Contains(text, StringComparison.Ordinal)))
                continue;
            kept.Add(c.Term);
            keptCounts.Add((text, pinyin, c.Count));
            budget -= c.Count;
            if (!c.Term.IsWeak)
                strong++;
        }
        return kept;
    }

    /// <summary>The SQLite FTS5 MATCH expression: every term quoted (FTS5 syntax cannot be injected), OR-ed.</summary>
    public string ToFts5() => string.Join(" OR ", Terms.Select(t => t.ToFts5()));

    /// <summary>
    /// The PostgreSQL tsquery text for <c>to_tsquery('simple', …)</c>: lexemes quoted, phrases with &lt;-&gt;. The
    /// columns are told apart by prefixes the server writes into the tsvector (g: grams, p: pinyin, i: initials).
    /// </summary>
    public string ToTsQuery() => string.Join(" | ", Terms.Select(t => t.ToTsQuery()));

    internal static string Quote(string term) => "\"" + term.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string Lexeme(string term) => "'" + term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

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

/// <summary>What kind of alternative a plan's term is: which index columns it searches.</summary>
public enum PlanTermKind
{
    /// <summary>A query word or synonym, in title, questions and body.</summary>
    Word,
    /// <summary>A query word or synonym in title and questions only.</summary>
    TitleWord,
    /// <summary>A phrase of single characters, in the characters of title and questions.</summary>
    CharPhrase,
    /// <summary>Toneless pinyin, in the pinyin of title and questions.</summary>
    Pinyin,
    /// <summary>Pinyin initials of a title, as a prefix.</summary>
    InitialsPrefix,
}

/// <summary>One alternative of a <see cref="SearchPlan"/>, rendered for either database on its own (the server counts
/// each term's articles with it).</summary>
public sealed record PlanTerm(PlanTermKind Kind, string Text)
{
    /// <summary>A single character or a number: says little on its own in a longer question.</summary>
    public bool IsWeak => Kind != PlanTermKind.Pinyin && Kind != PlanTermKind.InitialsPrefix && (Text.Length == 1 || Text.All(char.IsAsciiDigit));

    /// <summary>This term alone as an FTS5 MATCH expression.</summary>
    public string ToFts5() => Kind switch
    {
        PlanTermKind.Word => "{title questions body} : " + SearchPlan.Quote(Text),
        PlanTermKind.TitleWord => "{title questions} : " + SearchPlan.Quote(Text),
        PlanTermKind.CharPhrase => "grams : " + SearchPlan.Quote(Text),
        PlanTermKind.Pinyin => "pinyin : " + SearchPlan.Quote(Text),
        _ => "initials : " + SearchPlan.Quote(Text) + " *",
    };

    /// <summary>This term alone as tsquery text.</summary>
    public string ToTsQuery() => Kind switch
    {
        PlanTermKind.Word => SearchPlan.Lexeme(Text),
        PlanTermKind.TitleWord => SearchPlan.Lexeme(Text) + ":AB",
        PlanTermKind.CharPhrase => "(" + string.Join(" <-> ", Text.Split(' ').Select(c => SearchPlan.Lexeme("g" + c))) + ")",
        PlanTermKind.Pinyin => SearchPlan.Lexeme("p" + Text),
        _ => SearchPlan.Lexeme("i" + Text) + ":*",
    };
}
