using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

public class TicketChangeValidationTests
{
    private static readonly string Long = new('字', TicketChange.MaxText + 1);
    private static readonly string Longest = new('字', TicketChange.MaxText);

    private static IReadOnlyList<FieldError> Validate(TicketChange change) => change.Validate(Given.Codes);

    private static void AssertErrors(TicketChange change, params (string Field, string Code)[] expected) =>
        Assert.Equal(expected, Validate(change).Select(e => (e.Field, e.Code)));

    [Fact]
    public void An_answer_at_intake_needs_the_answer()
    {
        AssertErrors(new ResolvedAtIntake(" "), ("answer", ErrorCodes.Required));
        AssertErrors(new ResolvedAtIntake("已告知"));
    }

    [Fact]
    public void A_dispatch_needs_a_known_department()
    {
        AssertErrors(new Dispatched("", null), ("departmentCode", ErrorCodes.Required));
        AssertErrors(new Dispatched("gaj", null), ("departmentCode", ErrorCodes.UnknownDepartment));
        Assert.Equal(["gaj"], Assert.Single(Validate(new Dispatched("gaj", null))).Arguments);
        AssertErrors(new Dispatched(Given.MarketRegulation, null));
        AssertErrors(new Dispatched(Given.MarketRegulation, ""));
    }

    [Fact]
    public void Signing_for_needs_nothing()
    {
        AssertErrors(new SignedFor(null));
        AssertErrors(new SignedFor("收到"));
    }

    [Fact]
    public void A_return_needs_a_reason_and_an_explanation()
    {
        AssertErrors(new Returned(null, ""), ("reason", ErrorCodes.Required), ("explanation", ErrorCodes.Required));
        AssertErrors(new Returned(ReturnReason.Other, "  "), ("explanation", ErrorCodes.Required));
        AssertErrors(new Returned(null, "不是我们的"), ("reason", ErrorCodes.Required));
        AssertErrors(new Returned(ReturnReason.IncompleteInformation, "缺少地址"));
    }

    [Fact]
    public void A_reply_needs_a_result_and_a_resolution()
    {
        AssertErrors(new Replied(null, "", null), ("result", ErrorCodes.Required), ("resolution", ErrorCodes.Required));
        AssertErrors(new Replied(ReplyResult.Resolved, "已处理", null));
    }

    [Fact]
    public void An_explained_reply_must_cite_its_legal_basis()
    {
        AssertErrors(new Replied(ReplyResult.Explained, "无法办理", null), ("legalBasis", ErrorCodes.Required));
        AssertErrors(new Replied(ReplyResult.Explained, "无法办理", " "), ("legalBasis", ErrorCodes.Required));
        AssertErrors(new Replied(ReplyResult.Explained, "无法办理", "《食品安全法》第三十四条"));
    }

    [Theory]
    [InlineData(ReplyResult.Resolved)]
    [InlineData(ReplyResult.PartiallyResolved)]
    [InlineData(ReplyResult.Duplicate)]
    public void Other_replies_may_omit_the_legal_basis(ReplyResult result) =>
        AssertErrors(new Replied(result, "已答复", null));

    [Fact]
    public void Closing_needs_nothing() =>
        AssertErrors(new Closed(null));

    [Fact]
    public void A_reopen_needs_a_reason()
    {
        AssertErrors(new Reopened(""), ("reason", ErrorCodes.Required));
        AssertErrors(new Reopened("市民不满意"));
    }

    public static TheoryData<TicketChange, string> ChangesWithOverlongText() => new()
    {
        { new ResolvedAtIntake(Long), "answer" },
        { new Dispatched(Given.MarketRegulation, Long), "instructions" },
        { new SignedFor(Long), "note" },
        { new Returned(ReturnReason.Other, Long), "explanation" },
        { new Replied(ReplyResult.Resolved, Long, null), "resolution" },
        { new Replied(ReplyResult.Resolved, "已处理", Long), "legalBasis" },
        { new Replied(ReplyResult.Explained, "无法办理", Long), "legalBasis" },
        { new Closed(Long), "note" },
        { new Reopened(Long), "reason" },
    };

    [Theory]
    [MemberData(nameof(ChangesWithOverlongText))]
    public void Text_over_4000_characters_is_too_long(TicketChange change, string field)
    {
        var error = Assert.Single(Validate(change));

        Assert.Equal((field, ErrorCodes.TooLong), (error.Field, error.Code));
        Assert.Equal([TicketChange.MaxText], error.Arguments);
    }

