using System.Globalization;

namespace Hotline.Domain.Analytics;

/// <summary>
/// 热点词汇总: the row of one topic word and one day (or one calendar month, dated its first day) that counts the
/// tickets registered then whose text has the word: the sum of <see cref="FactMeasures.Registered"/> of their centre
/// rows. Hot topics of the whole city read these (the period's whole months from month rows and the days at either
/// end from day rows, as <see cref="RollupSpans"/> cuts it) instead of joining a period's fact rows with every word.
/// </summary>
public sealed record WordRollupKey(RollupSpan Span, DateOnly Day, string Word)
{
    /// <summary>The day row and the month row a ticket of <paramref name="day"/> with <paramref name="word"/> adds to.</summary>
    public static IEnumerable<WordRollupKey> Rows(DateOnly day, string word)
    {
        yield return new(RollupSpan.Day, day, word);
        yield return new(RollupSpan.Month, new DateOnly(day.Year, day.Month, 1), word);
    }

    /// <summary>
    /// One string for a unique index and IN-list lookups: W, the day (yyyyMMdd) or month (yyyyMM), the word. The
    /// WordRollups migration's backfill builds the same text in SQL (<see cref="RollupKey.Text"/> does the same for the
    /// rollups; tested against this one).
    /// </summary>
    public string Text => string.Join('|', "W", Day.ToString(Span == RollupSpan.Month ? "yyyyMM" : "yyyyMMdd", CultureInfo.InvariantCulture), Word);
}

/// <summary>The changes a batch of tickets makes to the word rollups, by key text.</summary>
public sealed class WordRollupDeltas
{
    private readonly Dictionary<string, (WordRollupKey Key, long Delta)> deltas = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="registered"/> (a centre row's counter, or its negation) to every row of each word's day.</summary>
    public void Add(DateOnly day, IEnumerable<string> words, long registered)
    {
        if (registered == 0)
            return;
        foreach (var word in words)
        {
            foreach (var key in WordRollupKey.Rows(day, word))
            {
                var text = key.Text;
                deltas[text] = (key, (deltas.TryGetValue(text, out var entry) ? entry.Delta : 0) + registered);
            }
        }
    }

    /// <summary>The rows whose counts change.</summary>
    public IReadOnlyList<(WordRollupKey Key, long Delta)> Changes => deltas.Values.Where(d => d.Delta != 0).ToList();
}
