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
        // A confidential reporter's phone and credit code are hidden from this viewer: looking up their other tickets by
        // them would name the reporter (an ordinary ticket of theirs shows the real name), so nothing is looked up by them.
        return await FindAsync(ProbeOf(t), actor, HidesRequester(t, actor), ct);
    }

    /// <summary>
    /// Hints for several existing tickets at once (the dispatch desk's rows), for each exactly what <see cref="ForTicketAsync"/>
    /// gives, in a few statements for the whole page instead of about six per ticket: the tickets, their requesters' other
    /// open tickets, the hidden ones a notice may tell of, the similarity candidates once per category family (or district),
    /// and the rows shown; each candidate's text is cut into shingles once, however many tickets it is compared with.
    /// Tickets the actor may not see are left out. A confidential reporter's ticket hidden from the actor is looked up on
    /// its own, as <see cref="ForTicketAsync"/> does it (its candidates leave out the reporter's other tickets).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DuplicateHintsView>> ForTicketsAsync(IReadOnlyCollection<string> numbers, Actor actor, CancellationToken ct)
    {
        var wanted = numbers.Distinct(StringComparer.Ordinal).ToList();
        var visible = TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor);
        var found = (await visible.Where(t => wanted.Contains(t.Number)).ToListAsync(ct)).ToDictionary(t => t.Number, StringComparer.Ordinal);
        // In the order asked: a notice's allowance is spent ticket by ticket, as one lookup after the other would.
        var tickets = wanted.Where(found.ContainsKey).Select(n => found[n]).ToList();
        var result = new Dictionary<string, DuplicateHintsView>(StringComparer.Ordinal);
        foreach (var t in tickets.Where(t => HidesRequester(t, actor)))
            result[t.Number] = await FindAsync(ProbeOf(t), actor, hiddenRequester: true, ct);
        var probes = tickets.Where(t => !HidesRequester(t, actor)).Select(t => (t.Number, Probe: ProbeOf(t))).ToList();
        if (probes.Count == 0)
            return result;

        // Same requester: every open ticket of these phones and credit codes as narrow rows; each ticket keeps the newest ten but itself.
        var open = visible.Where(t => t.Status != TicketStatus.Closed && t.Status != TicketStatus.ResolvedAtIntake);
        var phones = probes.Select(x => x.Probe.Phone).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var creditCodes = probes.Select(x => x.Probe.CreditCode).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var byPhone = phones.Count == 0 ? [] : await RequesterLookup.ByPhone(open, phones, actor).Select(t => new Keyed(t.Id, t.RequesterPhone)).ToListAsync(ct);
        var byCreditCode = creditCodes.Count == 0 ? []
            : await RequesterLookup.ByCreditCodes(open, creditCodes, actor).Select(t => new Keyed(t.Id, t.RequesterCreditCode!)).ToListAsync(ct);

        // The confidential tickets a notice may tell of, read once; the allowance is still spent per ticket and value.
        List<Keyed> hiddenByPhone = [], hiddenByCreditCode = [];
        if (!actor.SeesConfidentialRequesters && phones.Count > 0)
            hiddenByPhone = await RequesterLookup.HiddenByPhone(visible, phones).Select(t => new Keyed(t.Id, t.RequesterPhone)).ToListAsync(ct);
        if (!actor.SeesConfidentialRequesters && creditCodes.Count > 0)
            hiddenByCreditCode = await RequesterLookup.HiddenByCreditCodes(visible, creditCodes).Select(t => new Keyed(t.Id, t.RequesterCreditCode!)).ToListAsync(ct);

        // Similar texts: the candidates of each category family (or district) once, one row more than a ticket scores, so
        // that leaving the ticket itself out still leaves the newest MaxCandidates of the others.
        var since = clock.Now - Window;
        var shingles = new Dictionary<long, Shingles>();
        var candidates = new Dictionary<string, List<(long Id, string Number, Shingles Text)>>(StringComparer.Ordinal);
        foreach (var (_, p) in probes)
        {
            var key = CandidateKey(p);
            if (candidates.ContainsKey(key) || Shingles.Of(p.Text).Count == 0)
                continue;
            var rows = await Candidates(visible, since, p).OrderByDescending(t => t.Id).Take(MaxCandidates + 1).Select(Row).ToListAsync(ct);
            candidates[key] = rows.Select(r => (r.Id, r.Number, shingles.TryGetValue(r.Id, out var known) ? known : shingles[r.Id] = Shingles.Of(r.Text))).ToList();
        }

        var picked = new List<(string Number, List<long> SamePhone, List<long> SameCreditCode, List<(long Id, double Score)> Similar, bool Confidential)>();
        foreach (var (number, p) in probes)
        {
            var self = p.ExcludeId!.Value;
            var samePhone = Newest(byPhone, p.Phone, self);
            var sameCreditCode = Newest(byCreditCode, p.CreditCode, self);
            var confidential = (p.Phone is not null && await notices.MayTellAsync(actor, $"phone:{p.Phone}", ct) && AnyOther(hiddenByPhone, p.Phone, self))
                || (p.CreditCode is not null && await notices.MayTellAsync(actor, $"credit:{p.CreditCode}", ct) && AnyOther(hiddenByCreditCode, p.CreditCode, self));
            var draft = Shingles.Of(p.Text);
            List<(long Id, double Score)> similar = [];
            if (draft.Count > 0)
            {
                var scanned = candidates[CandidateKey(p)].Where(c => c.Id != self).Take(MaxCandidates).ToList();
                var listedIds = samePhone.Concat(sameCreditCode).ToHashSet();
                similar = Best(draft, scanned, scanned.Where(c => listedIds.Contains(c.Id)).Select(c => c.Number).ToHashSet(StringComparer.Ordinal));
            }
            picked.Add((number, samePhone, sameCreditCode, similar, confidential));
        }

        // Every ticket shown, as list rows masked as in the ticket list, in one read.
        var ids = picked.SelectMany(x => x.SamePhone.Concat(x.SameCreditCode).Concat(x.Similar.Select(s => s.Id))).Distinct().ToList();
        var summaries = ids.Count == 0 ? []
            : (await TicketSearch.SummariesAsync(db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id)), actor, ct)).ToDictionary(r => r.Id, r => r.Summary);
        foreach (var x in picked)
        {
            result[x.Number] = new DuplicateHintsView(
                x.SamePhone.Select(id => summaries[id]).ToList(), x.SameCreditCode.Select(id => summaries[id]).ToList(),
                x.Similar.Select(s => new SimilarTicket(summaries[s.Id], Math.Round(s.Score, 3))).ToList(), x.Confidential);
        }
        return result;
    }

    private sealed record Keyed(long Id, string Key);

    private static List<long> Newest(List<Keyed> rows, string? key, long self) =>
        key is null ? [] : rows.Where(r => r.Key == key && r.Id != self).Select(r => r.Id).OrderDescending().Take(MaxSameRequester).ToList();

    private static bool AnyOther(List<Keyed> rows, string key, long self) => rows.Any(r => r.Key == key && r.Id != self);

    private static bool HidesRequester(Ticket t, Actor actor) => t.RequesterConfidential && !actor.SeesConfidentialRequesters;

    private sealed record Probe(long? ExcludeId, string? Phone, string? CreditCode, string Text, string? Category, string? District);

    private static Probe ProbeOf(Ticket t) =>
        new(t.Id, Blank(t.RequesterPhone), t.RequesterCreditCode, $"{t.Title} {t.Description}", Blank(t.CategoryCode), t.DistrictCode);

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
            var candidates = Candidates(visible, clock.Now - Window, p);
            if (hiddenRequester)
                candidates = candidates.Where(t => t.RequesterPhone != p.Phone && (p.CreditCode == null || t.RequesterCreditCode != p.CreditCode));

            // Bounded: only the newest MaxCandidates tickets of the window are scored, so a busy month costs the same as a quiet one.
            var rows = await candidates.OrderByDescending(t => t.Id).Take(MaxCandidates).Select(Row).ToListAsync(ct);
            var best = Best(draft, rows.Select(r => (r.Id, r.Number, Shingles.Of(r.Text))), listed);
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

    /// <summary>The similarity scan's candidates for a probe: the window's tickets of its category family, else of its district.</summary>
    private IQueryable<Ticket> Candidates(IQueryable<Ticket> visible, DateTimeOffset since, Probe p)
    {
        var candidates = visible.Where(t => t.RegisteredAt >= since);
        if (FamilyOf(p.Category) is { } codes)
            return candidates.Where(t => codes.Contains(t.CategoryCode));
        return p.District is null ? candidates : candidates.Where(t => t.DistrictCode == p.District);
    }

    /// <summary>The same category family: the category's parent and all its children; null for no (known) category.</summary>
    private List<string>? FamilyOf(string? categoryCode)
    {
        if (categoryCode is null || reference.Categories.GetValueOrDefault(categoryCode) is not { } category)
            return null;
        var root = category.ParentCode ?? category.Code;
        return reference.Categories.Values.Where(c => c.Code == root || c.ParentCode == root).Select(c => c.Code).ToList();
    }

    /// <summary>Probes with the same key read the same candidates.</summary>
    private string CandidateKey(Probe p) =>
        FamilyOf(p.Category) is { } codes ? "c:" + string.Join(',', codes) : p.District is null ? "" : "d:" + p.District;

    /// <summary>The most similar candidates at or above the threshold, best first, leaving out those already listed by requester.</summary>
    private static List<(long Id, double Score)> Best(Shingles draft, IEnumerable<(long Id, string Number, Shingles Text)> candidates, HashSet<string> listed) =>
        candidates
            .Where(r => !listed.Contains(r.Number))
            .Select(r => (r.Id, Score: TextSimilarity.Compare(draft, r.Text)))
            .Where(x => x.Score >= SimilarityThreshold)
            .OrderByDescending(x => x.Score).ThenByDescending(x => x.Id)
            .Take(MaxSimilar)
            .ToList();

    private sealed record CandidateRow(long Id, string Number, string Title, string Description)
    {
        public string Text => $"{Title} {Description}";
    }

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
