using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Tickets;

/// <summary>
/// 按诉求人查找: the one place that decides which tickets a viewer may find through a requester's phone, credit code,
/// name or email. A confidential requester (举报人) is never matched for a viewer who sees them masked: the condition is
/// part of the query, so the page, its counts and its order are those of a search in which the confidential tickets do
/// not exist (trying the hidden digits of <c>139****5566</c> finds nothing). Every search, duplicate hint and caller
/// history that matches on requester fields goes through here; a test walks them all.
/// </summary>
public static class RequesterLookup
{
    /// <summary>The tickets a viewer may find by requester fields: all of them for those who see confidential requesters unmasked.</summary>
    public static IQueryable<Ticket> Searchable(IQueryable<Ticket> visible, Actor viewer) =>
        viewer.SeesConfidentialRequesters ? visible : visible.Where(t => !t.RequesterConfidential);

    public static IQueryable<Ticket> ByPhone(IQueryable<Ticket> visible, IReadOnlyCollection<string> phones, Actor viewer) =>
        Searchable(visible, viewer).Where(t => phones.Contains(t.RequesterPhone));

    public static IQueryable<Ticket> ByCreditCode(IQueryable<Ticket> visible, string creditCode, Actor viewer) =>
        Searchable(visible, viewer).Where(t => t.RequesterCreditCode == creditCode);

    /// <summary>Several credit codes at once (the dispatch desk's duplicate hints for a page of tickets).</summary>
    public static IQueryable<Ticket> ByCreditCodes(IQueryable<Ticket> visible, IReadOnlyCollection<string> creditCodes, Actor viewer) =>
        Searchable(visible, viewer).Where(t => creditCodes.Contains(t.RequesterCreditCode!));

    /// <summary>A requester's whole name or its start, as a range of the name index.</summary>
    public static IQueryable<Ticket> ByNamePrefix(IQueryable<Ticket> visible, string name, Actor viewer)
    {
        var end = name + '\uffff';
#pragma warning disable CA1309 // translated to SQL (a range of the name index), never compared in .NET
        return Searchable(visible, viewer).Where(t => string.Compare(t.RequesterName, name) >= 0 && string.Compare(t.RequesterName, end) < 0);
#pragma warning restore CA1309
    }

    /// <summary>The confidential tickets a viewer's phone lookup left out (only ever asked through <see cref="ConfidentialNotices"/>).</summary>
    public static IQueryable<Ticket> HiddenByPhone(IQueryable<Ticket> visible, IReadOnlyCollection<string> phones) =>
        visible.Where(t => t.RequesterConfidential && phones.Contains(t.RequesterPhone));

    public static IQueryable<Ticket> HiddenByCreditCode(IQueryable<Ticket> visible, string creditCode) =>
        visible.Where(t => t.RequesterConfidential && t.RequesterCreditCode == creditCode);

    public static IQueryable<Ticket> HiddenByCreditCodes(IQueryable<Ticket> visible, IReadOnlyCollection<string> creditCodes) =>
        visible.Where(t => t.RequesterConfidential && creditCodes.Contains(t.RequesterCreditCode!));
}

/// <summary>
/// Tells a viewer who sees confidential reporters masked that a confidential earlier matter exists for the phone or
/// credit code they look up (a caller's history, duplicate hints), and nothing more: no number, no count. Each person may
/// look up a limited number of distinct values an hour (<see cref="Security.SecurityOptions.ConfidentialNoticesPerHour"/>)
/// and still hear it; the allowance is spent by every lookup, found or not, so the notice cannot be used to try out
/// the hidden digits of a masked number. Past it the notice is withheld and a warning logged. The allowance is kept by
/// <see cref="Security.ILookupAllowance"/>: in memory on one node, in Redis across several.
/// </summary>
public sealed class ConfidentialNotices(IOptions<Security.SecurityOptions> options, Security.ILookupAllowance allowance, ILogger<ConfidentialNotices> logger)
{
    /// <summary>Whether to tell <paramref name="viewer"/> that <paramref name="hidden"/> has a ticket; spends the allowance first.</summary>
    public async Task<bool> ExistsAsync(Actor viewer, string probe, IQueryable<Ticket> hidden, CancellationToken ct) =>
        await MayTellAsync(viewer, probe, ct) && await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(hidden, ct);

    /// <summary>
    /// Whether <paramref name="viewer"/> may hear of a hidden ticket for <paramref name="probe"/>: spends the allowance first,
    /// as <see cref="ExistsAsync"/> does, for a caller that read the hidden tickets of many values at once.
    /// </summary>
    public async Task<bool> MayTellAsync(Actor viewer, string probe, CancellationToken ct)
    {
        if (viewer.SeesConfidentialRequesters)
            return false;
        var limit = options.Value.ConfidentialNoticesPerHour;
        if (await allowance.SpendAsync(viewer.Id, probe, limit, ct))
            return true;
        logger.LogWarning("User {UserId} looked up more than {Limit} requesters in an hour; confidential notices withheld", viewer.Id, limit);
        return false;
    }
}
