using Hotline.Domain.Analytics;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Analytics;

/// <summary>A hot topic with the counter whose tickets it links to (the period's tickets that mention it).</summary>
public sealed record TopicView(string Word, long Tickets, double Score, long LatestWindow, double TrailingMean, bool Burst, string ListCounter)
{
    /// <summary>The district most of the topic's tickets come from, when one holds most of them (热点 = word + district + category).</summary>
    public string? District { get; init; }

    /// <summary>The category most of the topic's tickets have, when one holds most of them.</summary>
    public string? Category { get; init; }
}

/// <summary>
/// A possible group complaint (可能的群体性诉求): how many tickets, and the tickets (all of them, or the first ones of the
/// alerts a panel shows: see <see cref="HotTopicQueries.AlertsAsync"/>).
/// </summary>
public sealed record AlertView(string Word, string DistrictCode, string DistrictName, DateTimeOffset From, DateTimeOffset To, int TicketCount, IReadOnlyList<AlertTicket> Tickets);

public sealed record AlertTicket(string Number, string Title, DateTimeOffset RegisteredAt);

/// <summary>
/// 热点: the period's topic words by TF-IDF with bursts against the trailing weeks, and live alerts of the same matter
/// in one district within hours. A topic's count is the number of the filter's tickets whose text has the word, which
/// is what its link lists (<see cref="FactSet.Facts"/> with the word).
/// </summary>
public sealed class HotTopicQueries(HotlineDbContext db, Reference.ReferenceData reference, Common.CityClock clock, Text.ChineseText text, GroupAlertCache alertCache)
{
    public static TopicRules Rules { get; } = TopicRules.Default;

    /// <param name="withPlaces">Whether to name each topic's dominant district and category (the dashboard shows them; a report does not).</param>
    public async Task<IReadOnlyList<TopicView>> TopicsAsync(AnalyticsFilter f, CancellationToken ct, bool withPlaces = true)
    {
        var counter = f.Department is null ? nameof(FactMeasures.Registered) : nameof(FactMeasures.Tickets);
        // Generic words recorded before they were topic stop words (the projector no longer records them) are left out.
        var period = (await CountsAsync(f with { Word = null }, counter, ct)).Where(p => !text.IsTopicStopWord(p.Key)).ToDictionary();
        // Bursts are measured at the end of the period (today, for a period still running): its last window against the windows before.
        var end = f.Period.To < clock.Today ? f.Period.To : clock.Today;
        var lastWindow = Period.Range(end.AddDays(1 - Rules.WindowDays), end);
        var trailing = Period.Range(lastWindow.From.AddDays(-Rules.WindowDays * Rules.TrailingWindows), lastWindow.From.AddDays(-1));
        var candidates = period.OrderByDescending(p => p.Value).Take(300).Select(p => p.Key).ToList();
        var latest = await CountsAsync(f with { Word = null, Period = lastWindow }, counter, ct, candidates);
        var before = await CountsAsync(f with { Word = null, Period = trailing }, counter, ct, candidates);
        // IDF from the centre's own tickets of the year to the period's end: a word in every kind of matter (办理, 企业)
        // weighs nothing, a word of one matter (停水) weighs much.
        var year = f with { Word = null, Period = Period.Range(end.AddDays(-364), end) };
        var documents = (await FactSet.SumAsync(FactSet.Rollups(db, year), ct)).Get(counter); // a counter is 0 or 1 on a row: its sum counts the rows
        var frequency = await CountsAsync(year, counter, ct, candidates);
        double Idf(string word) => Math.Log((1.0 + documents) / (1.0 + frequency.GetValueOrDefault(word)));
        var ranked = HotTopicRules.Rank(period.Where(p => candidates.Contains(p.Key)).Select(p => (p.Key, p.Value)), Idf, latest, before, Rules);
        var places = withPlaces ? await PlacesAsync(f with { Word = null }, counter, ranked.Select(t => t.Word).ToList(), ct) : [];
        return ranked.Select(t => new TopicView(t.Word, t.Tickets, t.Score, t.LatestWindow, t.TrailingMean, t.Burst, counter)
        {
            District = HotTopicRules.Dominant(places.Where(p => p.Word == t.Word).GroupBy(p => p.District).Select(g => (g.Key, g.Sum(p => p.Count))), t.Tickets, Rules)
                is { } d ? reference.DistrictName(d) : null,
            Category = HotTopicRules.Dominant(places.Where(p => p.Word == t.Word).GroupBy(p => p.Category).Select(g => (g.Key, g.Sum(p => p.Count))), t.Tickets, Rules)
                is { } c ? reference.CategoryName(c) : null,
        }).ToList();
    }

