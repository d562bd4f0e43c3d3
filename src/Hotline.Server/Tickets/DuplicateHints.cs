using Hotline.Domain.Access;
using Hotline.Domain.Duplicates;
using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Tickets;

/// <summary>重复件提示: earlier open tickets from the same phone or credit code, and similar texts of the last 30 days.</summary>
/// <param name="ConfidentialMatter">
/// The phone or credit code also has a confidential reporter's matter (举报) that this viewer may not see: said only
/// as this flag, never which or how many (see <see cref="ConfidentialNotices"/>).
/// </param>
public sealed record DuplicateHintsView(
    IReadOnlyList<TicketSummary> SamePhone,
    IReadOnlyList<TicketSummary> SameCreditCode,
    IReadOnlyList<SimilarTicket> Similar,
    bool ConfidentialMatter = false);

public sealed record SimilarTicket(TicketSummary Ticket, double Similarity);

/// <summary>
/// Hints only: nothing is marked or merged here. Every query goes through <see cref="TicketService.VisibleTo"/>, the
/// same-requester ones through <see cref="RequesterLookup"/> (a confidential reporter is never matched for a viewer who
/// sees them masked), and requester names are masked as in the ticket list.
/// </summary>
public sealed class DuplicateHints(HotlineDbContext db, ReferenceData reference, CityClock clock, TicketService tickets, ConfidentialNotices notices)
{
    /// <summary>
    /// Dice similarity of title + description bigrams. Measured on seed/demo/ticket-templates.json: different matters
    /// (11,476 pairs of distinct templates, placeholders filled at random) score median 0.03, p99 0.22, and only 2 pairs
    /// reach 0.30; rewordings of one street-vending complaint score 0.40–0.61.
    /// </summary>
    public const double SimilarityThreshold = 0.30;
    public const int MaxSameRequester = 10;
    public const int MaxSimilar = 5;
    /// <summary>The similarity scan reads at most this many of the newest tickets in the window (one indexed query, scored in memory).</summary>
    public const int MaxCandidates = 2_000;
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    /// <summary>Hints for a ticket being registered (the body of POST /api/tickets).</summary>
    public Task<DuplicateHintsView> ForDraftAsync(RegisterTicketRequest body, Actor actor, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var category = Blank(body.CategoryCode);
        if (category is not null && !reference.IsCategory(category))
            errors.Add(new("categoryCode", ErrorCodes.UnknownCategory, category));
        var district = Blank(body.DistrictCode);
        if (district is not null && !reference.IsDistrict(district))
            errors.Add(new("districtCode", ErrorCodes.UnknownDistrict, district));
        var title = body.Title?.Trim() ?? "";
        var description = body.Description?.Trim() ?? "";
        if (TextRules.Check("title", title, TicketDraftValidator.MaxTitle) is { } titleError)
            errors.Add(titleError);
        if (TextRules.Check("description", description, TicketDraftValidator.MaxDescription) is { } descriptionError)
            errors.Add(descriptionError);
        var phone = Blank(body.Requester?.Phone);
        if (phone is { Length: > 20 })
            errors.Add(new("requester.phone", ErrorCodes.InvalidPhone));
        var creditCode = Blank(body.Requester?.CreditCode)?.ToUpperInvariant();
        if (creditCode is { Length: > 18 })
            errors.Add(new("requester.creditCode", ErrorCodes.InvalidCreditCode));
        if (errors.Count > 0)
            throw new RequestValidationException(errors);

        return FindAsync(new Probe(null, phone, creditCode, $"{title} {description}", category, district), actor, hiddenRequester: false, ct);
    }

    /// <summary>Hints for an existing ticket (excluding itself), for the dispatcher deciding whether to merge.</summary>
    public async Task<DuplicateHintsView> ForTicketAsync(string number, Actor actor, CancellationToken ct)
    {
        var t = await tickets.FindAsync(number, actor, ct);
        var probe = new Probe(t.Id, Blank(t.RequesterPhone), t.RequesterCreditCode, $"{t.Title} {t.Description}", Blank(t.CategoryCode), t.DistrictCode);
        // A confidential reporter's phone and credit code are hidden from this viewer: looking up their other tickets by
        // them would name the reporter (an ordinary ticket of theirs shows the real name), so nothing is looked up by them.
        return await FindAsync(probe, actor, hiddenRequester: t.RequesterConfidential && !actor.SeesConfidentialRequesters, ct);
    }

    private sealed record Probe(long? ExcludeId, string? Phone, string? CreditCode, string Text, string? Category, string? District);

    private async Task<DuplicateHintsView> FindAsync(Probe p, Actor actor, bool hiddenRequester, CancellationToken ct)
    {
        var visible = TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor);
        if (p.ExcludeId is { } self)
            visible = visible.Where(t => t.Id != self);
        var open = visible.Where(t => t.Status != TicketStatus.Closed && t.Status != TicketStatus.ResolvedAtIntake);

