using System.ComponentModel.DataAnnotations;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Sla;

public sealed class SlaOptions
{
    public const string Section = "Sla";

    /// <summary>How often the sweeper looks for due clocks; 0 turns the scheduled sweep off (tests sweep by hand).</summary>
    [Range(0, 60_000)]
    public int SweepIntervalMilliseconds { get; set; } = 500;

    /// <summary>
    /// How many due clocks one sweep transaction takes. Smaller batches hold the database's write lock for less time
    /// each (intake waits behind at most one); larger ones clear a herd with fewer commits.
    /// </summary>
    [Range(1, 5_000)]
    public int SweepBatchSize { get; set; } = 500;

    /// <summary>
    /// Sweep transactions run side by side on PostgreSQL, each claiming its own due clocks (FOR UPDATE SKIP LOCKED), so
    /// that the node's work on one batch overlaps the database's on another. SQLite has one writer: always 1 there.
    /// </summary>
    [Range(1, 16)]
    public int SweepWorkers { get; set; } = 2;

    /// <summary>The centre's own limit to dispatch a registered, returned or reopened ticket (派单时限), in working hours.</summary>
    [Range(1, 100)]
    public int DispatchWorkingHours { get; set; } = 2;

    /// <summary>The second breach level: this many working days after the deadline the ticket goes to the leaders' queue.</summary>
    [Range(1, 30)]
    public int EscalateAfterBreachWorkingDays { get; set; } = 2;

    /// <summary>How long a department has to answer an automatic supervision order raised by a breach, in working days.</summary>
    [Range(1, 30)]
    public int AutomaticSupervisionWorkingDays { get; set; } = 1;

    /// <summary>Build the daily overdue digest per department (hourly Quartz job, once a day from 08:30).</summary>
    public bool DailyDigest { get; set; } = true;

    /// <summary>From this many days before the last loaded calendar day, admins are warned (banner, weekly email) to import the next year.</summary>
    [Range(1, 366)]
    public int CalendarWarningDays { get; set; } = 60;

    /// <summary>Email admins each week while the calendar is running out (hourly Quartz job).</summary>
    public bool CalendarReminder { get; set; } = true;
}

/// <summary>
/// The working-day calendar and the time-limit policies, held in memory: every registration and action that starts a
/// clock computes its deadlines from these. Refreshed at start and when admins change calendars or policies.
/// </summary>
public sealed class SlaRules(IDbContextFactory<HotlineDbContext> contexts, IOptions<SlaOptions> options)
{
    private BusinessCalendar? calendar;
    private Dictionary<string, BusinessCalendar> departmentCalendars = [];
    private Dictionary<(TicketType, Priority, string?), SlaLimits> limits = [];

    /// <summary>The centre's calendar (standard working hours): dispatch and revisit clocks, and departments without hours of their own.</summary>
    public BusinessCalendar Calendar => calendar ?? throw new InvalidOperationException("The SLA calendar is not loaded yet.");

    /// <summary>The calendar of a department's clocks: the official days with the department's own working hours.</summary>
    public BusinessCalendar CalendarFor(string? departmentCode) =>
        departmentCode is not null && departmentCalendars.TryGetValue(departmentCode, out var own) ? own : Calendar;

