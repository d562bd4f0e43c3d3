using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Tickets;

/// <summary>
/// 来电历史: a caller's earlier tickets by phone, newest first, whatever their status, as the viewer may see them
/// (confidential requesters masked). Read through the requester-phone index; a landline matches with or without its dash.
/// </summary>
public sealed class CallerHistory(IDbContextFactory<HotlineDbContext> contexts, ConfidentialNotices notices)
{
    public const int MaxTickets = 20;

    /// <summary>The caller's tickets the viewer may find by phone (never a confidential reporter's for a viewer who sees them masked).</summary>
    public async Task<IReadOnlyList<TicketSummary>> ForPhoneAsync(string phone, Actor viewer, CancellationToken ct, int max = MaxTickets)
    {
        var variants = PhoneNumbers.Variants(phone);
        if (variants.Count == 0)
            return [];
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = RequesterLookup.ByPhone(TicketService.VisibleTo(db.Tickets.AsNoTracking(), viewer), variants, viewer);
        return (await TicketSearch.SummariesAsync(query.OrderByDescending(t => t.Id).Take(max), viewer, ct)).Select(r => r.Summary).ToList();
    }

    /// <summary>Whether to tell the viewer that this caller has a confidential earlier matter they cannot see (see <see cref="ConfidentialNotices"/>).</summary>
    public async Task<bool> HasConfidentialMatterAsync(string phone, Actor viewer, CancellationToken ct)
    {
        var variants = PhoneNumbers.Variants(phone);
        if (variants.Count == 0 || viewer.SeesConfidentialRequesters)
            return false;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await notices.ExistsAsync(viewer, $"phone:{variants[0]}",
            RequesterLookup.HiddenByPhone(TicketService.VisibleTo(db.Tickets.AsNoTracking(), viewer), variants), ct);
    }

    /// <summary>
    /// 老来电人: who this number was on their latest ticket (name, requester type, credit code, contact person, email), for
    /// the agent to take over with one key. Only from a ticket the viewer may find by phone: a confidential reporter's
    /// details are never offered to a role that sees them masked (their ticket is not a match at all).
    /// </summary>
    public async Task<RequesterSuggestion?> LastRequesterAsync(string phone, Actor viewer, CancellationToken ct)
    {
        var variants = PhoneNumbers.Variants(phone);
        if (variants.Count == 0)
            return null;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await RequesterLookup.ByPhone(TicketService.VisibleTo(db.Tickets.AsNoTracking(), viewer), variants, viewer).OrderByDescending(t => t.Id)
            .Select(t => new RequesterSuggestion(t.Number, t.RequesterKind, t.RequesterName, t.RequesterCreditCode, t.RequesterContactPerson,
                t.RequesterEmail, t.RequesterConfidential))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>An enterprise's tickets by its 统一社会信用代码, newest first (the enterprise library's view of it).</summary>
    public async Task<IReadOnlyList<TicketSummary>> ForCreditCodeAsync(string creditCode, Actor viewer, CancellationToken ct, int max = MaxTickets)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = RequesterLookup.ByCreditCode(TicketService.VisibleTo(db.Tickets.AsNoTracking(), viewer), creditCode, viewer);
        return (await TicketSearch.SummariesAsync(query.OrderByDescending(t => t.Id).Take(max), viewer, ct)).Select(r => r.Summary).ToList();
    }

    /// <summary>The tickets this person registered (首问负责: "my tickets"), newest first.</summary>
    public async Task<IReadOnlyList<TicketSummary>> RegisteredByAsync(Actor owner, int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = TicketService.VisibleTo(db.Tickets.AsNoTracking(), owner).Where(TicketLists.RegisteredBy(owner));
        return (await TicketSearch.SummariesAsync(query.OrderByDescending(t => t.Id).Take(max), owner, ct)).Select(r => r.Summary).ToList();
    }
}

/// <summary>The caller as their latest ticket had them: what the agent console offers to fill in.</summary>
public sealed record RequesterSuggestion(
    string FromNumber, RequesterKind Kind, string Name, string? CreditCode, string? ContactPerson, string? Email, bool Confidential);

/// <summary>Phone numbers as telephony systems send them (+86, 0086, landlines without a dash) and as agents type them.</summary>
public static class PhoneNumbers
{
    /// <summary>
    /// The caller's number in the form tickets store it: country prefix and spaces removed. Null when what is left is
    /// not a mainland mobile or landline number (<see cref="TicketDraftValidator.IsPhone"/>).
    /// </summary>
    public static string? Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return null;
        var s = new string(raw.Where(c => c is (>= '0' and <= '9') or '-' or '+').ToArray());
        if (s.StartsWith("+86", StringComparison.Ordinal))
            s = s[3..];
        else if (s.StartsWith("0086", StringComparison.Ordinal))
            s = s[4..];
        s = s.TrimStart('-');
        if (s.Length == 13 && s.StartsWith("86", StringComparison.Ordinal) && s[2] == '1')
            s = s[2..];
        return TicketDraftValidator.IsPhone(s) ? s : null;
    }

    /// <summary>The forms one number may be stored in: a landline with and without the dash after its area code.</summary>
    public static IReadOnlyList<string> Variants(string? raw)
    {
        if (Normalize(raw) is not { } phone)
            return [];
        if (phone[0] != '0')
            return [phone];
        var digits = phone.Replace("-", "", StringComparison.Ordinal);
        // 010 and 02x are three-digit area codes; the others have four.
        var area = digits[1] is '1' or '2' ? 3 : 4;
        return [digits, $"{digits[..area]}-{digits[area..]}"];
    }
}
