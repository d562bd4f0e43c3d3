using System.Globalization;
using System.Text;
using Hotline.Domain.Access;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Sla;

public static class SlaApi
{
    public sealed record ClockView(
        SlaClockKind Kind, SlaStage Stage, DateTimeOffset StartedAt, DateTimeOffset? FirstWarningAt, DateTimeOffset? SecondWarningAt,
        DateTimeOffset? DueAt, DateTimeOffset? EscalateAt, DateTimeOffset? PausedAt, DateTimeOffset? StoppedAt, string? Problem);

    public sealed record HolidayRange(string Name, DateOnly From, DateOnly To);
    public sealed record CalendarBody(int? Year, string? Source, List<HolidayRange>? Holidays, List<DateOnly>? MakeupWorkdays)
    {
        /// <summary>The year's days: each holiday range day by day, and the make-up workdays.</summary>
        public List<CalendarDay> Days(int year)
        {
            var days = new List<CalendarDay>();
            var errors = new List<FieldError>();
            for (var i = 0; i < (Holidays?.Count ?? 0); i++)
            {
                // A missing range, or one that is not inside a year around this one, names its field (and is never walked day by day).
                if (Holidays![i] is not { Name: not null } range)
                    errors.Add(new($"holidays[{i}]", ErrorCodes.Required));
                else if (range.To < range.From || range.From.Year < year - 1 || range.To.Year > year + 1)
                    errors.Add(new($"holidays[{i}].to", ErrorCodes.DayOutOfRange, $"{year - 1}-01-01", $"{year + 1}-12-31"));
            }
            if (errors.Count > 0)
                throw new RequestValidationException(errors);
            foreach (var h in Holidays ?? [])
            {
                for (var d = h.From; d <= h.To; d = d.AddDays(1))
                    days.Add(new CalendarDay { Date = d, Kind = CalendarDayKind.Holiday, Name = h.Name, Year = year });
            }
            days.AddRange((MakeupWorkdays ?? []).Select(d => new CalendarDay { Date = d, Kind = CalendarDayKind.MakeupWorkday, Name = "调休上班", Year = year }));
            return days;
        }
    }
    public sealed record LimitBody(int Amount, TimeUnit Unit);
    public sealed record WorkingHoursBody(string? WorkingHours);
    /// <summary>A time-limit policy (时限); named apart from the policy library's body, as the OpenAPI document names schemas by type name.</summary>
    public sealed record SlaPolicyBody(LimitBody? SignFor, LimitBody? Handling, LimitBody? ReplyToRequester, LimitBody? Revisit, List<double>? WarningThresholds, string? Note,
        bool? AutoSupervise = null, int? EscalateAfterBreachWorkingDays = null);

    public static void MapSla(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/tickets/{number}/sla", async (string number, HttpContext http, TicketService tickets, HotlineDbContext db, CancellationToken ct) =>
        {
            var ticket = await tickets.FindAsync(number, http.User.ToActor(), ct);
            var rows = await db.SlaClocks.AsNoTracking().Where(c => c.TicketId == ticket.Id).ToListAsync(ct);
            return TypedResults.Ok(rows.OrderBy(r => r.Kind).Select(View));
        }).WithTags("SLA").RequireAuthorization(Policies.Staff).WithSummary("The ticket's clocks (时限): deadlines, warnings, stage");

        var admin = routes.MapGroup("/api/sla").WithTags("SLA").RequireAuthorization(Policies.Admin);
        admin.MapGet("/problems", async (HotlineDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.SlaClocks.AsNoTracking().Where(c => c.Problem != null && c.StoppedAt == null)
                .Join(db.Tickets, c => c.TicketId, t => t.Id, (c, t) => new { t.Number, c.Kind, c.Problem, c.StartedAt }).Take(500).ToListAsync(ct)))
            .WithSummary("Clocks that could not be scheduled (e.g. a limit reaching a year whose calendar is not loaded)");

