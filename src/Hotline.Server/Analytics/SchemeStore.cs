using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Domain.Analytics;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Common;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Analytics;

/// <summary>
/// The assessment scheme's versions (考核方案) in memory: loaded at start, replaced after an admin's edit here, and read
/// again at most every <see cref="MaxAge"/> otherwise, so every node follows an edit made on another. The formulas read
/// the version in force on a period's first day, so last year's ranking keeps last year's weights.
/// </summary>
public sealed class SchemeStore(IDbContextFactory<HotlineDbContext> contexts, CityClock clock, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private DateTimeOffset loadedAt = DateTimeOffset.MinValue;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private IReadOnlyList<AssessmentScheme> versions = [];

    public IReadOnlyList<AssessmentScheme> Versions => versions;

    /// <summary>The version in force today.</summary>
    public AssessmentScheme Current => For(clock.Today);

    public AssessmentScheme For(DateOnly day) => AssessmentScheme.InForce(versions, day);

    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Set<AssessmentSchemeRow>().AsNoTracking().ToListAsync(ct);
        versions = rows.Select(r => JsonSerializer.Deserialize<AssessmentScheme>(r.Json, Json)! with { ValidFrom = r.ValidFrom })
            .OrderBy(v => v.ValidFrom).ToList();
        loadedAt = time.GetUtcNow();
    }

    /// <summary>Reads the versions again when the last read is older than <see cref="MaxAge"/> (an edit on another node).</summary>
    public Task RefreshIfStaleAsync(CancellationToken ct) => time.GetUtcNow() - loadedAt >= MaxAge ? RefreshAsync(ct) : Task.CompletedTask;

    /// <summary>Saves a version (replacing one with the same first day), after checking it field by field.</summary>
    public async Task<AssessmentScheme> SaveAsync(AssessmentScheme scheme, string by, CancellationToken ct)
    {
        var errors = scheme.Validate();
        if (errors.Count > 0)
            throw new RequestValidationException(errors);
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var row = await db.Set<AssessmentSchemeRow>().FirstOrDefaultAsync(r => r.ValidFrom == scheme.ValidFrom, ct);
            if (row is null)
                db.Add(row = new AssessmentSchemeRow { ValidFrom = scheme.ValidFrom });
            row.Json = JsonSerializer.Serialize(scheme, Json);
            row.UpdatedAt = clock.Now;
            row.UpdatedBy = by;
            await db.SaveChangesAsync(ct);
        }
        await RefreshAsync(ct);
        return scheme;
    }
}