        var samePhone = p.Phone is null || hiddenRequester ? [] : await SummariesAsync(RequesterLookup.ByPhone(open, [p.Phone], actor), actor, ct);
        var sameCreditCode = p.CreditCode is null || hiddenRequester ? [] : await SummariesAsync(RequesterLookup.ByCreditCode(open, p.CreditCode, actor), actor, ct);
        var confidentialMatter = !hiddenRequester
            && ((p.Phone is not null && await notices.ExistsAsync(actor, $"phone:{p.Phone}", RequesterLookup.HiddenByPhone(visible, [p.Phone]), ct))
                || (p.CreditCode is not null && await notices.ExistsAsync(actor, $"credit:{p.CreditCode}", RequesterLookup.HiddenByCreditCode(visible, p.CreditCode), ct)));

        IReadOnlyList<SimilarTicket> similar = [];
        var draft = Shingles.Of(p.Text);
        if (draft.Count > 0)
        {
            var listed = samePhone.Concat(sameCreditCode).Select(s => s.Number).ToHashSet(StringComparer.Ordinal);
            var since = clock.Now - Window;
            var candidates = visible.Where(t => t.RegisteredAt >= since);
            if (hiddenRequester)
                candidates = candidates.Where(t => t.RequesterPhone != p.Phone && (p.CreditCode == null || t.RequesterCreditCode != p.CreditCode));
            if (p.Category is not null && reference.Categories.GetValueOrDefault(p.Category) is { } category)
            {
                // The same category family: the category's parent and all its children.
                var root = category.ParentCode ?? category.Code;
                var codes = reference.Categories.Values.Where(c => c.Code == root || c.ParentCode == root).Select(c => c.Code).ToList();
                candidates = candidates.Where(t => codes.Contains(t.CategoryCode));
            }
            else if (p.District is not null)
                candidates = candidates.Where(t => t.DistrictCode == p.District);

            // Bounded: only the newest MaxCandidates tickets of the window are scored, so a busy month costs the same as a quiet one.
            var rows = await candidates.OrderByDescending(t => t.Id).Take(MaxCandidates).Select(Row).ToListAsync(ct);
            var best = rows
                .Where(r => !listed.Contains(r.Number))
                .Select(r => (r.Id, Score: TextSimilarity.Compare(draft, Shingles.Of($"{r.Title} {r.Description}"))))
                .Where(x => x.Score >= SimilarityThreshold)
                .OrderByDescending(x => x.Score).ThenByDescending(x => x.Id)
                .Take(MaxSimilar)
                .ToList();
            // The few best as list rows, masked as in the ticket list.
            var ids = best.Select(x => x.Id).ToList();
            var summaries = (await TicketSearch.SummariesAsync(db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id)), actor, ct))
                .ToDictionary(r => r.Id, r => r.Summary);
            similar = best.Select(x => new SimilarTicket(summaries[x.Id], Math.Round(x.Score, 3))).ToList();
        }
        return new DuplicateHintsView(samePhone, sameCreditCode, similar, confidentialMatter);
    }

    private static async Task<List<TicketSummary>> SummariesAsync(IQueryable<Ticket> query, Actor actor, CancellationToken ct) =>
        (await TicketSearch.SummariesAsync(query.OrderByDescending(t => t.Id).Take(MaxSameRequester), actor, ct)).Select(r => r.Summary).ToList();

    private sealed record CandidateRow(long Id, string Number, string Title, string Description);

    private static readonly System.Linq.Expressions.Expression<Func<Ticket, CandidateRow>> Row = t => new CandidateRow(t.Id, t.Number, t.Title, t.Description);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

public static class DuplicateHintsApi
{
    /// <summary>Maps the hints under the tickets group (/api/tickets). Department handlers are refused (403).</summary>
    public static RouteGroupBuilder MapDuplicateHints(this RouteGroupBuilder group)
    {
        string[] roles = [Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin];

        group.MapPost("/duplicate-hints", async (RegisterTicketRequest body, HttpContext http, DuplicateHints hints, CancellationToken ct) =>
            TypedResults.Ok(await hints.ForDraftAsync(body, http.User.ToActor(), ct)))
            .RequireAuthorization(p => p.RequireRole(roles))
            .WithSummary("Duplicate hints (重复件提示) for a ticket being registered")
            .WithDescription("Same body as POST /api/tickets. Open tickets from the same phone or credit code, and similar texts of the last 30 days.");

        group.MapGet("/{number}/duplicate-hints", async (string number, HttpContext http, DuplicateHints hints, CancellationToken ct) =>
            TypedResults.Ok(await hints.ForTicketAsync(number, http.User.ToActor(), ct)))
            .RequireAuthorization(p => p.RequireRole(roles))
            .WithSummary("Duplicate hints (重复件提示) for an existing ticket, excluding itself");

        return group;
    }
}