        admin.MapGet("/policies", async (HotlineDbContext db, CancellationToken ct) => TypedResults.Ok(await db.SlaPolicies.AsNoTracking().ToListAsync(ct)));
        admin.MapPut("/policies/{type}/{priority}", async Task<Results<Ok<SlaPolicy>, NotFound>> (TicketType type, Priority priority, string? category, SlaPolicyBody body,
            HotlineDbContext db, Nodes.SharedCaches caches, Reference.ReferenceData reference, CancellationToken ct) =>
        {
            var errors = new List<FieldError>();
            if (category is not null && !reference.IsCategory(category))
                errors.Add(new("category", ErrorCodes.UnknownCategory, category));
            if (body.EscalateAfterBreachWorkingDays is < 1 or > 30)
                errors.Add(new("escalateAfterBreachWorkingDays", "OutOfRange", 1, 30));
            Limit(errors, "signFor", body.SignFor);
            Limit(errors, "handling", body.Handling);
            Limit(errors, "replyToRequester", body.ReplyToRequester);
            Limit(errors, "revisit", body.Revisit);
            if (body.WarningThresholds is not { Count: 2 } w || w[0] is <= 0 or >= 1 || w[1] <= w[0] || w[1] >= 1)
                errors.Add(new("warningThresholds", "InvalidThresholds"));
            if (errors.Count > 0)
                throw new RequestValidationException(errors);
            var row = await db.SlaPolicies.FirstOrDefaultAsync(p => p.TicketType == type && p.Priority == priority && p.CategoryCode == category, ct);
            if (row is null && category is null)
                return TypedResults.NotFound();
            if (row is null)
            {
                // A category's own limit (× category where needed), next to the type × priority default.
                row = new SlaPolicy { TicketType = type, Priority = priority, CategoryCode = category, SignForUnit = "", HandlingUnit = "", ReplyToRequesterUnit = "", RevisitUnit = "" };
                db.SlaPolicies.Add(row);
            }
            row.AutoSupervise = body.AutoSupervise ?? row.AutoSupervise;
            row.EscalateAfterBreachWorkingDays = body.EscalateAfterBreachWorkingDays ?? row.EscalateAfterBreachWorkingDays;
            (row.SignForAmount, row.SignForUnit) = (body.SignFor!.Amount, body.SignFor.Unit.ToString());
            (row.HandlingAmount, row.HandlingUnit) = (body.Handling!.Amount, body.Handling.Unit.ToString());
            (row.ReplyToRequesterAmount, row.ReplyToRequesterUnit) = (body.ReplyToRequester!.Amount, body.ReplyToRequester.Unit.ToString());
            (row.RevisitAmount, row.RevisitUnit) = (body.Revisit!.Amount, body.Revisit.Unit.ToString());
            row.WarningThresholds = [.. body.WarningThresholds!];
            row.Note = body.Note;
            await db.SaveChangesAsync(ct);
            await caches.RefreshAsync(Nodes.SharedCache.SlaRules, ct); // new clocks use it; running clocks keep the limit they started with
            return TypedResults.Ok(row);
        }).WithSummary("Edit the time limits of one ticket type and priority, or (?category=code) create or edit that category's own limits");

        admin.MapPut("/departments/{code}/working-hours", async (string code, WorkingHoursBody body, HotlineDbContext db, Nodes.SharedCaches caches,
            SlaClocks clocks, CityClock clock, Reference.ReferenceData reference, CancellationToken ct) =>
        {
            var department = await db.Departments.FirstOrDefaultAsync(d => d.Code == code, ct) ?? throw new RequestValidationException([new("code", ErrorCodes.UnknownDepartment, code)]);
            if (body.WorkingHours is { Length: > 0 } text && SlaRules.ParseWorkingHours(text) is null)
                throw new RequestValidationException([new("workingHours", "InvalidWorkingHours")]);
            department.WorkingHours = string.IsNullOrWhiteSpace(body.WorkingHours) ? null : body.WorkingHours.Trim();
            await db.SaveChangesAsync(ct);
            await caches.RefreshAsync(Nodes.SharedCache.SlaRules, ct);
            await caches.RefreshAsync(Nodes.SharedCache.Reference, ct);
            var recomputed = await clocks.RecomputeRunningAsync(db, clock.Now, ct);
            return TypedResults.Ok(new { department.Code, department.WorkingHours, ClocksRecomputed = recomputed });
        }).WithSummary("Set a department's own working hours (\"08:30-12:00,14:00-17:30\"; empty for the standard hours); its running clocks are recomputed");

