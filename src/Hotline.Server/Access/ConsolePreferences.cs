using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Access;

/// <summary>A person's console settings, kept with them across browsers and devices.</summary>
public sealed class ConsolePreference
{
    public required string UserId { get; set; }

    /// <summary>新工单提醒: a sound and a browser notification when new work reaches their desk (on unless turned off).</summary>
    public bool NewWorkAlerts { get; set; } = true;
}

/// <summary>Reads and writes <see cref="ConsolePreference"/>; a person without a row has the defaults.</summary>
public sealed class ConsolePreferences(IDbContextFactory<HotlineDbContext> contexts)
{
    public static void Configure(ModelBuilder b) => b.Entity<ConsolePreference>(p =>
    {
        p.ToTable("console_preferences");
        p.HasKey(x => x.UserId);
        p.Property(x => x.UserId).HasMaxLength(450);
    });

    public async Task<ConsolePreference> ForAsync(string userId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ConsolePreferences.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, ct) ?? new ConsolePreference { UserId = userId };
    }

    public async Task SetNewWorkAlertsAsync(string userId, bool on, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.ConsolePreferences.FirstOrDefaultAsync(p => p.UserId == userId, ct);
        if (row is null)
            db.ConsolePreferences.Add(new ConsolePreference { UserId = userId, NewWorkAlerts = on });
        else
            row.NewWorkAlerts = on;
        await db.SaveChangesAsync(ct);
    }
}
