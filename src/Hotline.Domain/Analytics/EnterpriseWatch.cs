namespace Hotline.Domain.Analytics;

/// <summary>One of an enterprise's recent tickets, as the watch rule needs it.</summary>
public sealed record EnterpriseMatter(string Number, string CategoryCode, DateOnly Day, bool Unfinished, bool Overdue, bool Rated, bool Unsatisfied, bool Resolved);

/// <summary>Why an enterprise is flagged 重点关注.</summary>
public sealed record WatchReason(string Code, string? CategoryCode, IReadOnlyList<string> Numbers);

/// <summary>
/// 重点关注: an enterprise whose matters repeat or stay unresolved, so the dispatcher and the agent who takes its call
/// know at once. Within <see cref="WindowDays"/> days: two or more tickets about the same category (重复诉求), a rated
/// answer it called unsatisfied or unresolved (未解决), or an unfinished ticket past its deadline (超期未办).
/// </summary>
public static class EnterpriseWatch
{
    public const int WindowDays = 90;
    public const string RepeatedMatter = "RepeatedMatter";
    public const string Unresolved = "Unresolved";
    public const string OverdueOpen = "OverdueOpen";

    public static IReadOnlyList<WatchReason> Reasons(IEnumerable<EnterpriseMatter> matters, DateOnly today)
    {
        var recent = matters.Where(m => m.Day > today.AddDays(-WindowDays)).ToList();
        var reasons = new List<WatchReason>();
        foreach (var g in recent.GroupBy(m => m.CategoryCode).Where(g => g.Count() >= 2).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            reasons.Add(new(RepeatedMatter, g.Key, g.Select(m => m.Number).Order(StringComparer.Ordinal).ToList()));
        var unresolved = recent.Where(m => m.Rated && (m.Unsatisfied || !m.Resolved)).Select(m => m.Number).Order(StringComparer.Ordinal).ToList();
        if (unresolved.Count > 0)
            reasons.Add(new(Unresolved, null, unresolved));
        var overdue = matters.Where(m => m.Unfinished && m.Overdue).Select(m => m.Number).Order(StringComparer.Ordinal).ToList();
        if (overdue.Count > 0)
            reasons.Add(new(OverdueOpen, null, overdue));
        return reasons;
    }
}
