using System.Security.Cryptography;
using Hotline.Domain.Access;
using Hotline.Domain.Knowledge;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Knowledge;

public sealed record ArticleView(
    long Id, int Version, ArticleStatus Status, bool InForce, ArticleContent Content, string AnswerHtml, string AnswerText,
    IReadOnlyList<string> AllowedActions, long Views, int Uses, int RatedSatisfied, int RatedUnsatisfied, int OnlineResolutions,
    IReadOnlyList<AttachmentMeta> Attachments, IReadOnlyList<FlagView> Flags, DateTimeOffset UpdatedAt, string? UpdatedBy);

public sealed record AttachmentMeta(long Id, string FileName, string ContentType, long Size);

public sealed record FlagView(long Id, long ArticleId, string ArticleTitle, ReviewReason Reason, string? TicketNumber, string? Detail, DateTimeOffset RaisedAt);

public sealed record VersionView(int Version, string Action, ArticleStatus Status, string ActorName, DateTimeOffset At, string? Note);

public sealed record FieldDiff(string Field, IReadOnlyList<DiffPart> Parts);

public sealed record ArticleSummary(long Id, int Version, string Title, ArticleStatus Status, bool InForce, IReadOnlyList<string> CategoryCodes,
    IReadOnlyList<string> DepartmentCodes, DateOnly? ExpiresOn, long Views, int Uses, int OpenFlags, DateTimeOffset UpdatedAt);