    /// <summary>How many of the filter's tickets with each of <paramref name="words"/> come from each district and category.</summary>
    private async Task<IReadOnlyList<(string Word, string District, string Category, long Count)>> PlacesAsync(AnalyticsFilter f, string counter, List<string> words, CancellationToken ct)
    {
        if (words.Count == 0)
            return [];
        var (from, to) = (f.Period.From, f.Period.To);
        var mentions = db.Set<TicketWord>().AsNoTracking().Where(w => words.Contains(w.Word) && w.Day >= from && w.Day <= to);
        var rows = await FactSet.Behind(FactSet.Facts(db, f), counter).Join(mentions, r => r.TicketId, w => w.TicketId, (r, w) => new { w.Word, w.DistrictCode, w.CategoryCode })
            .GroupBy(x => new { x.Word, x.DistrictCode, x.CategoryCode }).Select(g => new { g.Key.Word, g.Key.DistrictCode, g.Key.CategoryCode, Count = g.LongCount() })
            .ToListAsync(ct);
        return rows.Select(r => (r.Word, r.DistrictCode, r.CategoryCode, r.Count)).ToList();
    }

    /// <summary>
    /// Alerts over the last hours (no department filter: the supervision desk watches the whole city), the largest first.
    /// With <paramref name="shown"/>, only the first alerts carry tickets, their first ones (a panel's ten of ten); the
    /// others carry their count only.
    /// </summary>
    /// <remarks>
    /// The alerts are computed once for every viewer (<see cref="GroupAlertCache"/>), and only the tickets shown are read
    /// (the titles of every alert's tickets took 0.4 s at the desks benchmark's burst). Counting the word-district groups in
    /// SQL first to read only the candidates' mentions was tried and was slower there: in a burst nearly every group is a candidate.
    /// </remarks>
    public async Task<IReadOnlyList<AlertView>> AlertsAsync(CancellationToken ct, (int Alerts, int Tickets)? shown = null)
    {
        var alerts = await alertCache.AlertsAsync(db, ct);
        var (maxAlerts, maxTickets) = shown ?? (int.MaxValue, int.MaxValue);
        var ids = alerts.Take(maxAlerts).SelectMany(a => a.TicketIds.Take(maxTickets)).Distinct().ToList();
        var tickets = await db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.Number, t.Title, t.RegisteredAt }).ToDictionaryAsync(t => t.Id, ct);
        return alerts.Select((a, i) => new AlertView(a.Word, a.DistrictCode, reference.DistrictName(a.DistrictCode), a.From, a.To, a.TicketIds.Count,
            i >= maxAlerts ? [] : a.TicketIds.Take(maxTickets).Where(tickets.ContainsKey)
                .Select(id => new AlertTicket(tickets[id].Number, tickets[id].Title, tickets[id].RegisteredAt)).ToList())).ToList();
    }

    /// <summary>
    /// Tickets per word among the filter's rows where the counter is set (the same rows a topic's link lists): from the
    /// word rollups when they hold the filter (<see cref="InWordRollups"/>), otherwise by joining the fact rows with the words.
    /// </summary>
    private Task<Dictionary<string, long>> CountsAsync(AnalyticsFilter f, string counter, CancellationToken ct, IReadOnlyList<string>? only = null) =>
        InWordRollups(f, counter) ? WordRollupCountsAsync(f.Period, only, ct) : FactCountsAsync(f, counter, ct, only);

    /// <summary>
    /// The word rollups count the centre rows' <see cref="FactMeasures.Registered"/> per word and day or month: they hold
    /// the whole city's tickets of a period, without a department or a dimension filtered.
    /// </summary>
    public static bool InWordRollups(AnalyticsFilter f, string counter) =>
        counter == nameof(FactMeasures.Registered) && f.IsWholeCentre;

    /// <summary>Tickets per word of a period from the word rollups: its whole months from month rows, the days at either end from day rows.</summary>
    internal async Task<Dictionary<string, long>> WordRollupCountsAsync(Period period, IReadOnlyList<string>? only, CancellationToken ct)
    {
        var rows = db.Set<WordRollup>().AsNoTracking().Where(FactSet.Covering<WordRollup>(RollupSpans.Of(period.From, period.To)));
        if (only is not null)
            rows = rows.Where(r => only.Contains(r.Word));
        return await rows.GroupBy(r => r.Word).Select(g => new { g.Key, Count = g.Sum(r => r.Registered) })
            .Where(g => g.Count != 0).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
    }

    /// <summary>Tickets per word among the filter's rows where the counter is set, by joining the fact rows with the words.</summary>
    internal async Task<Dictionary<string, long>> FactCountsAsync(AnalyticsFilter f, string counter, CancellationToken ct, IReadOnlyList<string>? only = null)
    {
        var rows = FactSet.Behind(FactSet.Facts(db, f), counter);
        var words = db.Set<TicketWord>().AsNoTracking().AsQueryable();
        if (only is not null)
            words = words.Where(w => only.Contains(w.Word));
        var (from, to) = (f.Period.From, f.Period.To);
        words = words.Where(w => w.Day >= from && w.Day <= to); // the same days as the rows: lets the index narrow the join
        return await rows.Join(words, r => r.TicketId, w => w.TicketId, (r, w) => w.Word)
            .GroupBy(w => w).Select(g => new { g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
    }
}
