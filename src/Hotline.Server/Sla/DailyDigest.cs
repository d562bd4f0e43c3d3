using Hotline.Domain.Access;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Hotline.Server.Sla;

/// <summary>每日超期通报: one department's morning figures — open tickets, overdue ones, those due today.</summary>
public sealed class DepartmentDigest
{
    public long Id { get; set; }
    public DateOnly Day { get; set; }
    public required string DepartmentCode { get; set; }
    public int Open { get; set; }
    public int Overdue { get; set; }
    public int DueToday { get; set; }
    public List<string> OverdueNumbers { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Builds the day's digests once, from 08:30 on; run hourly by Quartz, so a restart or a missed hour still gets them.</summary>
public sealed class DailyDigestBuilder(IDbContextFactory<HotlineDbContext> contexts, CityClock clock, ILogger<DailyDigestBuilder> logger)
{
    public static readonly TimeOnly Time = new(8, 30);

    public async Task<int> BuildIfDueAsync(CancellationToken ct)
    {
        var now = clock.Now;
        var local = TimeZoneInfo.ConvertTime(now, clock.Zone);
        if (TimeOnly.FromDateTime(local.DateTime) < Time)
            return 0;
        var day = DateOnly.FromDateTime(local.DateTime);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.DepartmentDigests.AnyAsync(d => d.Day == day, ct))
            return 0;

        var endOfDay = clock.StartOf(day.AddDays(1));
        var open = await db.Tickets.AsNoTracking()
            .Where(t => (t.Status == TicketStatus.Dispatched || t.Status == TicketStatus.SignedFor) && t.AssignedDepartmentCode != null)
            .Select(t => new { t.Id, t.Number, t.AssignedDepartmentCode, t.Overdue })
            .ToListAsync(ct);
        var dueToday = (await db.SlaClocks.AsNoTracking()
            .Where(c => c.Kind == SlaClockKind.Handling && c.StoppedAt == null && c.DueAt >= now && c.DueAt < endOfDay)
            .Select(c => c.TicketId).ToListAsync(ct)).ToHashSet();

        var digests = open.GroupBy(t => t.AssignedDepartmentCode!).Select(g => new DepartmentDigest
        {
            Day = day,
            DepartmentCode = g.Key,
            Open = g.Count(),
            Overdue = g.Count(t => t.Overdue),
            DueToday = g.Count(t => dueToday.Contains(t.Id)),
            OverdueNumbers = g.Where(t => t.Overdue).Select(t => t.Number).Order(StringComparer.Ordinal).Take(200).ToList(),
            CreatedAt = now,
        }).ToList();
        db.DepartmentDigests.AddRange(digests);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) // another instance built today's digests first
        {
            return 0;
        }
        logger.LogInformation("Daily digests for {Day}: {Departments} departments", day, digests.Count);
        return digests.Count;
    }
}

[DisallowConcurrentExecution]
public sealed class DailyDigestJob(DailyDigestBuilder builder) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await builder.BuildIfDueAsync(cancellationToken);
}

public static class DailyDigestApi
{
    public static void MapDailyDigests(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/sla/digests", async (string? day, HttpContext http, HotlineDbContext db, CityClock clock, CancellationToken ct) =>
        {
            var actor = http.User.ToActor();
            var date = QueryDays.ParseOrThrow(day, "day") ?? clock.Today;
            var digests = db.DepartmentDigests.AsNoTracking().Where(x => x.Day == date);
            if (actor.IsDepartmentHandler)
                digests = digests.Where(x => x.DepartmentCode == actor.DepartmentCode); // a department sees its own figures
            return TypedResults.Ok(await digests.OrderByDescending(x => x.Overdue).ThenBy(x => x.DepartmentCode).ToListAsync(ct));
        })
        .WithTags("SLA").RequireAuthorization(p => p.RequireRole(Roles.DepartmentHandler, Roles.Supervisor, Roles.Leader, Roles.Admin))
        .WithSummary("The day's overdue digest per department (每日超期通报), built at 08:30; handlers see their own department's");
}
