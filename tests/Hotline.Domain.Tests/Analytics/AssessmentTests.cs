using Hotline.Domain.Analytics;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests.Analytics;

/// <summary>
/// The rates on a hand-built month of eight tickets whose answers are known: 市场监管局 (A) and 住建局 (B), with a late
/// sign-for, a return, a rectification, co-handling, an upheld appeal, a duplicate, a withdrawal, an answer at intake
/// and a ticket still waiting to be signed for.
/// </summary>
public class AssessmentTests
{
    private const string A = Given.MarketRegulation;
    private const string B = Given.HousingBureau;
    private static readonly AssessmentScheme Scheme = AssessmentScheme.Default;

    private readonly List<TicketFact> facts = [];

    public AssessmentTests()
    {
        // T1: A signs on time, answers; 满意, resolved.
        var t1 = new Story().Dispatch(A).SignFor().Reply().Rate(RatingLevel.Satisfied, true);
        // T2: A signs late (the sign-for limit passed first), answers; 基本满意, not resolved.
        var t2 = new Story().Dispatch(A).Breach(SlaClockKind.SignFor).SignFor().Reply().Rate(RatingLevel.BasicallySatisfied, false);
        // T3: A returns it in time; B signs, answers, is rated 不满意, rectifies, and is rated 满意 and resolved.
        var t3 = new Story().Dispatch(A).Return().Dispatch(B).SignFor().Reply().RateUnsatisfied()
            .Dispatch(B).SignFor().Reply().Rate(RatingLevel.Satisfied, true);
        // T4: A with B co-handling; B contributes; A answers; 不满意 overturned on A's appeal (申诉成立).
        var t4 = new Story().Dispatch(A, B).SignFor()
            .Do(new CoHandlingContributed("", "已配合现场检查。"), Story.HandlerOf(B)).Reply().RateUnsatisfied(rectify: false)
            .Do(new RatingAppealed("诉求超出职权范围"), Story.HandlerOf(A)).Do(new AppealDecided(true, "申诉成立"), Given.Supervisor);
        // T5: a duplicate of T1 (counted once, with its master).
        var t5 = new Story().Do(new MarkedDuplicate(t1.Ticket.Number), Given.Dispatcher);
        // T6: with A, then withdrawn by the requester (撤件).
        var t6 = new Story().Dispatch(A).Do(new Withdrawn("诉求人来电撤回诉求"), Given.Agent);
        // T7: answered at intake (一次办结), rated 满意.
        var t7 = new Story().Do(new ResolvedAtIntake("已告知办理流程。"), Given.Agent).Rate(RatingLevel.Satisfied, true);
        // T8: with A, not signed yet and not late: its response is not settled.
        var t8 = new Story().Dispatch(A);
        foreach (var story in new[] { t1, t2, t3, t4, t5, t6, t7, t8 })
            facts.AddRange(story.Facts());
    }

    private FactMeasures Sum(Func<TicketFact, bool> which)
    {
        var sum = new FactMeasures();
        foreach (var f in facts.Where(which))
            sum.Add(f.Measures);
        return sum;
    }

    private FactMeasures Department(string code) => Sum(f => f.Part == FactPart.Main && f.DepartmentCode == code);

    private FactMeasures Centre => Sum(f => f.Part != FactPart.CoHandling);

    private static double? Value(FactMeasures m, FigureScope scope, string key) =>
        Assessment.Compute(Assessment.Definition(scope, key)!, m, Scheme).Value;

    [Fact]
    public void Response_rate_counts_signing_within_the_limit_over_settled_dispatches()
    {
        var a = Department(A);
        Assert.Equal(4, a.ResponseSettled); // T1, T2, T3 (returned), T4; T8 still within its limit
        Assert.Equal(2, a.SignedOnTime);    // T1, T4
        Assert.Equal(0.5, Assessment.ResponseRate(a));
        Assert.Equal(0.75, Value(a, FigureScope.Department, "OnTimeSignForRate")); // a return in time is a response in time
    }

