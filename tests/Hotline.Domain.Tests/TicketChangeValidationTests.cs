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
}
