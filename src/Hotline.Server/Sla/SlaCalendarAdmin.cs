using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Sla;

/// <summary>Replaces a year of the official calendar and recomputes the deadlines of every clock still running.</summary>
public sealed class SlaCalendarAdmin(HotlineDbContext db, SlaRules rules, SlaClocks clocks, CityClock clock, ILogger<SlaCalendarAdmin> logger)
{
    public sealed record Result(int Year, int Holidays, int MakeupWorkdays, int ClocksRecomputed);

    public async Task<Result> ReplaceYearAsync(int year, int? bodyYear, List<CalendarDay> days, CancellationToken ct)
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

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.CalendarDays.Where(d => d.Year == year).ExecuteDeleteAsync(ct);
        db.CalendarDays.AddRange(days);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await rules.RefreshAsync(ct);

        var recomputed = await clocks.RecomputeRunningAsync(db, clock.Now, ct);
        logger.LogInformation("Calendar {Year} replaced; {Clocks} running clocks recomputed", year, recomputed);
        return new Result(year, days.Count(d => d.Kind == CalendarDayKind.Holiday), days.Count(d => d.Kind == CalendarDayKind.MakeupWorkday), recomputed);
    }
}
