namespace Hotline.Domain.Analytics;

/// <summary>
/// 热点与预警 rules, as data: a topic is hot (突增) when its count in the latest window is at least
/// <see cref="BurstRatio"/> times its mean over the <see cref="TrailingWindows"/> windows before, and at least
/// <see cref="BurstMinTickets"/>; a possible group complaint (可能的群体性诉求) is <see cref="AlertMinTickets"/> tickets or
/// more about the same word in one district within <see cref="AlertHours"/> hours.
/// </summary>
public sealed record TopicRules
{
    public int WindowDays { get; init; } = 7;
    public int TrailingWindows { get; init; } = 4;
    public double BurstRatio { get; init; } = 3;
    public int BurstMinTickets { get; init; } = 5;
    public int AlertHours { get; init; } = 6;
    public int AlertMinTickets { get; init; } = 5;
    /// <summary>A topic is named with a district or category (停水 · 天宁区) that holds at least this share of its tickets.</summary>
    public double PlaceShare { get; init; } = 0.5;

    public static TopicRules Default { get; } = new();
}

/// <summary>A topic word of a period: how many tickets, its TF-IDF score, and whether it bursts.</summary>
public sealed record HotTopic(string Word, long Tickets, double Score, long LatestWindow, double TrailingMean, bool Burst);

/// <summary>One ticket's topic word with where and when (for alerts).</summary>
public sealed record WordMention(long TicketId, string Word, string DistrictCode, DateTimeOffset At);

/// <summary>A possible group complaint: the same matter in one place within hours, with its tickets.</summary>
public sealed record GroupAlert(string Word, string DistrictCode, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<long> TicketIds);

public static class HotTopicRules
{
    /// <summary>
    /// The district or category a topic is about (热点 = keyword + district + category): the one with the most of the
    /// topic's tickets, when it holds at least <see cref="TopicRules.PlaceShare"/> of them; null when they are spread.
    /// </summary>
    public static string? Dominant(IEnumerable<(string Key, long Tickets)> counts, long topicTickets, TopicRules rules)
    {
        var best = counts.Where(c => c.Key.Length > 0).OrderByDescending(c => c.Tickets).ThenBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault();
        return best.Key is not null && topicTickets > 0 && best.Tickets >= rules.PlaceShare * topicTickets ? best.Key : null;
    }

    /// <summary>
    /// Ranks a period's words by TF-IDF (tickets × inverse document frequency, so a word every ticket has ranks low) and
    /// marks bursts: <paramref name="latest"/> is each word's count in the last window, <paramref name="trailing"/> its
    /// count over the trailing windows together.
    /// </summary>
    public static IReadOnlyList<HotTopic> Rank(
        IEnumerable<(string Word, long Tickets)> period, Func<string, double> idf,
        IReadOnlyDictionary<string, long> latest, IReadOnlyDictionary<string, long> trailing, TopicRules rules, int take = 30) =>
        period
            .Select(p =>
            {
                var last = latest.GetValueOrDefault(p.Word);
                var mean = trailing.GetValueOrDefault(p.Word) / (double)rules.TrailingWindows;
                return new HotTopic(p.Word, p.Tickets, Math.Round(p.Tickets * idf(p.Word), 2), last, Math.Round(mean, 2), IsBurst(last, mean, rules));
            })
            .OrderByDescending(t => t.Burst).ThenByDescending(t => t.Score).ThenBy(t => t.Word, StringComparer.Ordinal)
            .Take(take)
            .ToList();

    /// <summary>Hot: at least the minimum, and at least the ratio times the trailing mean (any count over a silent past).</summary>
    public static bool IsBurst(long latest, double trailingMean, TopicRules rules) =>
        latest >= rules.BurstMinTickets && latest >= rules.BurstRatio * trailingMean;

    /// <summary>
    /// Possible group complaints among recent mentions: per word and district, the largest set of tickets within
    /// <see cref="TopicRules.AlertHours"/> of each other that reaches <see cref="TopicRules.AlertMinTickets"/>.
    /// </summary>
    public static IReadOnlyList<GroupAlert> Alerts(IEnumerable<WordMention> mentions, TopicRules rules)
    {
        var window = TimeSpan.FromHours(rules.AlertHours);
        var alerts = new List<GroupAlert>();
        foreach (var group in mentions.Where(m => m.DistrictCode.Length > 0).GroupBy(m => (m.Word, m.DistrictCode)))
        {
            var sorted = group.DistinctBy(m => m.TicketId).OrderBy(m => m.At).ToList();
            (int Start, int End) best = (0, -1);
            for (int start = 0, end = 0; end < sorted.Count; end++)
            {
                while (sorted[end].At - sorted[start].At > window)
                    start++;
                if (end - start > best.End - best.Start)
                    best = (start, end);
            }
            var count = best.End - best.Start + 1;
            if (count >= rules.AlertMinTickets)
            {
                var members = sorted.GetRange(best.Start, count);
                alerts.Add(new GroupAlert(group.Key.Word, group.Key.DistrictCode, members[0].At, members[^1].At, members.Select(m => m.TicketId).ToList()));
            }
        }
        // One alert per burst: words that mostly share tickets (停水, 自来水, 小区 of the same calls) are one matter; the
        // word with most tickets names it.
        // The tickets each kept alert holds, by district and ticket: the tickets an alert shares with each kept one are counted
        // from its own tickets only. Comparing every alert with every kept one took minutes for a burst of thousands of
        // tickets (12,000 word-district groups in the desks benchmark's 10,000 tickets of one morning).
        var kept = new List<GroupAlert>();
        var holders = new Dictionary<(string District, long Ticket), List<int>>();
        foreach (var a in alerts.OrderByDescending(a => a.TicketIds.Count).ThenBy(a => a.Word, StringComparer.Ordinal))
        {
            var shared = new Dictionary<int, int>();
            foreach (var id in a.TicketIds)
            {
                foreach (var k in holders.GetValueOrDefault((a.DistrictCode, id)) ?? [])
                    shared[k] = shared.GetValueOrDefault(k) + 1;
            }
            if (shared.Values.Any(n => n * 2 >= a.TicketIds.Count))
                continue;
            foreach (var id in a.TicketIds)
            {
                if (!holders.TryGetValue((a.DistrictCode, id), out var list))
                    holders[(a.DistrictCode, id)] = list = [];
                list.Add(kept.Count);
            }
            kept.Add(a);
        }
        return kept;
    }
}
