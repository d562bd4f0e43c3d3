using Hotline.Domain.Access;
using Hotline.Domain.Analytics;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Reference;
using Hotline.Server.Common;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Hotline.Server.Analytics;

/// <summary>One ticket in an enterprise's portrait (its timeline).</summary>
public sealed record EnterpriseTicket(
    string Number, string Title, TicketStatus Status, string CategoryName, string? DepartmentName, DateTimeOffset RegisteredAt, string? Level, bool Overdue);

public sealed record CountRow(string Code, string Name, long Tickets);

/// <summary>A policy pushed to the enterprise (政策推送): when, its delivery's state, and whether the link was opened.</summary>
public sealed record EnterprisePush(long PolicyId, string PolicyTitle, DateTimeOffset QueuedAt, string? Status, int Clicks, DateTimeOffset? ClickedAt);

/// <summary>
/// 企业画像: every ticket of an enterprise, what about and with whom, how satisfied, what is open, why it is watched, and
/// the policies the centre pushed to it.
/// </summary>
public sealed record EnterprisePortrait(
    string CreditCode, string Name, long Tickets, long Open, double? SatisfactionRate, double? ResolutionRate,
    IReadOnlyList<CountRow> Categories, IReadOnlyList<CountRow> Departments, IReadOnlyList<WatchReason> Watch, IReadOnlyList<EnterpriseTicket> Timeline,
    IReadOnlyList<EnterprisePush> Pushes);

/// <summary>
/// Enterprise portraits (by 统一社会信用代码) and the 重点关注 flag, from the fact rows. A department handler sees the
/// enterprise's tickets their department handled; the flag (<see cref="WatchAsync"/>) is the centre's view, cached a minute.
/// </summary>
public sealed class EnterprisePortraits(
    IDbContextFactory<HotlineDbContext> contexts, ReferenceData reference, SchemeStore schemes, CityClock clock, IMemoryCache cache, Enterprises.EnterpriseLibrary library)
{
    public const int MaxTimeline = 500;

    public async Task<EnterprisePortrait?> PortraitAsync(string creditCode, Actor actor, CancellationToken ct)
    {
        var code = creditCode.Trim().ToUpperInvariant();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var facts = db.Set<TicketFact>().AsNoTracking().Where(f => f.CreditCode == code);
        if (actor.IsDepartmentHandler)
        {
            var mine = db.Set<TicketFact>().Where(m => m.Part == FactPart.Main && m.DepartmentCode == actor.DepartmentCode);
            facts = facts.Where(f => mine.Any(m => m.TicketId == f.TicketId));
        }
        var rows = await facts.ToListAsync(ct);
        if (rows.Count == 0)
            return null;
        var sum = new FactMeasures();
        foreach (var r in rows.Where(r => r.Part != FactPart.CoHandling))
            sum.Add(r.Measures);
        var ids = rows.Select(r => r.TicketId).Distinct().ToList();
        var tickets = await db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id)).OrderByDescending(t => t.Id).Take(MaxTimeline)
            .Select(t => new { t.Id, t.Number, t.Title, t.Status, t.CategoryCode, t.AssignedDepartmentCode, t.RegisteredAt, t.Rating, t.Overdue, t.RequesterName, t.RequesterConfidential })
            .ToListAsync(ct);
        var name = tickets.FirstOrDefault(t => !t.RequesterConfidential)?.RequesterName
            ?? (tickets.Count > 0 && actor.SeesConfidentialRequesters ? tickets[0].RequesterName : Masking.MaskName(tickets.FirstOrDefault()?.RequesterName ?? code));
        var centre = rows.Where(r => r.Part == FactPart.Centre).ToList();
        // The addresses stay in the enterprise library: the portrait says what reached the enterprise, not where.
        var pushes = (await library.DeliveriesAsync(code, ct)).Select(d => new EnterprisePush(d.PolicyId, d.PolicyTitle, d.QueuedAt, d.Status, d.Clicks, d.ClickedAt)).ToList();
        return new EnterprisePortrait(
            code, name, ids.Count, rows.Count(r => r.Part == FactPart.Centre && r.Measures.Unfinished == 1),
            Assessment.SatisfactionRate(sum, schemes.Current), Assessment.ResolutionRate(sum),
            centre.GroupBy(r => r.CategoryCode).Select(g => new CountRow(g.Key, reference.CategoryName(g.Key), g.Count()))
                .OrderByDescending(c => c.Tickets).ToList(),
            rows.Where(r => r.Part == FactPart.Main).GroupBy(r => r.DepartmentCode)
                .Select(g => new CountRow(g.Key, reference.DepartmentName(g.Key), g.Count())).OrderByDescending(c => c.Tickets).ToList(),
            EnterpriseWatch.Reasons(Matters(rows), clock.Today),
            tickets.Select(t => new EnterpriseTicket(t.Number, t.Title, t.Status, reference.CategoryName(t.CategoryCode),
                t.AssignedDepartmentCode is { } d ? reference.DepartmentName(d) : null, t.RegisteredAt,
                t.Rating is { } l ? RatingRules.Label(l) : null, t.Overdue)).ToList(),
            pushes);
    }

    /// <summary>Why the enterprise is watched (empty: it is not), over the last 90 days; cached for a minute.</summary>
    public async Task<IReadOnlyList<WatchReason>> WatchAsync(string creditCode, CancellationToken ct)
    {
        var code = creditCode.Trim().ToUpperInvariant();
        return await cache.GetOrCreateAsync($"enterprise-watch:{code}", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1);
            await using var db = await contexts.CreateDbContextAsync(ct);
            var since = clock.Today.AddDays(-EnterpriseWatch.WindowDays);
            var rows = await db.Set<TicketFact>().AsNoTracking()
                .Where(f => f.CreditCode == code && (f.Day > since || f.Measures.UnfinishedOverdue == 1 || f.Measures.Overdue == 1)).ToListAsync(ct);
            return EnterpriseWatch.Reasons(Matters(rows), clock.Today);
        }) ?? [];
    }

    /// <summary>The enterprises (credit codes) that called from a phone or raised a ticket, for the flag on consoles.</summary>
    public async Task<IReadOnlyList<string>> CreditCodesAsync(string? phone, string? number, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tickets = db.Tickets.AsNoTracking().Where(t => t.RequesterCreditCode != null);
        if (number is not null)
            tickets = tickets.Where(t => t.Number == number);
        else if (phone is not null)
            tickets = tickets.Where(t => t.RequesterPhone == phone);
        else
            return [];
        return await tickets.Select(t => t.RequesterCreditCode!).Distinct().Take(5).ToListAsync(ct);
    }

    private static IEnumerable<EnterpriseMatter> Matters(IEnumerable<TicketFact> rows) =>
        rows.GroupBy(r => r.TicketId).Select(g =>
        {
            var centre = g.FirstOrDefault(r => r.Part == FactPart.Centre);
            var rated = g.Where(r => r.Part != FactPart.CoHandling && r.Measures.Rated == 1).ToList();
            return new EnterpriseMatter(g.First().TicketNumber, g.First().CategoryCode, g.First().Day,
                centre?.Measures.Unfinished == 1, centre?.Measures.UnfinishedOverdue == 1,
                rated.Count > 0, rated.Any(r => r.Measures.Dissatisfied + r.Measures.VeryDissatisfied > 0), rated.Count > 0 && rated.All(r => r.Measures.Resolved == 1));
        });
}