/// <summary>
/// The knowledge base's application entries: one typed method per action, used by the HTTP API and the console alike.
/// Every change writes a new version with the whole content and refreshes the index row in the same transaction.
/// </summary>
public sealed class KnowledgeArticles(
    IDbContextFactory<HotlineDbContext> contexts, KnowledgeText text, ReferenceData reference, CityClock clock, IOptions<AttachmentOptions> attachments,
    KnowledgeTermCounts termCounts)
{
    /// <summary>Index rows were written and committed: this node's searches find their new words at once (other nodes' within
    /// <see cref="KnowledgeTermCounts"/>' refresh).</summary>
    internal void Indexed() => termCounts.ForgetZeros();

    public async Task<ArticleView> GetAsync(long id, Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var a = await db.KnowledgeArticles.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null || !MaySee(a, actor))
            throw new KnowledgeNotFoundException($"Article {id}");
        var files = await db.KnowledgeAttachments.AsNoTracking().Where(f => f.ArticleId == id)
            .Select(f => new AttachmentMeta(f.Id, f.FileName, f.ContentType, f.Size)).ToListAsync(ct);
        var flags = await db.KnowledgeFlags.AsNoTracking().Where(f => f.ArticleId == id && f.ClearedAt == null)
            .Select(f => new FlagView(f.Id, f.ArticleId, a.Title, f.Reason, f.TicketNumber, f.Detail, f.RaisedAt)).ToListAsync(ct);
        return View(a, files, flags, actor);
    }

    /// <summary>The public page's view: only a published article in force; anything else is 404.</summary>
    public async Task<ArticleView?> GetPublicAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var a = await db.KnowledgeArticles.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null || !ArticleLifecycle.IsPublic(a.Status, a.EffectiveFrom, a.ExpiresOn, clock.Today))
            return null;
        return View(a, [], [], null);
    }

    public async Task RecordViewAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.KnowledgeArticles.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Views, a => a.Views + 1), ct);
    }

    public async Task<IReadOnlyList<ArticleSummary>> ListAsync(Actor actor, ArticleStatus? status, bool flaggedOnly, string? categoryCode, int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.KnowledgeArticles.AsNoTracking();
        if (!ArticleLifecycle.IsEditor(actor))
            query = query.Where(a => a.Status == ArticleStatus.Published || a.Status == ArticleStatus.Expired || a.Status == ArticleStatus.Withdrawn);
        if (status is { } s)
            query = query.Where(a => a.Status == s);
        if (flaggedOnly)
            query = query.Where(a => db.KnowledgeFlags.Any(f => f.ArticleId == a.Id && f.ClearedAt == null));
        var rows = await query.OrderByDescending(a => a.UpdatedAt).ThenByDescending(a => a.Id).Take(Math.Clamp(max, 1, 500))
            .Select(a => new { a.Id, a.Version, a.Title, a.Status, a.EffectiveFrom, a.ExpiresOn, a.CategoryCodes, a.DepartmentCodes, a.Views, a.Uses, a.UpdatedAt,
                Flags = db.KnowledgeFlags.Count(f => f.ArticleId == a.Id && f.ClearedAt == null) })
            .ToListAsync(ct);
        var today = clock.Today;
        return [.. rows.Where(r => categoryCode is null || r.CategoryCodes.Contains(categoryCode)).Select(r => new ArticleSummary(r.Id, r.Version, r.Title,
            ArticleLifecycle.Effective(r.Status, r.EffectiveFrom, r.ExpiresOn, today), ArticleLifecycle.IsPublic(r.Status, r.EffectiveFrom, r.ExpiresOn, today),
            r.CategoryCodes, r.DepartmentCodes, r.ExpiresOn, r.Views, r.Uses, r.Flags, r.UpdatedAt))];
    }

    public async Task<ArticleView> CreateAsync(ArticleContent content, Actor actor, CancellationToken ct, string action = "created", string? note = null)
    {
        RequireEditor(actor);
        Validate(content);
        var article = New(content, actor, ArticleStatus.Draft, null, null);
        var index = text.IndexRow(article); // segmentation before the transaction: the write lock is held for the writes only
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.KnowledgeArticles.Add(article);
        await db.SaveChangesAsync(ct); // the id, for the version and the index row
        AddVersionAndIndex(db, article, index, actor, action, note);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        Indexed();
        return View(article, [], [], actor);
    }

    /// <summary>A new article (version 1), not yet added to a context.</summary>
    internal KnowledgeArticle New(ArticleContent content, Actor actor, ArticleStatus status, string? seedKey, string? titlePinyin)
    {
        var now = clock.Now;
        var article = new KnowledgeArticle { Title = "", Answer = "", Status = status, Version = 1, CreatedAt = now, UpdatedAt = now, UpdatedBy = actor.Name, SeedKey = seedKey, TitlePinyin = titlePinyin };
        article.Set(content);
        return article;
    }

    /// <summary>The first version and the index row of an article that now has its id.</summary>
    internal static void AddVersionAndIndex(HotlineDbContext db, KnowledgeArticle article, KnowledgeIndexRow index, Actor actor, string action, string? note)
    {
        db.KnowledgeArticleVersions.Add(VersionRow(article, action, actor, article.UpdatedAt, note));
        index.ArticleId = article.Id;
        db.KnowledgeIndex.Add(index);
    }

    public async Task<ArticleView> UpdateAsync(long id, ArticleContent content, int expectedVersion, string? note, Actor actor, CancellationToken ct)
    {
        RequireEditor(actor);
        Validate(content);
        return await ChangeAsync(id, expectedVersion, actor, (a, db) =>
        {
            var titleChanged = a.Title != content.Title.Trim();
            a.Set(content);
            if (titleChanged)
                a.TitlePinyin = null; // the seeded reading was of the old title: the character table reads the new one
            return ("edited", note);
        }, ct);
    }

    /// <summary>Moves the article through its life (submit, publish, return-to-draft, withdraw, reopen).</summary>
    public async Task<ArticleView> ActAsync(long id, string actionName, int expectedVersion, string? note, Actor actor, CancellationToken ct)
    {
        RequireEditor(actor);
        var transition = ArticleLifecycle.Find(actionName);
        if (transition is null || transition.Action == ArticleAction.Expire)
            throw new KnowledgeNotFoundException($"Action {actionName}");
        return await ChangeAsync(id, expectedVersion, actor, (a, db) =>
        {
            var next = ArticleLifecycle.Next(a.Status, transition.Action)
                ?? throw new GuardConflictException(KnowledgeErrors.ArticleActionNotAllowed, actionName, a.Status.ToString());
            a.Status = next;
            return (transition.RouteName, note);
        }, ct);
    }

    private async Task<ArticleView> ChangeAsync(long id, int expectedVersion, Actor actor,
        Func<KnowledgeArticle, HotlineDbContext, (string Action, string? Note)> change, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var a = await db.KnowledgeArticles.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new KnowledgeNotFoundException($"Article {id}");
        if (a.Version != expectedVersion)
            throw new ConcurrencyConflictException(expectedVersion, a.Version);
        var (action, note) = change(a, db);
        a.Version++;
        a.UpdatedAt = clock.Now;
        a.UpdatedBy = actor.Name;
        db.KnowledgeArticleVersions.Add(VersionRow(a, action, actor, a.UpdatedAt, note));
        var index = await db.KnowledgeIndex.FirstOrDefaultAsync(i => i.ArticleId == id, ct);
        var fresh = text.IndexRow(a);
        if (index is null)
            db.KnowledgeIndex.Add(fresh);
        else
            db.Entry(index).CurrentValues.SetValues(fresh);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            var current = await db.KnowledgeArticles.AsNoTracking().Where(x => x.Id == id).Select(x => x.Version).FirstAsync(ct);
            throw new ConcurrencyConflictException(expectedVersion, current, ex);
        }
        Indexed();
        return View(a, [], [], actor);
    }

    public async Task<IReadOnlyList<VersionView>> HistoryAsync(long id, Actor actor, CancellationToken ct)
    {
        await GetAsync(id, actor, ct); // visibility
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.KnowledgeArticleVersions.AsNoTracking().Where(v => v.ArticleId == id).OrderByDescending(v => v.Version)
            .Select(v => new VersionView(v.Version, v.Action, v.Status, v.ActorName, v.At, v.Note)).ToListAsync(ct);
    }

    /// <summary>What changed between two versions, field by field (only the fields that differ).</summary>
    public async Task<IReadOnlyList<FieldDiff>> DiffAsync(long id, int from, int to, Actor actor, CancellationToken ct)
    {
        await GetAsync(id, actor, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var versions = await db.KnowledgeArticleVersions.AsNoTracking().Where(v => v.ArticleId == id && (v.Version == from || v.Version == to)).ToListAsync(ct);
        var a = versions.FirstOrDefault(v => v.Version == from)?.Content ?? throw new KnowledgeNotFoundException($"Version {from}");
        var b = versions.FirstOrDefault(v => v.Version == to)?.Content ?? throw new KnowledgeNotFoundException($"Version {to}");
        var fields = new (string Field, string Before, string After)[]
        {
            ("title", a.Title, b.Title),
            ("questions", string.Join('\n', a.Questions), string.Join('\n', b.Questions)),
            ("answer", a.Answer, b.Answer),
            ("legalBasis", a.LegalBasis ?? "", b.LegalBasis ?? ""),
            ("links", string.Join('\n', a.Links.Select(l => $"{l.Title} {l.Url}")), string.Join('\n', b.Links.Select(l => $"{l.Title} {l.Url}"))),
            ("categoryCodes", string.Join('\n', a.CategoryCodes), string.Join('\n', b.CategoryCodes)),
            ("departmentCodes", string.Join('\n', a.DepartmentCodes), string.Join('\n', b.DepartmentCodes)),
            ("districtCodes", string.Join('\n', a.DistrictCodes), string.Join('\n', b.DistrictCodes)),
            ("tags", string.Join('\n', a.Tags), string.Join('\n', b.Tags)),
            ("effectiveFrom", a.EffectiveFrom?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "", b.EffectiveFrom?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? ""),
            ("expiresOn", a.ExpiresOn?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "", b.ExpiresOn?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? ""),
            ("source", a.Source ?? "", b.Source ?? ""),
        };
        return [.. fields.Where(f => f.Before != f.After).Select(f => new FieldDiff(f.Field, TextDiff.Compare(f.Before, f.After)))];
    }

    public async Task<AttachmentMeta> AttachAsync(long id, string fileName, Stream content, long length, Actor actor, CancellationToken ct)
    {
        RequireEditor(actor);
        var o = attachments.Value;
        if (length <= 0)
            throw new RequestValidationException([new("file", ErrorCodes.Required)]);
        if (length > o.MaxBytes)
            throw new RequestValidationException([new("file", "AttachmentTooLarge", o.MaxBytes)]);
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (!o.AllowedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase) || !AttachmentStore.ContentTypes.TryGetValue(extension, out var contentType))
            throw new RequestValidationException([new("file", "AttachmentType", extension, string.Join(", ", o.AllowedExtensions))]);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        if (!FileSignatures.Matches(extension, bytes.AsSpan(0, Math.Min(8, bytes.Length))))
            throw new RequestValidationException([new("file", "AttachmentContent")]);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.KnowledgeArticles.AnyAsync(a => a.Id == id, ct))
            throw new KnowledgeNotFoundException($"Article {id}");
        var row = new KnowledgeAttachment
        {
            ArticleId = id, FileName = Path.GetFileName(fileName), ContentType = contentType, Size = bytes.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), Content = bytes, UploadedAt = clock.Now, UploadedBy = actor.Name,
        };
        db.KnowledgeAttachments.Add(row);
        await db.SaveChangesAsync(ct);
        return new AttachmentMeta(row.Id, row.FileName, row.ContentType, row.Size);
    }

    public async Task<KnowledgeAttachment?> OpenAttachmentAsync(long id, long attachmentId, Actor? actor, CancellationToken ct)
    {
        if (actor is null)
        {
            if (await GetPublicAsync(id, ct) is null)
                return null;
        }
        else
            await GetAsync(id, actor, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.KnowledgeAttachments.AsNoTracking().FirstOrDefaultAsync(f => f.ArticleId == id && f.Id == attachmentId, ct);
    }

    /// <summary>A body's article content, which JSON may leave out (a 400 naming <c>content</c>, not a fault).</summary>
    public static ArticleContent Required(ArticleContent? content) =>
        content ?? throw new RequestValidationException([new("content", Domain.Tickets.ErrorCodes.Required)]);

    public void Validate(ArticleContent content)
    {
        var errors = content.Validate(reference);
        if (errors.Count > 0)
            throw new RequestValidationException(errors);
    }

    public static void RequireEditor(Actor actor)
    {
        if (!ArticleLifecycle.IsEditor(actor))
            throw new KnowledgeForbiddenException("edit knowledge");
    }

    private static bool MaySee(KnowledgeArticle a, Actor actor) => ArticleLifecycle.IsEditor(actor) || ArticleLifecycle.IsForAgents(a.Status);

    private static KnowledgeArticleVersion VersionRow(KnowledgeArticle a, string action, Actor actor, DateTimeOffset at, string? note) => new()
    {
        ArticleId = a.Id, Version = a.Version, Action = action, Status = a.Status, Content = a.Content(), ActorId = actor.Id, ActorName = actor.Name, At = at,
        Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
    };

    private ArticleView View(KnowledgeArticle a, IReadOnlyList<AttachmentMeta> files, IReadOnlyList<FlagView> flags, Actor? actor)
    {
        var today = clock.Today;
        var allowed = actor is not null && ArticleLifecycle.IsEditor(actor) ? ArticleLifecycle.AllowedFrom(a.Status) : [];
        return new ArticleView(a.Id, a.Version, ArticleLifecycle.Effective(a.Status, a.EffectiveFrom, a.ExpiresOn, today),
            ArticleLifecycle.IsPublic(a.Status, a.EffectiveFrom, a.ExpiresOn, today), a.Content(), KnowledgeMarkdown.ToHtml(a.Answer),
            KnowledgeMarkdown.ToPlainText(a.Answer), allowed, a.Views, a.Uses, a.RatedSatisfied, a.RatedUnsatisfied, a.OnlineResolutions, files, flags,
            a.UpdatedAt, a.UpdatedBy);
    }
}