    /// <summary>Parses "08:30-12:00,14:00-17:30" into working periods, or null when the text is not valid.</summary>
    public static IReadOnlyList<WorkingPeriod>? ParseWorkingHours(string text)
    {
        var periods = new List<WorkingPeriod>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length != 2 || !TimeOnly.TryParseExact(ends[0], "HH:mm", out var from) || !TimeOnly.TryParseExact(ends[1], "HH:mm", out var to) || to <= from)
                return null;
            if (periods.Count > 0 && from < periods[^1].End)
                return null;
            periods.Add(new WorkingPeriod(from, to));
        }
        return periods.Count > 0 ? periods : null;
    }
    public SlaOptions Options => options.Value;

    /// <summary>The most specific policy: the ticket's category, then its parent category, then type × priority.</summary>
    public SlaLimits LimitsFor(TicketType type, Priority priority, string? categoryCode = null, string? parentCategoryCode = null) =>
        (categoryCode is not null ? limits.GetValueOrDefault((type, priority, categoryCode)) : null)
        ?? (parentCategoryCode is not null ? limits.GetValueOrDefault((type, priority, parentCategoryCode)) : null)
        ?? limits.GetValueOrDefault((type, priority, null))
        ?? limits.GetValueOrDefault((type, Priority.Normal, null))
        ?? Fallback;

    private SlaLimits Fallback => new(TimeLimit.WorkingHours(Options.DispatchWorkingHours), TimeLimit.WorkingDays(1), TimeLimit.WorkingDays(5),
        TimeLimit.WorkingDays(3), 0.75, 0.9, TimeLimit.WorkingDays(Options.EscalateAfterBreachWorkingDays));

    /// <summary>The last day of the last calendar year loaded: deadlines past it cannot be computed (null before loading).</summary>
    public DateOnly? LastCalendarDay => calendar is { } c ? new DateOnly(c.LastYear, 12, 31) : null;

    /// <summary>
    /// These rules with other calendar days (a year about to be imported), for a preview of what the import changes: the
    /// same policies and department hours, nothing stored, the rules in use untouched.
    /// </summary>
    public SlaRules WithCalendarDays(IEnumerable<CalendarDay> days)
    {
        var trial = new SlaRules(contexts, options) { limits = limits, departmentHours = departmentHours };
        trial.BuildCalendars(days);
        return trial;
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var days = await db.CalendarDays.AsNoTracking().ToListAsync(ct);
        departmentHours = (await db.Departments.AsNoTracking().Where(d => d.WorkingHours != null).ToListAsync(ct))
            .Select(d => (d.Code, Periods: ParseWorkingHours(d.WorkingHours!)))
            .Where(d => d.Periods is not null)
            .ToDictionary(d => d.Code, d => d.Periods!);
        BuildCalendars(days);

        var policies = await db.SlaPolicies.AsNoTracking().ToListAsync(ct);
        limits = policies.ToDictionary(p => (p.TicketType, p.Priority, p.CategoryCode), p => new SlaLimits(
            TimeLimit.WorkingHours(Options.DispatchWorkingHours),
            Limit(p.SignForAmount, p.SignForUnit),
            Limit(p.HandlingAmount, p.HandlingUnit),
            Limit(p.RevisitAmount, p.RevisitUnit),
            p.WarningThresholds.ElementAtOrDefault(0) is > 0 and < 1 and var w1 ? w1 : 0.75,
            p.WarningThresholds.ElementAtOrDefault(1) is > 0 and < 1 and var w2 ? w2 : 0.9,
            TimeLimit.WorkingDays(p.EscalateAfterBreachWorkingDays ?? Options.EscalateAfterBreachWorkingDays),
            p.AutoSupervise));
    }

    private Dictionary<string, IReadOnlyList<WorkingPeriod>> departmentHours = [];

    private void BuildCalendars(IEnumerable<CalendarDay> days)
    {
        var years = days.GroupBy(d => d.Year).OrderBy(g => g.Key).Select(g => new CalendarYear(g.Key,
            g.Where(d => d.Kind == CalendarDayKind.Holiday).Select(d => d.Date).ToHashSet(),
            g.Where(d => d.Kind == CalendarDayKind.MakeupWorkday).Select(d => d.Date).ToHashSet())).ToList();
        calendar = BusinessCalendar.Standard(years);
        departmentCalendars = departmentHours.ToDictionary(d => d.Key, d => new BusinessCalendar(years, d.Value, BusinessCalendar.ChinaStandardTime));
    }

    private static TimeLimit Limit(int amount, string unit) => new(Math.Max(1, amount), Enum.Parse<TimeUnit>(unit));
}
