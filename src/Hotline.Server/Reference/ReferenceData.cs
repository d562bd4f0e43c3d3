using System.Collections.Frozen;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Reference;

/// <summary>
/// Departments, districts and categories held in memory: they change rarely and every registration checks them.
/// Refreshed after the seed loads (and by admin edits in later features).
/// </summary>
public sealed class ReferenceData(IDbContextFactory<HotlineDbContext> contexts) : IReferenceCodes
{
    private Snapshot current = Snapshot.Empty;

    public IReadOnlyDictionary<string, Department> Departments => current.Departments;
    public IReadOnlyDictionary<string, District> Districts => current.Districts;
    public IReadOnlyDictionary<string, Category> Categories => current.Categories;

    /// <summary>The category tree in display order: each parent's children by their seeded order.</summary>
    public IReadOnlyList<Category> CategoriesInOrder => current.CategoriesInOrder;

    /// <summary>The pinyin of each category's, department's and district's name (seed/pinyin.json), for the agent's search.</summary>
    public IReadOnlyDictionary<string, PinyinName> CategoryPinyin => current.CategoryPinyin;
    public IReadOnlyDictionary<string, PinyinName> DepartmentPinyin => current.DepartmentPinyin;
    public IReadOnlyDictionary<string, PinyinName> DistrictPinyin => current.DistrictPinyin;

    /// <summary>Categories whose name matches Chinese text or pinyin (initials, syllables), best first, then in tree order.</summary>
    public IReadOnlyList<Category> SearchCategories(string query, int max = 20)
    {
        var s = current;
        return s.CategoriesInOrder
            .Select((c, order) => (c, order, score: (s.CategoryPinyin.TryGetValue(c.Code, out var p) ? PinyinSearch.Score(query, p) : null) ?? EnglishScore(query, c.NameEn)))
            .Where(x => x.score is not null)
            .OrderBy(x => x.score).ThenBy(x => x.order)
            .Take(max).Select(x => x.c).ToList();
    }

    /// <summary>An English name containing the typed words ("wage" in "Wage arrears"): after every Chinese and pinyin match.</summary>
    private static int? EnglishScore(string query, string? nameEn)
    {
        var q = query.Trim();
        if (q.Length < 2 || nameEn is null || !q.All(ch => ch < 128))
            return null;
        var at = nameEn.IndexOf(q, StringComparison.OrdinalIgnoreCase);
        return at < 0 ? null : at == 0 ? 5 : 6;
    }

    /// <summary>Districts matching Chinese text or pinyin, best first.</summary>
    public IReadOnlyList<District> SearchDistricts(string query) =>
        current.Districts.Values
            .Select(d => (d, score: (current.DistrictPinyin.TryGetValue(d.Code, out var p) ? PinyinSearch.Score(query, p) : null) ?? EnglishScore(query, d.NameEn)))
            .Where(x => x.score is not null).OrderBy(x => x.score).ThenBy(x => x.d.Code, StringComparer.Ordinal).Select(x => x.d).ToList();

    /// <summary>
    /// Departments as a dispatcher types them, best first: the full name or the short name people say (市场监管局, 住建局),
    /// the code (scjg), pinyin initials of the short or the full name (zjj, scjgj), syllables, or the English name. A match
    /// at the start of a name beats one inside it, so "zjj" finds 住建局 before 常州经济开发区管理委员会 (whose initials only
    /// contain it).
    /// </summary>
    public IReadOnlyList<Department> SearchDepartments(string query, int max = 20) =>
        current.Departments.Values
            .Select(d => (d, score: DepartmentScore(query, d)))
            .Where(x => x.score is not null).OrderBy(x => x.score).ThenBy(x => x.d.Name.Length).ThenBy(x => x.d.Code, StringComparer.Ordinal)
            .Take(max).Select(x => x.d).ToList();

    private int? DepartmentScore(string query, Department d)
    {
        var q = query.Trim();
        if (q.Length == 0)
            return null;
        if (string.Equals(q, d.Code, StringComparison.OrdinalIgnoreCase))
            return 0;
        var scores = new List<int?>
        {
            current.DepartmentShortPinyin.TryGetValue(d.Code, out var shortName) ? PinyinSearch.Score(q, shortName) : null,
            current.DepartmentPinyin.TryGetValue(d.Code, out var full) ? PinyinSearch.Score(q, full) : null,
            d.Code.StartsWith(q, StringComparison.OrdinalIgnoreCase) ? 1 : null,
            EnglishScore(q, d.NameEn),
        };
        return scores.Min();
    }

