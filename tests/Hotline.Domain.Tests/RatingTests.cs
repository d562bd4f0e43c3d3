using Hotline.Domain.Access;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

/// <summary>好差评, 整改, 申诉, 回访 and 诉求人补充 as the domain decides them, taken the way the server takes an action.</summary>
public class RatingTests
{
    private const string Number = "HL20261122000456";
    private static readonly WorkflowPolicy Policy = WorkflowPolicy.Default;
    private static readonly DateTimeOffset OrderDue = Given.Morning.AddDays(3);

    private readonly List<TicketEvent> events = [];
    private int minute;

    private Ticket RepliedTicket()
    {
        var (ticket, registered) = Ticket.Register(Number, Given.Draft(), Given.Agent, Given.Morning);
        events.Add(registered);
        Do(ticket, new Dispatched(Given.MarketRegulation, null), Given.Dispatcher);
        Do(ticket, new SignedFor(null), Given.MarketHandler);
        Do(ticket, new Replied(ReplyResult.Resolved, "已责令超市下架过期商品并立案调查。", null), Given.MarketHandler);
        return ticket;
    }

    /// <summary>Complete, validate, guard, act: what TicketService does. Returns the guard's refusal instead of acting.</summary>
    private GuardFailure? Do(Ticket ticket, TicketChange change, Actor actor, WorkflowPolicy? policy = null)
    {
        change = change.Complete(ticket, actor);
        Assert.Empty(change.Validate(Given.Codes));
        var at = Given.Morning.AddMinutes(++minute * 10);
        var failure = TicketGuards.Check(ticket, change, actor, policy ?? Policy, at);
        if (failure is null)
            events.Add(ticket.Act(change, actor, at));
        return failure;
    }

    /// <summary>A rating and, as the server does in the same unit of work, the system's follow-ups.</summary>
    private void Rate(Ticket ticket, RatingLevel level, Actor? by = null, WorkflowPolicy? policy = null)
    {
        var rated = (Rated)new Rated(level, false, "还是没人管").Complete(ticket, by ?? Given.Requester);
        Assert.Null(Do(ticket, rated, by ?? Given.Requester, policy));
        foreach (var change in RatingRules.AfterRating(ticket, rated, policy ?? Policy, OrderDue))
            Assert.Null(Do(ticket, change, Actor.System, policy));
    }

    private void AnswerAgain(Ticket ticket)
    {
        Do(ticket, new Dispatched(Given.MarketRegulation, "整改件"), Given.Dispatcher);
        Do(ticket, new SignedFor(null), Given.MarketHandler);
        foreach (var order in ticket.OpenSupervisionOrders.ToList())
            Do(ticket, new SupervisionAnswered(order, "已重新核查"), Given.MarketHandler);
        Do(ticket, new Replied(ReplyResult.Resolved, "已重新核查并处罚。", null), Given.MarketHandler);
    }

    [Fact]
    public void A_rating_through_the_link_records_level_round_department_and_channel_and_keeps_the_state()
    {
        var ticket = RepliedTicket();

        Rate(ticket, RatingLevel.Satisfied);

        var rated = Assert.IsType<Rated>(events[^1].Change);
        Assert.Equal((RatingLevel.Satisfied, 0, Given.MarketRegulation, RatingChannel.Link), (rated.Level!.Value, rated.Round, rated.DepartmentCode, rated.Channel));
        Assert.Equal((TicketStatus.Replied, RatingLevel.Satisfied, 0), (ticket.Status, ticket.Rating, ticket.RatedRound));
        Assert.Equal(Roles.Requester, events[^1].ActorRole);
    }

    [Fact]
    public void Staff_cannot_claim_the_link_channel_and_a_phone_rating_stays_on_the_phone()
    {
        var ticket = RepliedTicket();
        Assert.Equal(RatingChannel.Api, ((Rated)new Rated(RatingLevel.Satisfied, true, null, RatingChannel.Link).Complete(ticket, Given.Agent)).Channel);
        Assert.Equal(RatingChannel.Phone, ((Rated)new Rated(RatingLevel.Satisfied, true, null, RatingChannel.Phone).Complete(ticket, Given.Agent)).Channel);
    }

