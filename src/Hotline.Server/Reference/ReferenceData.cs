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

    public bool IsCategory(string code) => current.Categories.ContainsKey(code);
    public bool IsDistrict(string code) => current.Districts.ContainsKey(code);
    public bool IsDepartment(string code) => current.Departments.ContainsKey(code);
    public bool HasEnterpriseDesk(string departmentCode) => current.Departments.GetValueOrDefault(departmentCode)?.HasEnterpriseDesk == true;

    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var categories = await db.Categories.AsNoTracking().OrderBy(c => c.ParentCode).ThenBy(c => c.SortOrder).ThenBy(c => c.Code).ToListAsync(ct);
        current = new Snapshot(
            (await db.Departments.AsNoTracking().ToListAsync(ct)).ToFrozenDictionary(d => d.Code),
            (await db.Districts.AsNoTracking().ToListAsync(ct)).ToFrozenDictionary(d => d.Code),
            categories.ToFrozenDictionary(c => c.Code),
            categories);
    }

    private sealed record Snapshot(
        FrozenDictionary<string, Department> Departments,
        FrozenDictionary<string, District> Districts,
        FrozenDictionary<string, Category> Categories,
        IReadOnlyList<Category> CategoriesInOrder)
    {
        public static readonly Snapshot Empty = new(
            FrozenDictionary<string, Department>.Empty, FrozenDictionary<string, District>.Empty, FrozenDictionary<string, Category>.Empty, []);
    }
}
