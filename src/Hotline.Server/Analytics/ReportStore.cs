using System.Text.Json;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Analytics;

/// <summary>A report as listed.</summary>
public sealed record ReportInfo(string Kind, string PeriodKey, DateOnly From, DateOnly To, DateTimeOffset CreatedAt, string CreatedBy, string Summary)
{
    public static ReportInfo Of(AnalysisReport r) => new(r.Kind, r.PeriodKey, r.From, r.To, r.CreatedAt, r.CreatedBy, r.Summary);
}

/// <summary>Reads the kept reports: the list, a report's frozen content, its workbook.</summary>
public sealed class ReportStore(HotlineDbContext db)
{
    public async Task<IReadOnlyList<ReportInfo>> ListAsync(CancellationToken ct) =>
        (await db.Set<AnalysisReport>().AsNoTracking().OrderByDescending(r => r.To).ThenBy(r => r.Kind).Take(200)
            .Select(r => new { r.Kind, r.PeriodKey, r.From, r.To, r.CreatedAt, r.CreatedBy, r.Summary }).ToListAsync(ct))
        .Select(r => new ReportInfo(r.Kind, r.PeriodKey, r.From, r.To, r.CreatedAt, r.CreatedBy, r.Summary)).ToList();

    public async Task<ReportContent?> ContentAsync(string kind, string key, CancellationToken ct) =>
        await db.Set<AnalysisReport>().AsNoTracking().Where(r => r.Kind == kind && r.PeriodKey == key).Select(r => r.ContentJson).FirstOrDefaultAsync(ct)
            is { } json ? JsonSerializer.Deserialize<ReportContent>(json, ReportBuilder.Json) : null;

    public async Task<byte[]?> WorkbookAsync(string kind, string key, CancellationToken ct) =>
        await db.Set<AnalysisReport>().AsNoTracking().Where(r => r.Kind == kind && r.PeriodKey == key).Select(r => r.Workbook).FirstOrDefaultAsync(ct);
}