    [Fact]
    public void A_rating_needs_a_level_and_whether_the_matter_was_resolved() =>
        Assert.Equal([new FieldError("level", ErrorCodes.Required), new FieldError("resolved", ErrorCodes.Required)],
            new Rated(null, null, null).Validate(Given.Codes));

    [Fact]
    public void One_rating_per_round_a_second_one_is_refused()
    {
        var ticket = RepliedTicket();
        Rate(ticket, RatingLevel.Satisfied);

        var second = Do(ticket, new Rated(RatingLevel.BasicallySatisfied, true, null), Given.Agent);

        Assert.Equal((GuardKind.Conflict, TicketGuards.AlreadyRated), (second!.Kind, second.Code));
        Assert.Equal(RatingLevel.Satisfied, ticket.Rating);
    }

    [Theory]
    [InlineData(RatingScale.Three, RatingLevel.VerySatisfied, false)]
    [InlineData(RatingScale.Three, RatingLevel.VeryDissatisfied, false)]
    [InlineData(RatingScale.Three, RatingLevel.BasicallySatisfied, true)]
    [InlineData(RatingScale.Five, RatingLevel.VerySatisfied, true)]
    [InlineData(RatingScale.Five, RatingLevel.VeryDissatisfied, true)]
    public void The_level_must_be_on_the_configured_scale(RatingScale scale, RatingLevel level, bool accepted)
    {
        var ticket = RepliedTicket();

        var failure = Do(ticket, new Rated(level, true, null), Given.Agent, Policy with { RatingScale = scale });

        Assert.Equal(accepted, failure is null);
        if (!accepted)
            Assert.Equal((GuardKind.Invalid, TicketGuards.LevelNotOnScale, "level"), (failure!.Kind, failure.Code, failure.Field));
    }

    [Fact]
    public void The_scales_list_their_levels_best_first() =>
        Assert.Equal(["满意", "基本满意", "不满意"], RatingRules.Levels(RatingScale.Three).Select(RatingRules.Label));

    [Fact]
    public void Satisfied_and_basically_satisfied_ratings_change_nothing_else()
    {
        var ticket = RepliedTicket();
        var rated = (Rated)new Rated(RatingLevel.BasicallySatisfied, true, null).Complete(ticket, Given.Requester);
        Assert.Empty(RatingRules.AfterRating(ticket, rated, Policy, OrderDue));
    }

    [Fact]
    public void Unsatisfied_rating_reopens_the_ticket_for_rectification_with_a_supervision_order()
    {
        var ticket = RepliedTicket();

        Rate(ticket, RatingLevel.Dissatisfied);

        Assert.Equal(
            [TicketAction.Rate, TicketAction.Reopen, TicketAction.Supervise],
            events.TakeLast(3).Select(e => e.Action));
        Assert.All(events.TakeLast(2), e => Assert.Equal(Actor.System.Id, e.ActorId));
        Assert.Equal(TicketStatus.Reopened, ticket.Status);
        Assert.Equal((1, 1), (ticket.ReopenCount, ticket.RectificationCount));
        Assert.Equal([1], ticket.OpenSupervisionOrders);
        Assert.Equal(OrderDue, ((SupervisionRaised)events[^1].Change).DueAt);
        Assert.Equal(Given.MarketRegulation, ticket.AssignedDepartmentCode); // proposed again to the dispatcher
        Assert.False(ticket.InLeaderQueue);
    }

    [Fact]
    public void A_ticket_reopened_for_rectification_proposes_the_department_that_answered_first()
    {
        var ticket = RepliedTicket();
        var byRule = new Hotline.Domain.Routing.RoutingProposal(Given.HousingBureau, [], "r1", "规则", 80, 0.73);
        var same = new Hotline.Domain.Routing.RoutingProposal(Given.MarketRegulation, [], null, "类别默认", 25, 0.23);
        Assert.Equal([byRule, same], RatingRules.ProposeAgain(ticket, [byRule, same])); // not reopened: unchanged

        Rate(ticket, RatingLevel.Dissatisfied);
        var proposals = RatingRules.ProposeAgain(ticket, [byRule, same]);

        Assert.Equal([Given.MarketRegulation, Given.HousingBureau], proposals.Select(p => p.DepartmentCode));
        Assert.Equal(1.0, proposals[0].Confidence);
    }

