using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Tickets;

/// <summary>
/// Files under data/attachments whose row never committed (the process died between writing the file and committing
/// its row and event) are deleted. Files being uploaded in this process are never touched, and files younger than the
/// grace period are left alone too, for uploads in progress on another node sharing the folder.
/// </summary>
public sealed class AttachmentSweeper(
    IDbContextFactory<HotlineDbContext> contexts, IOptions<HotlineOptions> hotline, IHostEnvironment env, TimeProvider time,
    ILogger<AttachmentSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Grace = TimeSpan.FromHours(1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> uploading = new(StringComparer.Ordinal);

    private string Root => Path.Combine(DatabaseSetup.ResolveDataPath(env, hotline.Value), "attachments");

    /// <summary>Marks a file (relative path) as being uploaded until the returned handle is disposed.</summary>
    public IDisposable Uploading(string relative)
    {
        uploading[Normalize(relative)] = 0;
        return new Release(() => uploading.TryRemove(Normalize(relative), out _));
    }

    /// <summary>Deletes files last written before <paramref name="cutoff"/> that no committed row names; returns how many.</summary>
    public async Task<int> SweepAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        if (!Directory.Exists(Root))
            return 0;
        var candidates = Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Normalize(Path.GetRelativePath(Root, f))))
            .Where(f => !uploading.ContainsKey(f.Relative) && !uploading.ContainsKey(f.Relative.EndsWith(".part", StringComparison.Ordinal) ? f.Relative[..^5] : f.Relative))
            .Where(f => File.GetLastWriteTimeUtc(f.Full) < cutoff.UtcDateTime)
            .ToList();
        var deleted = 0;
        await using var db = await contexts.CreateDbContextAsync(ct);
        foreach (var batch in candidates.Chunk(500))
        {
            var paths = batch.Select(f => f.Relative).ToList();
            // Stored paths use the platform's separator (Path.Combine); compare both forms.
            var platform = paths.Select(p => p.Replace('/', Path.DirectorySeparatorChar)).ToList();
            var known = (await db.Attachments.AsNoTracking().Where(a => paths.Contains(a.StoragePath) || platform.Contains(a.StoragePath))
                .Select(a => a.StoragePath).ToListAsync(ct)).Select(Normalize).ToHashSet(StringComparer.Ordinal);
            foreach (var file in batch.Where(f => !known.Contains(f.Relative)))
            {
                File.Delete(file.Full);
                deleted++;
            }
        }
        if (deleted > 0)
            logger.LogWarning("{Count} attachment files without a committed row deleted", deleted);
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await SweepAsync(time.GetUtcNow() - Grace, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Sweeping attachment files failed; trying again in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static string Normalize(string relative) => relative.Replace('\\', '/');

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
