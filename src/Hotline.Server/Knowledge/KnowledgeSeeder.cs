using System.Text.Json;
using Hotline.Domain.Access;
using Hotline.Domain.Knowledge;
using Hotline.Domain.Policies;
using Hotline.Server.Data;
using Hotline.Server.Enterprises;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Knowledge;

/// <summary>
/// Loads seed/knowledge (articles with their sources, synonyms, policies) after start-up, in the background: the
/// articles need jieba's dictionary, which loads in a second or two, and nothing else should wait for it. What is
/// missing is added (by seed key, or the synonym group's first word); nothing is ever overwritten, so editors' changes
/// survive. Two nodes seeding at once: the unique seed keys refuse the second copy, which then finds nothing to add.
/// </summary>
public sealed class KnowledgeSeeder(
    IDbContextFactory<HotlineDbContext> contexts, KnowledgeArticles articles, KnowledgeText text, ReferenceData reference, CityClock clock,
    Microsoft.Extensions.Options.IOptions<KnowledgeOptions> options, ILogger<KnowledgeSeeder> logger) : BackgroundService
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the seed is in the database (tests and benchmarks wait for it).</summary>
    public Task Ready => ready.Task;

    public static string Folder => Path.Combine(SeedLoader.DefaultSeedPath, "knowledge");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!options.Value.Seed)
        {
            ready.TrySetResult();
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var added = await SeedAsync(Folder, stoppingToken);
                if (added > 0)
                    logger.LogInformation("Knowledge seed: {Count} articles, synonym groups and policies added", added);
                ready.TrySetResult();
                return;
            }
            catch (DbUpdateException ex) when (attempt < 3)
            {
                logger.LogWarning(ex, "Knowledge seed collided with another writer; trying again");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                ready.TrySetCanceled(stoppingToken);
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Knowledge seed failed");
                ready.TrySetException(ex);
                return;
            }
        }
    }

    public async Task<int> SeedAsync(string folder, CancellationToken ct)
    {
        text.Chinese.EnsureLoaded();
        var added = 0;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var titlePinyin = Read<Dictionary<string, string>>(Path.Combine(folder, "title-pinyin.json")) ?? [];
        var existing = (await db.KnowledgeArticles.Where(a => a.SeedKey != null).Select(a => a.SeedKey!).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var today = clock.Today;
        var missing = new List<(KnowledgeArticle Article, KnowledgeIndexRow Index)>();
        foreach (var file in new[] { "faq.json", "articles.json" })
        {
            foreach (var seed in Read<List<SeedArticle>>(Path.Combine(folder, file)) ?? [])
            {
                if (existing.Contains(seed.Key))
                    continue;
                var content = seed.ToContent(reference);
                if (content.Validate(reference).Count > 0)
                {
                    logger.LogWarning("Seed article {Key} is invalid and was skipped", seed.Key);
                    continue;
                }
                var status = ArticleLifecycle.Effective(ArticleStatus.Published, content.EffectiveFrom, content.ExpiresOn, today);
                var article = articles.New(content, Actor.System, status, seed.Key, titlePinyin.GetValueOrDefault(seed.Key));
                missing.Add((article, text.IndexRow(article))); // segmented here, before any write
            }
        }
        // Short transactions of 100 articles each, so a seed never holds the (SQLite) write lock for long.
        foreach (var chunk in missing.Chunk(100))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.KnowledgeArticles.AddRange(chunk.Select(c => c.Article));
            await db.SaveChangesAsync(ct);
            foreach (var (article, index) in chunk)
                KnowledgeArticles.AddVersionAndIndex(db, article, index, Actor.System, "seeded", null);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            articles.Indexed();
            db.ChangeTracker.Clear();
            added += chunk.Length;
        }

        var synonymWords = (await db.KnowledgeSynonyms.Select(s => s.Words).ToListAsync(ct)).SelectMany(w => w).ToHashSet(StringComparer.Ordinal);
        var synonymsFile = Path.Combine(folder, "synonyms.txt");
        if (File.Exists(synonymsFile))
        {
            foreach (var line in await File.ReadAllLinesAsync(synonymsFile, ct))
            {
                var words = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length < 2 || words[0].StartsWith('#') || synonymWords.Contains(words[0]))
                    continue;
                db.KnowledgeSynonyms.Add(new KnowledgeSynonym { Words = [.. words], UpdatedAt = clock.Now, UpdatedBy = Actor.System.Name });
                added++;
            }
        }

        var policyKeys = (await db.Policies.Where(p => p.SeedKey != null).Select(p => p.SeedKey!).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        foreach (var p in Read<List<SeedPolicy>>(Path.Combine(folder, "policies.json")) ?? [])
        {
            if (policyKeys.Contains(p.Key))
                continue;
            db.Policies.Add(new Policy
            {
                SeedKey = p.Key, Title = p.Title, Summary = p.Summary + (p.Source is null ? "" : $"\n\n来源：{p.Source}"), FullTextUrl = p.FullTextUrl,
                DepartmentCode = p.DepartmentCode, ValidFrom = p.ValidFrom, ValidTo = p.ValidTo, Industries = p.Industries ?? [],
                Sizes = p.Sizes ?? [], RegistrationTypes = p.RegistrationTypes ?? [], Tags = p.Tags ?? [], DistrictCodes = p.DistrictCodes ?? [],
                CreatedAt = clock.Now, UpdatedAt = clock.Now, UpdatedBy = Actor.System.Name,
            });
            added++;
        }
        await db.SaveChangesAsync(ct);
        added += await RepairIndexAsync(db, ct);
        if (added > 0)
            text.SynonymsChanged();
        return added;
    }

    /// <summary>Articles without an index row (a crash between two writes, an import by SQL) get one.</summary>
    private async Task<int> RepairIndexAsync(HotlineDbContext db, CancellationToken ct)
    {
        var unindexed = await db.KnowledgeArticles.AsNoTracking().Where(a => !db.KnowledgeIndex.Any(i => i.ArticleId == a.Id)).ToListAsync(ct);
        if (unindexed.Count == 0)
            return 0;
        db.KnowledgeIndex.AddRange(unindexed.Select(text.IndexRow));
        await db.SaveChangesAsync(ct);
        articles.Indexed();
        logger.LogWarning("Knowledge index: {Count} articles had no index row and were indexed", unindexed.Count);
        return unindexed.Count;
    }

    private static T? Read<T>(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), HotlineDbContext.PayloadJson) : default;

    private sealed record SeedArticle(string Key, string Title, string Answer, List<string>? Questions, string? LegalBasis, List<string>? CategoryCodes,
        List<string>? DepartmentCodes, List<string>? Tags, string? Source, DateOnly? EffectiveFrom, DateOnly? ExpiresOn)
    {
        public ArticleContent ToContent(ReferenceData reference) => new()
        {
            Title = Title.Length > ArticleContent.MaxTitle ? Title[..ArticleContent.MaxTitle] : Title,
            Questions = Questions ?? [],
            Answer = Answer,
            LegalBasis = LegalBasis,
            CategoryCodes = [.. (CategoryCodes ?? []).Where(reference.IsCategory)],
            DepartmentCodes = [.. (DepartmentCodes ?? []).Where(reference.IsDepartment)],
            Tags = Tags ?? [],
            Source = Source is { Length: > 500 } ? Source[..500] : Source,
            EffectiveFrom = EffectiveFrom,
            ExpiresOn = ExpiresOn,
        };
    }

    private sealed record SeedPolicy(string Key, string Title, string Summary, string? FullTextUrl, string? DepartmentCode, DateOnly? ValidFrom, DateOnly? ValidTo,
        List<string>? Industries, List<string>? DistrictCodes, List<EnterpriseSize>? Sizes, List<RegistrationType>? RegistrationTypes, List<string>? Tags, string? Source);
}
