namespace Hotline.Domain.Knowledge;

public enum DiffKind
{
    Same,
    Added,
    Removed,
}

public sealed record DiffPart(DiffKind Kind, string Text);

/// <summary>
/// The diff view of two versions of a text: lines compared first (longest common subsequence), then the characters
/// of each changed line against the line that replaced it, so a changed number in a long Chinese paragraph shows as
/// that number, not as the whole paragraph.
/// </summary>
public static class TextDiff
{
    private const int MaxCharsPerLine = 3000;

    public static IReadOnlyList<DiffPart> Compare(string? before, string? after)
    {
        var a = Lines(before);
        var b = Lines(after);
        var parts = new List<DiffPart>();
        var removed = new List<string>();
        var added = new List<string>();
        foreach (var (kind, line) in Lcs(a, b))
        {
            if (kind == DiffKind.Removed)
                removed.Add(line);
            else if (kind == DiffKind.Added)
                added.Add(line);
            else
            {
                Flush(parts, removed, added);
                Add(parts, DiffKind.Same, line);
            }
        }
        Flush(parts, removed, added);
        return parts;
    }

    private static void Flush(List<DiffPart> parts, List<string> removed, List<string> added)
    {
        // Pair changed lines one to one and diff them by character; what is left over is wholly removed or added.
        var pairs = Math.Min(removed.Count, added.Count);
        for (var i = 0; i < pairs; i++)
        {
            if (removed[i].Length <= MaxCharsPerLine && added[i].Length <= MaxCharsPerLine)
            {
                foreach (var (kind, c) in Lcs(removed[i].Select(c => c.ToString()).ToArray(), added[i].Select(c => c.ToString()).ToArray()))
                    Add(parts, kind, c);
            }
            else
            {
                Add(parts, DiffKind.Removed, removed[i]);
                Add(parts, DiffKind.Added, added[i]);
            }
        }
        foreach (var line in removed.Skip(pairs))
            Add(parts, DiffKind.Removed, line);
        foreach (var line in added.Skip(pairs))
            Add(parts, DiffKind.Added, line);
        removed.Clear();
        added.Clear();
    }

    private static void Add(List<DiffPart> parts, DiffKind kind, string text)
    {
        if (parts.Count > 0 && parts[^1].Kind == kind)
            parts[^1] = parts[^1] with { Text = parts[^1].Text + text };
        else
            parts.Add(new(kind, text));
    }

    private static string[] Lines(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l + "\n").ToArray();

    private static List<(DiffKind, string)> Lcs(string[] a, string[] b)
    {
        // Common prefix and suffix first: most edits touch a small part of a text.
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
            prefix++;
        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix])
            suffix++;
        var n = a.Length - prefix - suffix;
        var m = b.Length - prefix - suffix;
        var lengths = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
                lengths[i, j] = a[prefix + i] == b[prefix + j] ? lengths[i + 1, j + 1] + 1 : Math.Max(lengths[i + 1, j], lengths[i, j + 1]);
        }
        var result = new List<(DiffKind, string)>();
        for (var k = 0; k < prefix; k++)
            result.Add((DiffKind.Same, a[k]));
        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[prefix + x] == b[prefix + y])
            {
                result.Add((DiffKind.Same, a[prefix + x]));
                x++;
                y++;
            }
            else if (y < m && (x == n || lengths[x, y + 1] >= lengths[x + 1, y]))
                result.Add((DiffKind.Added, b[prefix + y++]));
            else
                result.Add((DiffKind.Removed, a[prefix + x++]));
        }
        for (var k = a.Length - suffix; k < a.Length; k++)
            result.Add((DiffKind.Same, a[k]));
        return result;
    }
}