    [Fact]
    public void Text_of_exactly_4000_characters_is_accepted()
    {
        AssertErrors(new ResolvedAtIntake(Longest));
        AssertErrors(new Dispatched(Given.MarketRegulation, Longest));
        AssertErrors(new Returned(ReturnReason.Other, Longest));
        AssertErrors(new Replied(ReplyResult.Explained, Longest, Longest));
        AssertErrors(new Reopened(Longest));
        AssertErrors(new Closed(Longest));
    }

    // Department workflow

    private sealed class CodesWithEnterpriseDesk : IReferenceCodes
    {
        public bool IsCategory(string code) => Given.Codes.IsCategory(code);
        public bool IsDistrict(string code) => Given.Codes.IsDistrict(code);
        public bool IsDepartment(string code) => Given.Codes.IsDepartment(code);
        public bool HasEnterpriseDesk(string departmentCode) => departmentCode == Given.MarketRegulation;
    }

    [Fact]
    public void The_enterprise_desk_needs_a_department_that_runs_one()
    {
        var codes = new CodesWithEnterpriseDesk();

        Assert.Empty(new Dispatched(Given.MarketRegulation, null, EnterpriseDesk: true).Validate(codes));
        var error = Assert.Single(new Dispatched(Given.HousingBureau, null, EnterpriseDesk: true).Validate(codes));
        Assert.Equal(("enterpriseDesk", ErrorCodes.NoEnterpriseDesk), (error.Field, error.Code));
        Assert.Equal([Given.HousingBureau], error.Arguments);
        Assert.Empty(new Dispatched(Given.HousingBureau, null, EnterpriseDesk: false).Validate(codes));
    }

    [Fact]
    public void Without_reference_data_no_department_runs_an_enterprise_desk() =>
        AssertErrors(new Dispatched(Given.MarketRegulation, null, EnterpriseDesk: true), ("enterpriseDesk", ErrorCodes.NoEnterpriseDesk));

    [Fact]
    public void Co_handlers_must_be_known_departments()
    {
        AssertErrors(new Dispatched(Given.MarketRegulation, null, CoHandlingDepartmentCodes: [Given.HousingBureau]));
        AssertErrors(new Dispatched(Given.MarketRegulation, null, CoHandlingDepartmentCodes: []));
        AssertErrors(new Dispatched(Given.MarketRegulation, null, CoHandlingDepartmentCodes: [Given.HousingBureau, "gaj"]),
            ("coHandlingDepartmentCodes[1]", ErrorCodes.UnknownDepartment));
    }

    [Fact]
    public void A_co_handler_is_neither_the_main_department_nor_named_twice()
    {
        AssertErrors(new Dispatched(Given.MarketRegulation, null, CoHandlingDepartmentCodes: [Given.MarketRegulation]),
            ("coHandlingDepartmentCodes[0]", ErrorCodes.DuplicateDepartment));
        AssertErrors(new Dispatched(Given.MarketRegulation, null, CoHandlingDepartmentCodes: [Given.HousingBureau, Given.HousingBureau]),
            ("coHandlingDepartmentCodes[1]", ErrorCodes.DuplicateDepartment));
        Assert.Equal([Given.HousingBureau],
            Assert.Single(Validate(new Dispatched(Given.MarketRegulation, null, CoHandlingDepartmentCodes: [Given.HousingBureau, Given.HousingBureau]))).Arguments);
    }

    [Fact]
    public void Progress_and_contributions_need_their_text()
    {
        AssertErrors(new ProgressAdded(" "), ("note", ErrorCodes.Required));
        AssertErrors(new ProgressAdded("已约谈"));
        AssertErrors(new CoHandlingContributed("", ""), ("contribution", ErrorCodes.Required));
        AssertErrors(new CoHandlingContributed("", "无违建"));
    }

    [Fact]
    public void A_contribution_is_recorded_under_the_actors_department_whatever_the_caller_sent()
    {
        var ticket = Ticket.Register("HL20261122000123", Given.Draft(), Given.Agent, Given.Morning).Ticket;

        var completed = new CoHandlingContributed(Given.MarketRegulation, "无违建").Complete(ticket, Given.HousingHandler);

        Assert.Equal(new CoHandlingContributed(Given.HousingBureau, "无违建"), completed);
    }