    [Fact]
    public void Satisfaction_weights_basically_satisfied_by_k_and_leaves_out_upheld_appeals()
    {
        var a = Department(A);
        Assert.Equal(2, a.Rated); // T1 满意, T2 基本满意; T4's 不满意 overturned on appeal
        Assert.Equal(1, a.AppealUpheld);
        Assert.Equal(0.9, Assessment.SatisfactionRate(a, Scheme)); // (1 + 0.8) / 2
        Assert.Equal(0.75, Assessment.SatisfactionRate(a, Scheme with { LevelWeights = new Dictionary<RatingLevel, double>
        {
            [RatingLevel.VerySatisfied] = 1, [RatingLevel.Satisfied] = 1, [RatingLevel.BasicallySatisfied] = 0.5,
            [RatingLevel.Dissatisfied] = 0, [RatingLevel.VeryDissatisfied] = 0,
        } }));
    }

    [Fact]
    public void Resolution_rate_counts_what_requesters_call_resolved()
    {
        Assert.Equal(0.5, Assessment.ResolutionRate(Department(A)));
        Assert.Equal(1.0, Assessment.ResolutionRate(Department(B)));
    }

    [Fact]
    public void Composite_score_is_the_weighted_sum_of_the_three_rates()
    {
        // 30 × 0.5 + 35 × 0.5 + 35 × 0.9 = 64
        Assert.Equal(64.0, Assessment.CompositeScore(Department(A), Scheme));
        // B: 30 × 1 + 35 × 1 + 35 × 1
        Assert.Equal(100.0, Assessment.CompositeScore(Department(B), Scheme));
    }

    [Fact]
    public void A_return_counts_against_the_department_that_returned_and_the_ticket_follows_the_next()
    {
        var a = Department(A);
        Assert.Equal(5, a.Tickets); // T1, T2, T3, T4, T8 (T6 withdrawn)
        Assert.Equal(1, a.Returned);
        Assert.Equal(0.2, Value(a, FigureScope.Department, "ReturnRate"));
        var t3 = facts.Single(f => f.Part == FactPart.Main && f.DepartmentCode == A && f.Measures.Returned == 1);
        Assert.Equal(ReturnReason.NotOurResponsibility, t3.ReturnReason);
        Assert.Equal(1, Department(B).Tickets);
    }

    [Fact]
    public void Rectification_counts_against_the_department_whose_answer_was_unsatisfying_and_the_latest_rating_counts()
    {
        var b = Department(B);
        Assert.Equal(1, b.Rectified);
        Assert.Equal(1.0, Value(b, FigureScope.Department, "ReopenRate"));
        Assert.Equal(1, b.Rated);
        Assert.Equal(1, b.Satisfied);
        Assert.Equal(0, b.Dissatisfied);
    }

    [Fact]
    public void Co_handling_is_shown_apart_from_the_main_department()
    {
        var co = Sum(f => f.Part == FactPart.CoHandling && f.DepartmentCode == B);
        Assert.Equal(1, co.CoHandled);
        Assert.Equal(1, co.Contributed);
        Assert.Equal(0, co.Rated);
        Assert.Equal(0, co.Tickets);
    }

    [Fact]
    public void Duplicates_and_withdrawn_tickets_are_excluded_and_listed_with_their_reason()
    {
        var centre = Centre;
        Assert.Equal(8, centre.Registered);
        Assert.Equal(2, centre.Excluded);
        Assert.Equal(1, Department(A).ExcludedHandled); // T6
        var excluded = facts.Where(f => f.Part == FactPart.Centre && f.Exclusion is not null).Select(f => f.Exclusion).Order().ToList();
        Assert.Equal([Exclusions.Duplicate, Exclusions.Withdrawn], excluded);
        Assert.Contains(facts, f => f.Part == FactPart.Main && f.DepartmentCode == A && f.Exclusion == Exclusions.AppealUpheld);
    }

    [Fact]
    public void The_centre_figures_are_the_sum_of_the_departments_and_the_centre_own_answers()
    {
        var centre = Centre;
        Assert.Equal(4, centre.Rated); // A's two, B's one, and T7 answered at intake
        Assert.Equal(0.95, Assessment.SatisfactionRate(centre, Scheme)); // (1 + 0.8 + 1 + 1) / 4
        Assert.Equal(1, centre.ResolvedAtIntake);
        Assert.Equal(1, centre.Unfinished); // T8
        Assert.Equal(1, Department(A).Open);
    }