    [Fact]
    public void The_second_reply_asks_for_a_new_rating_in_the_next_round()
    {
        var ticket = RepliedTicket();
        Rate(ticket, RatingLevel.Dissatisfied);

        AnswerAgain(ticket);
        Rate(ticket, RatingLevel.Satisfied);

        Assert.Equal((1, RatingLevel.Satisfied, TicketStatus.Replied), (ticket.RatedRound, ticket.Rating, ticket.Status));
        Assert.Empty(ticket.OpenSupervisionOrders);
    }

    [Fact]
    public void After_the_configured_rounds_of_rectification_an_unsatisfied_rating_goes_to_the_leaders_queue()
    {
        var policy = Policy with { MaxRectificationRounds = 2 };
        var ticket = RepliedTicket();
        Rate(ticket, RatingLevel.Dissatisfied, policy: policy);
        AnswerAgain(ticket);
        Rate(ticket, RatingLevel.Dissatisfied, policy: policy);
        Assert.False(ticket.InLeaderQueue);
        AnswerAgain(ticket);

        Rate(ticket, RatingLevel.Dissatisfied, policy: policy);

        Assert.Equal([TicketAction.Rate, TicketAction.Reopen, TicketAction.EscalateToLeader], events.TakeLast(3).Select(e => e.Action));
        Assert.True(ticket.InLeaderQueue);
        Assert.Equal((TicketStatus.Reopened, 3), (ticket.Status, ticket.RectificationCount));
    }

    [Fact]
    public void A_supervisors_reopening_is_never_counted_as_rectification()
    {
        var ticket = RepliedTicket();
        Do(ticket, new Reopened("抽查发现答复不实", Rectification: true), Given.Supervisor);
        Assert.Equal((1, 0), (ticket.ReopenCount, ticket.RectificationCount));
    }

    [Fact]
    public void The_rated_department_appeals_an_unsatisfied_rating_once_and_a_supervisor_decides()
    {
        var ticket = RepliedTicket();
        Rate(ticket, RatingLevel.Dissatisfied);

        Assert.Null(Do(ticket, new RatingAppealed("诉求人要求超出法定职责，已依法答复"), Given.MarketHandler));
        Assert.Equal(AppealState.Pending, ticket.RatingAppeal);
        Assert.Equal(TicketGuards.AlreadyAppealed, Do(ticket, new RatingAppealed("再次申诉"), Given.MarketHandler)!.Code);

        Assert.Null(Do(ticket, new AppealDecided(true, "经核实，答复符合法规，申诉成立"), Given.Supervisor));
        Assert.Equal(AppealState.Upheld, ticket.RatingAppeal);
        Assert.Equal(0, ((AppealDecided)events[^1].Change).Round);
        Assert.Equal(TicketGuards.NoPendingAppeal, Do(ticket, new AppealDecided(false, "重复审核"), Given.Supervisor)!.Code);
    }

    [Fact]
    public void A_satisfied_rating_cannot_be_appealed_and_there_is_nothing_to_appeal_before_a_rating()
    {
        var ticket = RepliedTicket();
        Assert.Equal(TicketGuards.NoRating, Do(ticket, new RatingAppealed("无评价"), Given.MarketHandler)!.Code);
        Rate(ticket, RatingLevel.BasicallySatisfied);
        Assert.Equal(TicketGuards.RatingNotAppealable, Do(ticket, new RatingAppealed("不服"), Given.MarketHandler)!.Code);
    }

    [Fact]
    public void Only_the_rated_department_may_appeal()
    {
        var ticket = RepliedTicket();
        Rate(ticket, RatingLevel.Dissatisfied);
        Do(ticket, new Dispatched(Given.HousingBureau, "改派住建局"), Given.Dispatcher);

        Assert.Equal(TicketGuards.NotRatedDepartment, Do(ticket, new RatingAppealed("不是我们答复的"), Given.HousingHandler)!.Code);
    }

    [Fact]
    public void An_appeal_needs_a_reason_and_a_decision_needs_its_verdict_and_comment()
    {
        Assert.Equal([new FieldError("reason", ErrorCodes.Required)], new RatingAppealed(" ").Validate(Given.Codes));
        Assert.Equal([new FieldError("upheld", ErrorCodes.Required), new FieldError("comment", ErrorCodes.Required)],
            new AppealDecided(null, "").Validate(Given.Codes));
    }

