namespace Hotline.Domain.Knowledge;

/// <summary>A piece of a snippet; <see cref="Hit"/> pieces are the query's terms.</summary>
public sealed record SnippetPart(string Text, bool Hit);

/// <summary>
/// Highlighting (高亮) done in C#, so SQLite and PostgreSQL show the same snippets: the window of the text with the
/// most query terms, cut at about <c>length</c> characters, with the terms marked.
/// </summary>
public static class Highlighter
{
    public static IReadOnlyList<SnippetPart> Snippet(string text, IReadOnlyList<string> terms, int length = 120)
    {
        var flat = Flatten(text);
        var hits = Hits(flat, terms);
        if (flat.Length <= length)
            return Mark(flat, hits, 0, flat.Length, false, false);
        // The window start with the most hit characters in it; ties go to the earliest.
        var bestStart = 0;
        var bestScore = -1;
        foreach (var (start, _) in hits)
        {
            var from = Math.Max(0, Math.Min(start - length / 4, flat.Length - length));
            var score = hits.Where(h => h.Start >= from && h.Start + h.Length <= from + length).Sum(h => h.Length);
            if (score > bestScore)
                (bestScore, bestStart) = (score, from);
        }
        return Mark(flat, hits, bestStart, Math.Min(flat.Length, bestStart + length), bestStart > 0, bestStart + length < flat.Length);
    }

    /// <summary>The whole text with the terms marked (titles).</summary>
    public static IReadOnlyList<SnippetPart> Whole(string text, IReadOnlyList<string> terms) =>
        Mark(text, Hits(text, terms), 0, text.Length, false, false);

    /// <summary>Whether <paramref name="text"/> has <paramref name="term"/>, letters in any case.</summary>
    public static bool Contains(string text, string term) => text.Contains(term, Comparison(term));

    // Case matters only to letters; a Chinese term is found much faster by ordinal comparison.
    private static StringComparison Comparison(string term) =>
        term.Any(c => char.IsLetter(c) && !SearchPlan.IsHan(c)) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static string Flatten(string text)
    {
        // Markdown marks and line breaks make no sense in a one-line snippet; runs of spaces become one.
        var flat = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '#' or '*' or '`' or '>' or '|')
                continue;
            if (char.IsWhiteSpace(c))
            {
                if (flat.Length > 0 && flat[^1] != ' ')
                    flat.Append(' ');
            }
            else
            {
                flat.Append(c);
            }
        }
        if (flat.Length > 0 && flat[^1] == ' ')
            flat.Length--;
        return flat.ToString();
    }

    private static List<(int Start, int Length)> Hits(string text, IReadOnlyList<string> terms)
    {
        var taken = new bool[text.Length];
        var hits = new List<(int, int)>();
        foreach (var term in terms.Where(t => t.Length > 0).OrderByDescending(t => t.Length))
        {
            var comparison = Comparison(term);
            for (var at = text.IndexOf(term, comparison); at >= 0; at = text.IndexOf(term, at + term.Length, comparison))
            {
                if (taken.AsSpan(at, term.Length).Contains(true))
                    continue;
                taken.AsSpan(at, term.Length).Fill(true);
                hits.Add((at, term.Length));
            }
        }
        hits.Sort();
        return hits;
    }

    private static List<SnippetPart> Mark(string text, List<(int Start, int Length)> hits, int from, int to, bool leading, bool trailing)
    {
        var parts = new List<SnippetPart>();
        if (leading)
            parts.Add(new("…", false));
        var at = from;
        foreach (var (start, length) in hits)
        {
            if (start < from || start + length > to)
                continue;
            if (start > at)
                parts.Add(new(text[at..start], false));
            parts.Add(new(text.Substring(start, length), true));
            at = start + length;
        }
        if (at < to)
            parts.Add(new(text[at..to], false));
        if (trailing)
            parts.Add(new("…", false));
        return parts;
    }
}