    /// <summary>A department's name in the reader's language (English names come with the seed).</summary>
    public string DepartmentName(string? code) =>
        code is null ? "" : current.Departments.GetValueOrDefault(code) is { } d ? Localized(d.Name, d.NameEn) : code;

    /// <summary>A district's name in the reader's language.</summary>
    public string DistrictName(string? code) =>
        code is null ? "" : current.Districts.GetValueOrDefault(code) is { } d ? Localized(d.Name, d.NameEn) : code;

    /// <summary>A category's name in the reader's language.</summary>
    public string CategoryName(string? code) =>
        code is null ? "" : current.Categories.GetValueOrDefault(code) is { } c ? Localized(c.Name, c.NameEn) : code;

    /// <summary>The Chinese name, or the English one for a reader in English (the console's second language).</summary>
    public static string Localized(string name, string? nameEn) =>
        nameEn is { Length: > 0 } && System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? nameEn : name;

    /// <summary>"劳动就业与工资拖欠 › 工资拖欠": a category with its parent, as the pickers show it.</summary>
    public string CategoryPath(string code) =>
        current.Categories.GetValueOrDefault(code) is not { } c ? code
        : c.ParentCode is { } parent && current.Categories.GetValueOrDefault(parent) is { } p
            ? $"{Localized(p.Name, p.NameEn)} › {Localized(c.Name, c.NameEn)}" : Localized(c.Name, c.NameEn);

    public bool IsCategory(string code) => current.Categories.ContainsKey(code);
    public bool IsDistrict(string code) => current.Districts.ContainsKey(code);
    public bool IsDepartment(string code) => current.Departments.ContainsKey(code);
    public bool HasEnterpriseDesk(string departmentCode) => current.Departments.GetValueOrDefault(departmentCode)?.HasEnterpriseDesk == true;

    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var categories = await db.Categories.AsNoTracking().OrderBy(c => c.ParentCode).ThenBy(c => c.SortOrder).ThenBy(c => c.Code).ToListAsync(ct);
        var departments = await db.Departments.AsNoTracking().ToListAsync(ct);
        var districts = await db.Districts.AsNoTracking().ToListAsync(ct);
        // Codes added after the file was generated fall back to the initials stored with the row (or none).
        var pinyin = PinyinSearch.File.Read(Path.Combine(SeedLoader.DefaultSeedPath, "pinyin.json"));
        current = new Snapshot(
            departments.ToFrozenDictionary(d => d.Code),
            districts.ToFrozenDictionary(d => d.Code),
            categories.ToFrozenDictionary(c => c.Code),
            categories,
            categories.ToFrozenDictionary(c => c.Code, c => Pinyin(pinyin.Categories, c.Code, c.Name, c.Pinyin)),
            departments.ToFrozenDictionary(d => d.Code, d => Pinyin(pinyin.Departments, d.Code, d.Name, "")),
            pinyin.DepartmentShortNames.ToFrozenDictionary(e => e.Key, e => PinyinName.Of(e.Value.Name, e.Value.Initials, e.Value.Pinyin)),
            districts.ToFrozenDictionary(d => d.Code, d => Pinyin(pinyin.Districts, d.Code, d.Name, d.Pinyin)));
    }

    private static PinyinName Pinyin(Dictionary<string, PinyinSearch.Entry> generated, string code, string name, string initials) =>
        generated.TryGetValue(code, out var e) && e.Name == name ? PinyinName.Of(name, e.Initials, e.Pinyin) : PinyinName.Of(name, initials, null);

    private sealed record Snapshot(
        FrozenDictionary<string, Department> Departments,
        FrozenDictionary<string, District> Districts,
        FrozenDictionary<string, Category> Categories,
        IReadOnlyList<Category> CategoriesInOrder,
        FrozenDictionary<string, PinyinName> CategoryPinyin,
        FrozenDictionary<string, PinyinName> DepartmentPinyin,
        FrozenDictionary<string, PinyinName> DepartmentShortPinyin,
        FrozenDictionary<string, PinyinName> DistrictPinyin)
    {
        public static readonly Snapshot Empty = new(
            FrozenDictionary<string, Department>.Empty, FrozenDictionary<string, District>.Empty, FrozenDictionary<string, Category>.Empty, [],
            FrozenDictionary<string, PinyinName>.Empty, FrozenDictionary<string, PinyinName>.Empty, FrozenDictionary<string, PinyinName>.Empty,
            FrozenDictionary<string, PinyinName>.Empty);
    }
}
