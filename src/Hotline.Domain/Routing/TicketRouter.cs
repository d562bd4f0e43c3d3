using Hotline.Domain.Tickets;

namespace Hotline.Domain.Routing;

/// <summary>What the router knows about a ticket: its draft and where its category sits in the tree.</summary>
public sealed record RoutingInput(TicketDraft Draft, string? ParentCategoryCode, string CategoryDefaultDepartment);

/// <summary>
/// One proposed department with why: the rule that matched (null for the category's default department), a score, and
/// a confidence between 0 and 1 that the auto-dispatch switch compares with its threshold.
/// </summary>
public sealed record RoutingProposal(
    string DepartmentCode,
    IReadOnlyList<string> CoHandlingDepartmentCodes,
    string? RuleCode,
    string Reason,
    int Score,
    double Confidence);

/// <summary>
/// Scores every enabled rule against a ticket. A rule matches when all its criteria do; its score grows with how
/// specific the match is (a leaf category beats a parent, keywords and district add evidence). The category's default
/// department is always a candidate, so there is a proposal even when no rule matches.
/// </summary>
public static class TicketRouter
{
    public const int LeafCategoryScore = 40;
    public const int ParentCategoryScore = 30;
    public const int DistrictScore = 20;
    public const int KeywordScore = 15;
    public const int MaxKeywordScore = 30;
    public const int TypeScore = 10;
    public const int RequesterKindScore = 10;
    public const int CategoryDefaultScore = 25;

    /// <summary>The highest score a rule can reach; confidence is a score over this.</summary>
    public const int MaxScore = LeafCategoryScore + DistrictScore + MaxKeywordScore + TypeScore + RequesterKindScore;

    public static IReadOnlyList<RoutingProposal> Propose(RoutingInput input, IEnumerable<RoutingRule> rules, int take = 3)
    {
        var candidates = new List<(RoutingProposal Proposal, int Priority)>
        {
            (new RoutingProposal(input.CategoryDefaultDepartment, [], null, "CategoryDefault", CategoryDefaultScore, Confidence(CategoryDefaultScore)), int.MaxValue),
        };
        foreach (var rule in rules.Where(r => r.Enabled))
        {
            if (Score(rule, input) is { } score)
                candidates.Add((new RoutingProposal(rule.MainDepartmentCode, rule.CoHandlingDepartmentCodes, rule.Code, rule.Name, score, Confidence(score)), rule.Priority));
        }

        // One proposal per department: its best-scoring reason.
        return candidates
            .OrderByDescending(c => c.Proposal.Score)
            .ThenBy(c => c.Priority)
            .ThenBy(c => c.Proposal.RuleCode, StringComparer.Ordinal)
            .GroupBy(c => c.Proposal.DepartmentCode)
            .Select(g => g.First().Proposal)
            .Take(take)
            .ToList();
    }

    /// <summary>The rule's score for this ticket, or null when any criterion fails.</summary>
    public static int? Score(RoutingRule rule, RoutingInput input)
    {
        var draft = input.Draft;
        var score = 0;
        if (rule.CategoryCode is not null)
        {
            if (rule.CategoryCode == draft.CategoryCode)
                score += LeafCategoryScore;
            else if (rule.CategoryCode == input.ParentCategoryCode)
                score += ParentCategoryScore;
            else
                return null;
        }
        if (rule.DistrictCode is not null)
        {
            if (rule.DistrictCode != draft.DistrictCode)
                return null;
            score += DistrictScore;
        }
        if (rule.TicketType is not null)
        {
            if (rule.TicketType != draft.Type)
                return null;
            score += TypeScore;
        }
        if (rule.RequesterKind is not null)
        {
            if (rule.RequesterKind != draft.Requester.Kind)
                return null;
            score += RequesterKindScore;
        }
        if (rule.Keywords.Count > 0)
        {
            var hits = rule.Keywords.Count(k => draft.Title.Contains(k, StringComparison.OrdinalIgnoreCase) || draft.Description.Contains(k, StringComparison.OrdinalIgnoreCase));
            if (hits == 0)
                return null;
            score += Math.Min(hits * KeywordScore, MaxKeywordScore);
        }
        return score;
    }

    private static double Confidence(int score) => Math.Round(Math.Min(1.0, (double)score / MaxScore), 2);
}
