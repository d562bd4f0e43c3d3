using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Sla;

/// <summary>Replaces a year of the official calendar and recomputes the deadlines of every clock still running.</summary>
public sealed class SlaCalendarAdmin(
    HotlineDbContext db, SlaRules rules, Nodes.SharedCaches caches, SlaClocks clocks, CityClock clock, Reference.ReferenceData reference, ILogger<SlaClocks> clockLogger,
    ILogger<SlaCalendarAdmin> logger)
{
    public sealed record Result(int Year, int Holidays, int MakeupWorkdays, int ClocksRecomputed);

    /// <summary>A day the import adds, removes or changes (a holiday becoming a make-up workday).</summary>
    public sealed record DayChange(DateOnly Date, CalendarDayKind? Before, CalendarDayKind? After, string? Name);

    /// <summary>
    /// What importing a year would change, before it is applied: the year's days against those loaded now, and every
    /// running clock whose deadline moves (or that can be scheduled at last, or still cannot), with its old and new deadline.
    /// </summary>
    public sealed record Preview(
        int Year, int Holidays, int MakeupWorkdays, bool Replaces, IReadOnlyList<DayChange> Days, int RunningClocks, int ClocksChanged,
        int ClocksScheduled, int ClocksStillUnscheduled, IReadOnlyList<ClockChange> Clocks);

    public const int MaxPreviewedClocks = 500;

    public async Task<Preview> PreviewAsync(int year, int? bodyYear, List<CalendarDay> days, CancellationToken ct)
    {
        Validate(year, bodyYear, days);
        var loaded = await db.CalendarDays.AsNoTracking().ToListAsync(ct);
        var before = loaded.Where(d => d.Year == year).ToDictionary(d => d.Date);
        var after = days.ToDictionary(d => d.Date);
        var dayChanges = before.Keys.Union(after.Keys).Order()
            .Select(d => new DayChange(d, before.GetValueOrDefault(d)?.Kind, after.GetValueOrDefault(d)?.Kind, after.GetValueOrDefault(d)?.Name ?? before.GetValueOrDefault(d)?.Name))
            .Where(c => c.Before != c.After).ToList();

        var trial = new SlaClocks(rules.WithCalendarDays(loaded.Where(d => d.Year != year).Concat(days)), reference, clockLogger);
        var (running, changes) = await trial.PreviewRecomputeAsync(db, clock.Now, ct);
        return new Preview(year, days.Count(d => d.Kind == CalendarDayKind.Holiday), days.Count(d => d.Kind == CalendarDayKind.MakeupWorkday),
            before.Count > 0, dayChanges, running, changes.Count,
            changes.Count(c => c.ProblemBefore is not null && c.ProblemAfter is null), changes.Count(c => c.ProblemAfter is not null),
            changes.OrderBy(c => c.DueAfter ?? DateTimeOffset.MaxValue).Take(MaxPreviewedClocks).ToList());
    }

    public async Task<Result> ReplaceYearAsync(int year, int? bodyYear, List<CalendarDay> days, CancellationToken ct)
    {
        Validate(year, bodyYear, days);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.CalendarDays.Where(d => d.Year == year).ExecuteDeleteAsync(ct);
        db.CalendarDays.AddRange(days);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await caches.RefreshAsync(Nodes.SharedCache.SlaRules, ct);

        var recomputed = await clocks.RecomputeRunningAsync(db, clock.Now, ct);
        logger.LogInformation("Calendar {Year} replaced; {Clocks} running clocks recomputed", year, recomputed);
        return new Result(year, days.Count(d => d.Kind == CalendarDayKind.Holiday), days.Count(d => d.Kind == CalendarDayKind.MakeupWorkday), recomputed);
    }

    private static void Validate(int year, int? bodyYear, List<CalendarDay> days)
    {
        var errors = new List<FieldError>();
        if (bodyYear is not null && bodyYear != year)
            errors.Add(new("year", "CodeMismatch"));
        if (year is < 2000 or > 2100)
            errors.Add(new("year", "OutOfRange", 2000, 2100));
        if (days.Count == 0)
            errors.Add(new("holidays", ErrorCodes.Required));
        if (days.GroupBy(d => d.Date).Any(g => g.Count() > 1))
            errors.Add(new("makeupWorkdays", "CalendarDayTwice"));
        if (days.Any(d => d.Date.Year < year - 1 || d.Date.Year > year + 1))
            errors.Add(new("holidays", "CalendarDayOutsideYear"));
        if (days.Any(d => d.Kind == CalendarDayKind.MakeupWorkday && d.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)))
            errors.Add(new("makeupWorkdays", "MakeupOnWeekday"));
        if (errors.Count > 0)
            throw new RequestValidationException(errors);
    }
}
