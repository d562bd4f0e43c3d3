using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Tickets;

/// <summary>常用查询: a search a person keeps under a name: the search page's query string, theirs alone.</summary>
public sealed class SavedSearch
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public required string Name { get; set; }

    /// <summary>The filters as the search page's (and <c>GET /api/tickets</c>'s) query string, without cursor or limit.</summary>
    public required string Query { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public sealed record SavedSearchView(long Id, string Name, string Query, DateTimeOffset CreatedAt);

public sealed record SaveSearchRequest(string? Name, string? Query);

/// <summary>A person's saved searches; another person's search is simply not there (404).</summary>
public sealed class SavedSearches(HotlineDbContext db, CityClock clock)
{
    public const int MaxPerUser = 50;
    public const int MaxNameLength = 60;
    public const int MaxQueryLength = 2000;

    public static void Configure(ModelBuilder b) => b.Entity<SavedSearch>(s =>
    {
        s.ToTable("saved_searches");
        s.Property(x => x.UserId).HasMaxLength(450);
        s.Property(x => x.Name).HasMaxLength(MaxNameLength);
        s.Property(x => x.Query).HasMaxLength(MaxQueryLength);
        s.HasIndex(x => new { x.UserId, x.Name }).IsUnique();
    });

    public async Task<IReadOnlyList<SavedSearchView>> ListAsync(Actor owner, CancellationToken ct) =>
        (await db.SavedSearches.AsNoTracking().Where(s => s.UserId == owner.Id).ToListAsync(ct))
        .OrderBy(s => s.Name, StringComparer.CurrentCulture).Select(View).ToList();

    /// <summary>Saves the query under the name, replacing the person's search of that name.</summary>
    public async Task<SavedSearchView> SaveAsync(SaveSearchRequest request, Actor owner, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var name = request.Name?.Trim() ?? "";
        var query = TicketFilterQuery.Normalize(request.Query);
        if (name.Length == 0)
            errors.Add(new("name", ErrorCodes.Required));
        else if (name.Length > MaxNameLength)
            errors.Add(new("name", ErrorCodes.TooLong, MaxNameLength));
        if (query.Length > MaxQueryLength)
            errors.Add(new("query", ErrorCodes.TooLong, MaxQueryLength));
        if (errors.Count > 0)
            throw new RequestValidationException(errors);

        var row = await db.SavedSearches.FirstOrDefaultAsync(s => s.UserId == owner.Id && s.Name == name, ct);
        if (row is null)
        {
            if (await db.SavedSearches.CountAsync(s => s.UserId == owner.Id, ct) >= MaxPerUser)
                throw new RequestValidationException([new("name", "TooManySavedSearches", MaxPerUser)]);
            row = new SavedSearch { UserId = owner.Id, Name = name, Query = query, CreatedAt = clock.Now };
            db.SavedSearches.Add(row);
        }
        else
            row.Query = query;
        await db.SaveChangesAsync(ct);
        return View(row);
    }

    /// <summary>False when the person has no search with that id.</summary>
    public async Task<bool> DeleteAsync(long id, Actor owner, CancellationToken ct) =>
        await db.SavedSearches.Where(s => s.Id == id && s.UserId == owner.Id).ExecuteDeleteAsync(ct) > 0;

    private static SavedSearchView View(SavedSearch s) => new(s.Id, s.Name, s.Query, s.CreatedAt);
}