    [Fact]
    public void An_extension_request_needs_a_reason_and_a_deadline()
    {
        AssertErrors(new ExtensionRequested("", null), ("reason", ErrorCodes.Required), ("requestedDeadline", ErrorCodes.Required));
        AssertErrors(new ExtensionRequested("需送检", Given.Morning.AddDays(5)));
    }

    [Fact]
    public void An_extension_decision_needs_a_verdict_and_a_rejection_says_why()
    {
        AssertErrors(new ExtensionDecided(null, null, null), ("approved", ErrorCodes.Required));
        AssertErrors(new ExtensionDecided(false, null, null), ("comment", ErrorCodes.Required));
        AssertErrors(new ExtensionDecided(false, "  ", null), ("comment", ErrorCodes.Required));
        AssertErrors(new ExtensionDecided(false, "理由不充分", null));
        AssertErrors(new ExtensionDecided(true, null, null));
        AssertErrors(new ExtensionDecided(true, "同意", Given.Morning.AddDays(5)));
    }

    [Fact]
    public void A_supervision_order_needs_instructions_and_a_due_date()
    {
        AssertErrors(new SupervisionRaised(0, "", null), ("instructions", ErrorCodes.Required), ("dueAt", ErrorCodes.Required));
        AssertErrors(new SupervisionRaised(0, "请尽快办理", Given.Morning.AddDays(1)));
    }

    [Fact]
    public void A_supervision_answer_names_its_order()
    {
        AssertErrors(new SupervisionAnswered(null, ""), ("orderNumber", ErrorCodes.Required), ("answer", ErrorCodes.Required));
        AssertErrors(new SupervisionAnswered(null, "已办理"), ("orderNumber", ErrorCodes.Required));
        AssertErrors(new SupervisionAnswered(1, "已办理"));
    }

    [Fact]
    public void Escalation_and_leader_instructions_need_their_text()
    {
        AssertErrors(new EscalatedToLeader(""), ("reason", ErrorCodes.Required));
        AssertErrors(new EscalatedToLeader("久拖不决"));
        AssertErrors(new LeaderInstructed(0, "", null), ("instructions", ErrorCodes.Required), ("dueAt", ErrorCodes.Required));
        AssertErrors(new LeaderInstructed(0, "限期办结", Given.Morning.AddDays(3)));
    }

    [Theory]
    [InlineData("HL20261122000100", null)]
    [InlineData("", ErrorCodes.Required)]
    [InlineData("  ", ErrorCodes.Required)]
    [InlineData("HL2026112200010", ErrorCodes.InvalidTicketNumber)]   // too short
    [InlineData("hl20261122000100", ErrorCodes.InvalidTicketNumber)]  // lowercase prefix
    [InlineData("HL20261322000100", ErrorCodes.InvalidTicketNumber)]  // month 13
    [InlineData("HL20261122000000", ErrorCodes.InvalidTicketNumber)]  // sequence 0
    [InlineData("HL2026112200010X", ErrorCodes.InvalidTicketNumber)]
    public void A_duplicate_names_a_well_formed_master_number(string master, string? code)
    {
        if (code is null)
            AssertErrors(new MarkedDuplicate(master));
        else
            AssertErrors(new MarkedDuplicate(master), ("masterNumber", code));
    }

    public static TheoryData<TicketChange, string> WorkflowChangesWithOverlongText() => new()
    {
        { new Dispatched(Given.MarketRegulation, Long, CoHandlingDepartmentCodes: [Given.HousingBureau]), "instructions" },
        { new ProgressAdded(Long), "note" },
        { new CoHandlingContributed("", Long), "contribution" },
        { new ExtensionRequested(Long, Given.Morning), "reason" },
        { new ExtensionDecided(true, Long, null), "comment" },
        { new ExtensionDecided(false, Long, null), "comment" },
        { new SupervisionRaised(0, Long, Given.Morning), "instructions" },
        { new SupervisionAnswered(1, Long), "answer" },
        { new EscalatedToLeader(Long), "reason" },
        { new LeaderInstructed(0, Long, Given.Morning), "instructions" },
    };

    [Theory]
    [MemberData(nameof(WorkflowChangesWithOverlongText))]
    public void Workflow_text_over_4000_characters_is_too_long(TicketChange change, string field)
    {
        var error = Assert.Single(Validate(change));

        Assert.Equal((field, ErrorCodes.TooLong), (error.Field, error.Code));
    }
}
