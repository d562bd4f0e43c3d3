using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Console;

public static class ConsoleSetup
{
    public static void MapConsole(this WebApplication app)
    {
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

        // Language switch: remembered in the standard culture cookie.
        app.MapGet("/culture", (string culture, string? returnUrl, HttpContext http) =>
        {
            if (HotlineApp.Cultures.Any(c => c.Name == culture))
                http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { Expires = DateTimeOffset.MaxValue, IsEssential = true, SameSite = SameSiteMode.Lax });
            return TypedResults.LocalRedirect(Security.LocalUrls.OrHome(returnUrl));
        }).ExcludeFromDescription();
    }
}

/// <summary>What the landing page shows: the signed-in person's view of the ticket counts and latest tickets.</summary>
public sealed class ConsoleQueries(IDbContextFactory<HotlineDbContext> contexts)
{
    public sealed record StatusCount(TicketStatus Status, int Count);

    public async Task<IReadOnlyList<StatusCount>> CountsAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor)
            .GroupBy(t => t.Status).Select(g => new StatusCount(g.Key, g.Count())).ToListAsync(ct);
    }

    /// <summary>The newest tickets as the search lists them (the viewer's masking applies).</summary>
    public async Task<IReadOnlyList<TicketSummary>> LatestAsync(Actor actor, int count, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await TicketSearch.SummariesAsync(TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor).OrderByDescending(t => t.Id).Take(count), actor, ct);
        return rows.Select(r => r.Summary).ToList();
    }
}
