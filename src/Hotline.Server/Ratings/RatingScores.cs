using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Ratings;

/// <summary>One department's ratings in a period (满意率).</summary>
/// <param name="DepartmentCode">The rated department; null for answers at intake (一次办结).</param>
/// <param name="Rated">Ratings that count: all ratings in the period except those whose appeal was upheld.</param>
/// <param name="SatisfactionRate">Satisfied / rated (非常满意 + 满意 + 基本满意 over the counted ratings); null when nothing was rated.</param>
/// <param name="Resolved">Counted ratings whose requester said the matter was actually resolved.</param>
public sealed record DepartmentScore(
    string? DepartmentCode,
    string DepartmentName,
    int Rated,
    int Satisfied,
    double? SatisfactionRate,
    int Resolved,
    IReadOnlyDictionary<RatingLevel, int> Levels,
    int AppealsUpheld,
    int AppealsPending);

/// <summary>
/// Scores per department and period, from the <c>ratings</c> table: what the summary API shows and what the leaders'
/// console can call. An upheld appeal takes the rating out of the department's score; it stays on record.
/// </summary>
public sealed class RatingScores(HotlineDbContext db, ReferenceData reference, CityClock clock)
{
    /// <summary>Ratings given from <paramref name="from"/> to <paramref name="to"/> (local days, both included).</summary>
    public async Task<IReadOnlyList<DepartmentScore>> SummaryAsync(DateOnly? from, DateOnly? to, string? department, CancellationToken ct)
    {
        var rows = db.Ratings.AsNoTracking();
        var (start, end) = clock.Instants(from, to);
        if (from is not null)
            rows = rows.Where(r => r.RatedAt >= start);
        if (to is not null)
            rows = rows.Where(r => r.RatedAt < end);
        if (department is not null)
            rows = rows.Where(r => r.DepartmentCode == department);
        var counts = await rows
            .GroupBy(r => new { r.DepartmentCode, r.Level, r.Resolved, r.Appeal })
            .Select(g => new { g.Key.DepartmentCode, g.Key.Level, g.Key.Resolved, g.Key.Appeal, Count = g.Count() })
            .ToListAsync(ct);
        return counts.GroupBy(c => c.DepartmentCode).Select(g =>
        {
            var counted = g.Where(c => c.Appeal != AppealState.Upheld).ToList();
            var rated = counted.Sum(c => c.Count);
            var satisfied = counted.Where(c => RatingRules.CountsAsSatisfied(c.Level)).Sum(c => c.Count);
            return new DepartmentScore(
                g.Key,
                g.Key is null ? "12345热线（一次办结）" : reference.Departments.GetValueOrDefault(g.Key)?.Name ?? g.Key,
                rated, satisfied, rated == 0 ? null : Math.Round((double)satisfied / rated, 4),
                counted.Where(c => c.Resolved).Sum(c => c.Count),
                counted.GroupBy(c => c.Level).ToDictionary(l => l.Key, l => l.Sum(c => c.Count)),
                g.Where(c => c.Appeal == AppealState.Upheld).Sum(c => c.Count),
                g.Where(c => c.Appeal == AppealState.Pending).Sum(c => c.Count));
        }).OrderBy(s => s.DepartmentCode is null).ThenBy(s => s.DepartmentCode, StringComparer.Ordinal).ToList();
    }
}
