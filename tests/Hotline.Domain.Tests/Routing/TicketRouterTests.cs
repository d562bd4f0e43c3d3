using Hotline.Domain.Routing;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests.Routing;

public sealed class TicketRouterTests
{
    private static TicketDraft Draft(string category = "um-street-vending", string? district = "tianning", TicketType type = TicketType.Complaint,
        RequesterKind kind = RequesterKind.Citizen, string title = "小区门口占道经营", string description = "每天晚上有摊贩占道经营。") => new()
    {
        Type = type,
        Channel = Channel.Phone,
        Priority = Priority.Normal,
        Requester = new Requester { Kind = kind, Name = "张三", Phone = "13812345678" },
        Title = title,
        Description = description,
        CategoryCode = category,
        DistrictCode = district,
    };

    private static RoutingInput Input(TicketDraft draft, string? parent = "urban-management", string defaultDepartment = "cgj") =>
        new(draft, parent, defaultDepartment);

    private static RoutingRule Rule(string code, string department, string? category = null, string? district = null, TicketType? type = null,
        RequesterKind? kind = null, string[]? keywords = null, int priority = 100, bool enabled = true) => new()
    {
        Code = code, Name = code, MainDepartmentCode = department, CategoryCode = category, DistrictCode = district, TicketType = type,
        RequesterKind = kind, Keywords = keywords ?? [], Priority = priority, Enabled = enabled,
    };

    [Fact]
    public void Without_matching_rules_the_category_default_department_is_proposed()
    {
        var proposals = TicketRouter.Propose(Input(Draft()), [Rule("other", "sthj", category: "environment")]);

        var only = Assert.Single(proposals);
        Assert.Equal("cgj", only.DepartmentCode);
        Assert.Null(only.RuleCode);
        Assert.Equal(TicketRouter.CategoryDefaultScore, only.Score);
    }

    [Fact]
    public void A_rule_matches_only_when_every_criterion_it_names_matches()
    {
        var input = Input(Draft());
        Assert.NotNull(TicketRouter.Score(Rule("r", "x", category: "um-street-vending", district: "tianning"), input));
        Assert.Null(TicketRouter.Score(Rule("r", "x", category: "um-street-vending", district: "xinbei"), input));
        Assert.Null(TicketRouter.Score(Rule("r", "x", category: "um-street-vending", type: TicketType.Report), input));
        Assert.Null(TicketRouter.Score(Rule("r", "x", category: "um-street-vending", kind: RequesterKind.Enterprise), input));
        Assert.Null(TicketRouter.Score(Rule("r", "x", category: "um-street-vending", keywords: ["噪音"]), input));
        Assert.Null(TicketRouter.Score(Rule("r", "x", category: "environment"), input));
    }

    [Fact]
    public void A_leaf_category_scores_higher_than_its_parent_and_evidence_adds_up()
    {
        var input = Input(Draft(description: "夜间施工噪音，还有占道经营。"));

        Assert.Equal(TicketRouter.LeafCategoryScore, TicketRouter.Score(Rule("leaf", "x", category: "um-street-vending"), input));
        Assert.Equal(TicketRouter.ParentCategoryScore, TicketRouter.Score(Rule("parent", "x", category: "urban-management"), input));
        Assert.Equal(TicketRouter.ParentCategoryScore + TicketRouter.KeywordScore * 2,
            TicketRouter.Score(Rule("kw", "x", category: "urban-management", keywords: ["施工噪音", "占道", "违建"]), input));
        Assert.Equal(TicketRouter.ParentCategoryScore + TicketRouter.MaxKeywordScore,
            TicketRouter.Score(Rule("capped", "x", category: "urban-management", keywords: ["施工", "噪音", "占道", "夜间"]), input));
    }

    [Fact]
    public void Proposals_are_best_first_one_per_department_with_disabled_rules_ignored()
    {
        var rules = new[]
        {
            Rule("district", "tianning-gov", category: "um-street-vending", district: "tianning"),
            Rule("parent", "cgj", category: "urban-management"),
            Rule("leaf", "cgj", category: "um-street-vending"),
            Rule("off", "gaj", category: "um-street-vending", district: "tianning", keywords: ["占道"], enabled: false),
        };

        var proposals = TicketRouter.Propose(Input(Draft()), rules);

        Assert.Equal(["tianning-gov", "cgj"], proposals.Select(p => p.DepartmentCode));
        Assert.Equal("district", proposals[0].RuleCode);
        Assert.Equal("leaf", proposals[1].RuleCode);
        Assert.True(proposals[0].Confidence > proposals[1].Confidence);
    }

    [Fact]
    public void Equal_scores_are_ordered_by_rule_priority()
    {
        var rules = new[] { Rule("late", "sthj", category: "um-street-vending", priority: 50), Rule("early", "cgj", category: "um-street-vending", priority: 10) };

        var proposals = TicketRouter.Propose(Input(Draft()), rules);

        Assert.Equal("early", proposals[0].RuleCode);
    }

    [Fact]
    public void Confidence_is_the_score_over_the_highest_possible_and_never_exceeds_one()
    {
        var everything = Rule("all", "x", category: "um-street-vending", district: "tianning", type: TicketType.Complaint, kind: RequesterKind.Citizen, keywords: ["占道", "摊贩"]);

        var proposal = TicketRouter.Propose(Input(Draft()), [everything])[0];

        Assert.Equal(TicketRouter.MaxScore, proposal.Score);
        Assert.Equal(1.0, proposal.Confidence);
    }

    [Fact]
    public void A_rule_without_any_criterion_or_with_unknown_codes_is_invalid()
    {
        var codes = new Codes();
        Assert.Contains(Rule("x", "cgj").Validate(codes), e => e.Code == "NoCriteria");
        var errors = Rule("x", "nowhere", category: "nothing", district: "atlantis").Validate(codes);
        Assert.Equal(["categoryCode", "districtCode", "mainDepartmentCode"], errors.Select(e => e.Field).Order());
        Assert.Empty(Rule("ok", "cgj", category: "um-street-vending", keywords: ["占道"]).Validate(codes));
    }

    private sealed class Codes : IReferenceCodes
    {
        public bool IsCategory(string code) => code is "um-street-vending" or "urban-management";
        public bool IsDistrict(string code) => code == "tianning";
        public bool IsDepartment(string code) => code is "cgj" or "tianning-gov";
    }
}
