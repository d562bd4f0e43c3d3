using System.ComponentModel.DataAnnotations;
using Hotline.Domain.Routing;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Routing;

public sealed class RoutingOptions
{
    public const string Section = "Routing";

    /// <summary>Dispatch on registration when the best proposal is at least this confident (off by default: a dispatcher confirms).</summary>
    public bool AutoDispatch { get; set; }

    [Range(0.0, 1.0)]
    public double AutoDispatchMinConfidence { get; set; } = 0.5; // a specific category plus one keyword, or category plus district
}

/// <summary>A proposal as the API shows it: department names and whether the enterprise-service desk takes it.</summary>
public sealed record ProposalView(
    string DepartmentCode, string DepartmentName, bool EnterpriseDesk, IReadOnlyList<string> CoHandlingDepartmentCodes,
    string? RuleCode, string Reason, int Score, double Confidence);

/// <summary>
/// The enabled routing rules in memory (every registration is scored against them) and the proposals for a ticket.
/// Rules change only through <see cref="RoutingApi"/> or the seed, which refresh this cache.
/// </summary>
public sealed class TicketRouting(IDbContextFactory<HotlineDbContext> contexts, ReferenceData reference, IOptions<RoutingOptions> options)
{
    private IReadOnlyList<RoutingRule> rules = [];

    public IReadOnlyList<RoutingRule> Rules => rules;

    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        rules = (await db.RoutingRules.AsNoTracking().OrderBy(r => r.Priority).ThenBy(r => r.Code).ToListAsync(ct)).Select(r => r.ToRule()).ToList();
    }

    public IReadOnlyList<RoutingProposal> Propose(TicketDraft draft)
    {
        var category = reference.Categories[draft.CategoryCode];
        return TicketRouter.Propose(new RoutingInput(draft, category.ParentCode, category.DepartmentCode), rules);
    }

    /// <summary>The proposal to dispatch to at once, when the switch is on and the best proposal is confident enough.</summary>
    public RoutingProposal? AutoDispatchTarget(TicketDraft draft)
    {
        if (!options.Value.AutoDispatch)
            return null;
        var proposals = Propose(draft);
        var best = proposals.Count > 0 ? proposals[0] : null;
        return best is not null && best.RuleCode is not null && best.Confidence >= options.Value.AutoDispatchMinConfidence ? best : null;
    }

    /// <summary>
    /// The proposals for a registered ticket, best first, as every screen shows them (the routing API, the dispatch desk,
    /// the ticket page): a ticket reopened for rectification (整改) proposes the department that answered it first.
    /// </summary>
    public IReadOnlyList<ProposalView> ProposalsFor(Ticket ticket) =>
        Domain.Tickets.RatingRules.ProposeAgain(ticket, Propose(DraftOf(ticket))).Select(p => View(p, ticket.RequesterKind)).ToList();

    /// <summary>The ticket as routing sees a registration.</summary>
    private static TicketDraft DraftOf(Ticket t) => new()
    {
        Type = t.Type, Channel = t.Channel, Priority = t.Priority, Requester = t.Requester, Title = t.Title, Description = t.Description,
        CategoryCode = t.CategoryCode, DistrictCode = t.DistrictCode, Address = t.Address, Tags = t.Tags,
    };

    public ProposalView View(RoutingProposal p, RequesterKind requester)
    {
        var department = reference.Departments.GetValueOrDefault(p.DepartmentCode);
        return new ProposalView(p.DepartmentCode, reference.DepartmentName(p.DepartmentCode),
            requester == RequesterKind.Enterprise && department?.HasEnterpriseDesk == true,
            p.CoHandlingDepartmentCodes.ToValueList(), p.RuleCode, p.Reason, p.Score, p.Confidence);
    }
}