    [Fact]
    public void A_requester_message_while_the_department_waits_ends_the_wait_and_resumes_the_handling_clock()
    {
        var (ticket, registered) = Ticket.Register(Number, Given.Draft(), Given.Agent, Given.Morning);
        events.Add(registered);
        Do(ticket, new Dispatched(Given.MarketRegulation, null), Given.Dispatcher);
        Do(ticket, new SignedFor(null), Given.MarketHandler);
        Do(ticket, new AwaitingRequester("请提供购物小票照片"), Given.MarketHandler);

        Assert.Null(Do(ticket, new RequesterMessageAdded("小票已拍照，购买时间11月21日18:30", RequesterMessageChannel.SelfService), Given.Requester));

        var message = Assert.IsType<RequesterMessageAdded>(events[^1].Change);
        Assert.True(message.EndedWait);
        Assert.Null(ticket.AwaitingRequesterSince);
        Assert.Equal([new ResumeClock(SlaClockKind.Handling, events[^1].OccurredAt)], SlaPlanner.Plan(message, events[^1].OccurredAt, ticket));
    }

    [Fact]
    public void A_requester_message_at_another_time_is_recorded_and_moves_no_clock()
    {
        var ticket = RepliedTicket();
        Do(ticket, new RequesterMessageAdded("补充：超市名称为某某便利店", RequesterMessageChannel.Email, "zhang@example.com"), Given.Requester);

        var message = Assert.IsType<RequesterMessageAdded>(events[^1].Change);
        Assert.False(message.EndedWait);
        Assert.Empty(SlaPlanner.Plan(message, events[^1].OccurredAt, ticket));
        Assert.Equal(TicketStatus.Replied, ticket.Status);
    }

    [Fact]
    public void A_revisit_outcome_stops_the_revisit_clock_and_a_rating_on_the_phone_is_a_phone_rating()
    {
        var ticket = RepliedTicket();
        var revisit = new RevisitRecorded(true, RatingLevel.Satisfied, true, "诉求人表示问题已解决");
        Assert.Null(Do(ticket, revisit, Given.Agent));

        Assert.Equal([new StopClock(SlaClockKind.Revisit, events[^1].OccurredAt)], SlaPlanner.Plan(revisit, events[^1].OccurredAt, ticket));
        var phone = RatingRules.RatingOf(revisit)!;
        Assert.Equal((RatingLevel.Satisfied, true, RatingChannel.Phone), (phone.Level!.Value, phone.Resolved!.Value, phone.Complete(ticket, Given.Agent) is Rated r ? r.Channel : default));
    }

    [Fact]
    public void A_revisit_where_nobody_answered_records_no_rating()
    {
        Assert.Equal([new FieldError("level", RevisitRecorded.NotReached)], new RevisitRecorded(false, RatingLevel.Satisfied, true, null).Validate(Given.Codes));
        Assert.Null(RatingRules.RatingOf(new RevisitRecorded(false, null, null, "无人接听")));
        Assert.Equal([new FieldError("reached", ErrorCodes.Required)], new RevisitRecorded(null, null, null, null).Validate(Given.Codes));
    }

    [Fact]
    public void A_rating_of_any_channel_stops_the_revisit_clock() =>
        Assert.Equal([new StopClock(SlaClockKind.Revisit, Given.Morning)],
            SlaPlanner.Plan(new Rated(RatingLevel.Satisfied, true, null), Given.Morning, RepliedTicket()));

    [Fact]
    public void Replaying_the_whole_rating_story_rebuilds_the_same_ticket()
    {
        var ticket = RepliedTicket();
        Rate(ticket, RatingLevel.Dissatisfied);
        Do(ticket, new RatingAppealed("已依法答复"), Given.MarketHandler);
        Do(ticket, new AppealDecided(false, "申诉不成立"), Given.Supervisor);
        AnswerAgain(ticket);
        Rate(ticket, RatingLevel.Satisfied);

        var replayed = Ticket.Replay(events);

        Assert.Equal(
            (ticket.Status, ticket.Rating, ticket.RatedRound, ticket.RatedDepartmentCode, ticket.RatingAppeal, ticket.RectificationCount, ticket.ReopenCount, ticket.Version),
            (replayed.Status, replayed.Rating, replayed.RatedRound, replayed.RatedDepartmentCode, replayed.RatingAppeal, replayed.RectificationCount, replayed.ReopenCount, replayed.Version));
    }
}