        admin.MapGet("/calendars", async (HotlineDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.CalendarDays.AsNoTracking().OrderBy(d => d.Date).ToListAsync(ct)).GroupBy(d => d.Year)
                .Select(g => new { Year = g.Key, Holidays = g.Where(d => d.Kind == CalendarDayKind.Holiday).Select(d => new { d.Date, d.Name }), MakeupWorkdays = g.Where(d => d.Kind == CalendarDayKind.MakeupWorkday).Select(d => d.Date) })));

        admin.MapPut("/calendars/{year:int}", async (int year, CalendarBody body, SlaCalendarAdmin calendars, CancellationToken ct) =>
            TypedResults.Ok(await calendars.ReplaceYearAsync(year, body.Year, body.Days(year), ct)))
            .WithSummary("Replace one year's official calendar (JSON, as in seed/calendars); open deadlines are recomputed");

        admin.MapPost("/calendars/{year:int}/preview", async (int year, CalendarBody body, SlaCalendarAdmin calendars, CancellationToken ct) =>
            TypedResults.Ok(await calendars.PreviewAsync(year, body.Year, body.Days(year), ct)))
            .WithSummary("What replacing the year with this calendar (JSON) would change, without changing it: the days, and each running clock's deadline before and after");

        admin.MapPost("/calendars/{year:int}/ics", async (int year, HttpRequest request, SlaCalendarAdmin calendars, CityClock city, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var days = IcsCalendar.Parse(await reader.ReadToEndAsync(ct), year, city.Zone);
            return TypedResults.Ok(await calendars.ReplaceYearAsync(year, year, days, ct));
        }).Accepts<string>("text/calendar").WithSummary("Import one year's calendar from iCalendar: VEVENTs named 休 / 班 (or with CATEGORIES HOLIDAY / WORKDAY)");

        admin.MapPost("/calendars/{year:int}/ics/preview", async (int year, HttpRequest request, SlaCalendarAdmin calendars, CityClock city, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var days = IcsCalendar.Parse(await reader.ReadToEndAsync(ct), year, city.Zone);
            return TypedResults.Ok(await calendars.PreviewAsync(year, year, days, ct));
        }).Accepts<string>("text/calendar").WithSummary("What importing this iCalendar for the year would change, without changing it");
    }

    private static void Limit(List<FieldError> errors, string field, LimitBody? limit)
    {
        if (limit is null)
            errors.Add(new(field, ErrorCodes.Required));
        else if (limit.Amount is < 1 or > 1000)
            errors.Add(new($"{field}.amount", "OutOfRange", 1, 1000));
    }

    private static ClockView View(SlaClockRow r) => r.Problem is not null
        ? new(r.Kind, r.Stage, r.StartedAt, null, null, null, null, r.PausedAt, r.StoppedAt, r.Problem)
        : new(r.Kind, r.Stage, r.StartedAt, r.FirstWarningAt, r.SecondWarningAt, r.DueAt, r.EscalateAt, r.PausedAt, r.StoppedAt, null);
}

/// <summary>
/// Reads an official holiday feed (iCalendar, RFC 5545) with Ical.Net: VEVENTs whose SUMMARY contains 休 (or CATEGORIES
/// HOLIDAY) are holidays, those with 班 (or WORKDAY) are make-up workdays. The library unfolds and unescapes the text
/// (a summary with "\," or a folded line reads as written), turns DTSTART/DTEND with a TZID (or UTC) into the city's
/// dates, and expands RRULEs (a holiday repeated daily for three days); DTEND is exclusive, as the standard says.
/// Only the days of <paramref name="year"/> are taken.
/// </summary>
public static class IcsCalendar
{
    public static List<CalendarDay> Parse(string ics, int year, TimeZoneInfo city)
    {
        Ical.Net.Calendar? calendar;
        try
        {
            calendar = Ical.Net.Calendar.Load(ics);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new RequestValidationException([new("$", "InvalidValue")]); // not iCalendar: 400, nothing imported
        }
        if (calendar is null)
            throw new RequestValidationException([new("$", "InvalidValue")]);
        var from = new Ical.Net.DataTypes.CalDateTime(year, 1, 1);
        var until = new Ical.Net.DataTypes.CalDateTime(year + 1, 1, 1);
        var days = new Dictionary<DateOnly, CalendarDay>();
        foreach (var e in calendar.Events)
        {
            var summary = e.Summary ?? "";
            var workday = e.Categories.Any(c => c.Contains("WORKDAY", StringComparison.OrdinalIgnoreCase)) || summary.Contains('班', StringComparison.Ordinal);
            var holiday = e.Categories.Any(c => c.Contains("HOLIDAY", StringComparison.OrdinalIgnoreCase)) || summary.Contains('休', StringComparison.Ordinal);
            if (!workday && !holiday)
                continue;
            foreach (var occurrence in e.GetOccurrences(from).TakeWhile(o => o.Period.StartTime.LessThan(until)))
            {
                var start = LocalDate(occurrence.Period.StartTime, city);
                var end = occurrence.Period.EffectiveEndTime is { } endTime ? LocalEnd(endTime, city) : start.AddDays(1);
                for (var d = start; d < (end > start ? end : start.AddDays(1)); d = d.AddDays(1))
                {
                    if (d.Year == year)
                        days[d] = new CalendarDay { Date = d, Kind = workday ? CalendarDayKind.MakeupWorkday : CalendarDayKind.Holiday, Name = summary, Year = year };
                }
            }
        }
        return [.. days.Values.OrderBy(d => d.Date)];
    }

    /// <summary>The city's date of an instant (TZID or UTC), or the date as written for an all-day or floating value.</summary>
    private static DateOnly LocalDate(Ical.Net.DataTypes.CalDateTime value, TimeZoneInfo city) =>
        value.HasTime && value.TzId is not null
            ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(value.AsUtc, city))
            : value.Date;

    /// <summary>The first day not covered: an end at midnight (or a date) is exclusive, a later time covers its day.</summary>
    private static DateOnly LocalEnd(Ical.Net.DataTypes.CalDateTime value, TimeZoneInfo city)
    {
        if (!value.HasTime)
            return value.Date;
        var local = value.TzId is not null ? TimeZoneInfo.ConvertTime(value.AsUtc, city) : value.Value;
        var day = DateOnly.FromDateTime(local);
        return local.TimeOfDay == TimeSpan.Zero ? day : day.AddDays(1);
    }
}