    [Fact]
    public void Repeat_complaints_count_on_the_centre_row_and_the_handling_department()
    {
        var facts = new Story().Dispatch(A).Facts(repeat: true);
        Assert.Equal(1, facts.Single(f => f.Part == FactPart.Centre).Measures.Repeat);
        Assert.Equal(1, facts.Single(f => f.Part == FactPart.Main).Measures.RepeatHandled);
        Assert.Equal(1.0, Value(facts.Single(f => f.Part == FactPart.Main).Measures, FigureScope.Department, "RepeatRate"));
    }

    [Fact]
    public void Average_handling_time_is_working_hours_from_dispatch_to_answer()
    {
        // Dispatch at +10 min, sign at +20, reply at +30: 20 minutes; context counts wall time.
        var m = new Story().Dispatch(A).SignFor().Reply().Facts().Single(f => f.Part == FactPart.Main).Measures;
        Assert.Equal(20, m.HandlingMinutes);
        Assert.Equal(0.3, Value(m, FigureScope.Department, "AverageHandlingHours"));
    }

    [Fact]
    public void A_late_answer_is_not_on_time_and_an_overdue_open_ticket_is_flagged()
    {
        var late = new Story().Dispatch(A).SignFor().Breach(SlaClockKind.Handling).Facts().Single(f => f.Part == FactPart.Main).Measures;
        Assert.Equal(1, late.HandlingSettled);
        Assert.Equal(0, late.RepliedOnTime);
        Assert.Equal(1, late.Overdue);
    }

    [Fact]
    public void Ranking_orders_by_composite_score_and_shares_equal_ranks()
    {
        var ranked = Assessment.Rank([(A, Department(A)), (B, Department(B)), ("x", Department(B))], Scheme);
        Assert.Equal([("x", 1, 100.0), (B, 1, 100.0), (A, 3, 64.0)], ranked.Select(r => (r.Department, r.Rank, r.Score!.Value)).ToList());
    }

    [Fact]
    public void A_scheme_with_weights_out_of_range_is_refused_field_by_field()
    {
        var bad = Scheme with { ResponseWeight = -1, RepeatWindowDays = 0 };
        Assert.Equal(["responseWeight", "repeatWindowDays"], bad.Validate().Select(e => e.Field).ToList());
        Assert.Empty(Scheme.Validate());
        Assert.Equal("validFrom", Assert.Single((Scheme with { ValidFrom = new(9999, 12, 31) }).Validate()).Field);
    }
}

/// <summary>撤件: the requester withdraws the matter; the ticket closes and every clock stops.</summary>
public class WithdrawTests
{
    [Fact]
    public void A_withdrawn_ticket_is_closed_with_nothing_left_open()
    {
        var story = new Story().Dispatch(Given.MarketRegulation).SignFor()
            .Do(new AwaitingRequester("请补充购物小票"), Story.HandlerOf(Given.MarketRegulation))
            .Do(new Withdrawn("诉求人来电撤回"), Given.Agent);
        Assert.Equal(TicketStatus.Closed, story.Ticket.Status);
        Assert.NotNull(story.Ticket.ClosedAt);
        Assert.Null(story.Ticket.AwaitingRequesterSince);
        Assert.All(Enum.GetValues<SlaClockKind>(), k => Assert.Contains(SlaPlanner.Plan(new Withdrawn("x"), Given.Morning, story.Ticket), c => c is StopClock s && s.Kind == k));
    }

    [Fact]
    public void Only_an_unanswered_ticket_can_be_withdrawn_and_only_by_the_centre() =>
        Assert.Multiple(
            () => Assert.Equal(TransitionVerdict.NotAllowedInStatus, TicketWorkflow.Check(TicketAction.Withdraw, TicketStatus.Replied, null, Given.Agent)),
            () => Assert.Equal(TransitionVerdict.RoleNotAllowed, TicketWorkflow.Check(TicketAction.Withdraw, TicketStatus.SignedFor, Given.MarketRegulation, Given.MarketHandler)),
            () => Assert.Equal("reason", Assert.Single(new Withdrawn(" ").Validate(Given.Codes)).Field));
}
