using Hotline.Domain.Analytics;
using Hotline.Server.Common;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Analytics;

/// <summary>
/// The possible group complaints (可能的群体性诉求) of the current window, computed once for every viewer: the supervision
/// and leader desks of every supervisor and leader, and <c>/api/analytics/alerts</c>, show the same alerts. An answer is
/// kept while no topic word was recorded since (<c>ticket_words</c> only grows: a ticket's words are written once, when
/// the projector reads its registration) and for at most <see cref="Freshness"/>, after which the window has moved on.
/// Callers that come while it is being computed wait for that one computation.
/// </summary>
/// <remarks>
/// At the desks benchmark's burst (10,000 tickets of one morning) the window holds 456,000 mentions: reading and grouping
/// them took 0.6–1.1 s, once per desk opened, before the shared read.
/// </remarks>
public sealed class GroupAlertCache(IServiceScopeFactory scopes, CityClock clock, Text.ChineseText text)
{
    /// <summary>How long an answer is kept at most when nothing new was recorded.</summary>
    public static TimeSpan Freshness { get; } = TimeSpan.FromMinutes(1);

    private readonly Lock gate = new();
    private (long Newest, DateTimeOffset At, Task<IReadOnlyList<GroupAlert>> Alerts)? current;

    /// <summary>The alerts now, the largest first (<see cref="HotTopicRules.Alerts"/> of the window's mentions).</summary>
    public async Task<IReadOnlyList<GroupAlert>> AlertsAsync(HotlineDbContext db, CancellationToken ct)
    {
        var newest = await db.Set<TicketWord>().MaxAsync(w => (long?)w.Id, ct) ?? 0;
        var now = clock.Now;
        Task<IReadOnlyList<GroupAlert>> alerts;
        lock (gate)
        {
            if (current is not { } kept || kept.Newest != newest || now < kept.At || now - kept.At >= Freshness || kept.Alerts.IsFaulted || kept.Alerts.IsCanceled)
                current = kept = (newest, now, Task.Run(() => ComputeAsync(now)));
            alerts = kept.Alerts;
        }
        // A caller that leaves does not cancel the computation the others wait for.
        return await alerts.WaitAsync(ct);
    }

    /// <summary>Every mention of the window read (from one covering index), then grouped by word and district.</summary>
    private async Task<IReadOnlyList<GroupAlert>> ComputeAsync(DateTimeOffset now)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var since = now.AddHours(-HotTopicQueries.Rules.AlertHours * 2);
        var mentions = await db.Set<TicketWord>().AsNoTracking().Where(w => w.RegisteredAt >= since && w.DistrictCode != "")
            .Select(w => new WordMention(w.TicketId, w.Word, w.DistrictCode, w.RegisteredAt)).ToListAsync(CancellationToken.None);
        return HotTopicRules.Alerts(mentions.Where(m => !text.IsTopicStopWord(m.Word)), HotTopicQueries.Rules);
    }
}
