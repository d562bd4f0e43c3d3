using System.Reflection;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

public class TicketLifecycleTests
{
    private const string Number = "HL20261122000123";

    private static DateTimeOffset At(int minutes) => Given.Morning.AddMinutes(minutes);

    /// <summary>
    /// A complaint that goes to the wrong department, comes back, is answered, closed, reopened by a supervisor and
    /// answered again: register → dispatch → return → dispatch → sign-for → reply → close → reopen → dispatch → sign-for → reply → close.
    /// </summary>
    private static (Ticket Ticket, List<TicketEvent> Events) WholeStory()
    {
        var (ticket, registered) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        List<TicketEvent> events = [registered];
        events.Add(ticket.Act(new Dispatched(Given.HousingBureau, "请核实"), Given.Dispatcher, At(10)));
        events.Add(ticket.Act(new Returned(ReturnReason.NotOurResponsibility, "属于市场监管职责"), Given.HousingHandler, At(20)));
        events.Add(ticket.Act(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher, At(30)));
        events.Add(ticket.Act(new SignedFor(null), Given.MarketHandler, At(40)));
        events.Add(ticket.Act(new Replied(ReplyResult.PartiallyResolved, "已约谈超市", null), Given.MarketHandler, At(50)));
        events.Add(ticket.Act(new Closed(null), Given.Agent, At(60)));
        events.Add(ticket.Act(new Reopened("市民不满意"), Given.Supervisor, At(70)));
        events.Add(ticket.Act(new Dispatched(Given.MarketRegulation, "督办件"), Given.Dispatcher, At(80)));
        events.Add(ticket.Act(new SignedFor("已签收"), Given.MarketHandler, At(90)));
        events.Add(ticket.Act(new Replied(ReplyResult.Resolved, "已下架并处罚", null), Given.MarketHandler, At(100)));
        events.Add(ticket.Act(new Closed("回访满意"), Given.Agent, At(110)));
        return (ticket, events);
    }

    /// <summary>
    /// The department workflow, taken the way the server takes an action (complete, validate, guard, act): dispatched to
    /// market regulation with housing co-handling → sign-for → contribute (housing) → add-progress → request-extension →
    /// decide-extension (approved) → supervise (order 1) → answer-supervision 1 → escalate-to-leader → leader-instruct
    /// (order 2) → answer-supervision 2 → reply.
    /// </summary>
    private static (Ticket Ticket, List<TicketEvent> Events) DepartmentStory()
    {
        var (ticket, registered) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        List<TicketEvent> events = [registered];
        void Do(TicketChange change, Actor actor, int minute)
        {
            change = change.Complete(ticket, actor);
            Assert.Empty(change.Validate(Given.Codes));
            Assert.Null(TicketGuards.Check(ticket, change, actor, WorkflowPolicy.Default, At(minute)));
            events.Add(ticket.Act(change, actor, At(minute)));
        }

        Do(new Dispatched(Given.MarketRegulation, "请会同住建局核实", CoHandlingDepartmentCodes: [Given.HousingBureau]), Given.Dispatcher, 10);
        Do(new SignedFor(null), Given.MarketHandler, 20);
        Do(new CoHandlingContributed("", "该超市所在楼宇无违建问题"), Given.HousingHandler, 30);
        Do(new ProgressAdded("已联系超市负责人，约定明日检查"), Given.MarketHandler, 40);
        Do(new ExtensionRequested("需送检，检测周期较长", Extended), Given.MarketHandler, 50);
        Do(new ExtensionDecided(true, null, null), Given.Supervisor, 60);
        Do(new SupervisionRaised(0, "请加快送检", At(2 * 24 * 60)), Given.Supervisor, 70);
        Do(new SupervisionAnswered(1, "已送检，三日内出结果"), Given.MarketHandler, 80);
        Do(new EscalatedToLeader("群众多次来电，涉及多家超市"), Given.Supervisor, 90);
        Do(new LeaderInstructed(0, "市场监管局牵头全面排查", At(3 * 24 * 60)), Given.Leader, 100);
        Do(new SupervisionAnswered(2, "已开展全区排查"), Given.MarketHandler, 110);
        Do(new Replied(ReplyResult.Resolved, "已下架并处罚，全区排查完毕", null), Given.MarketHandler, 120);
        return (ticket, events);
    }

    private static readonly DateTimeOffset Extended = Given.Morning.AddDays(10);

    [Fact]
    public void The_department_story_keeps_the_ticket_with_the_department_until_the_reply()
    {
        var (ticket, events) = DepartmentStory();

        Assert.Equal(
            [TicketStatus.Registered, TicketStatus.Dispatched, TicketStatus.SignedFor, TicketStatus.SignedFor, TicketStatus.SignedFor,
             TicketStatus.SignedFor, TicketStatus.SignedFor, TicketStatus.SignedFor, TicketStatus.SignedFor, TicketStatus.SignedFor,
             TicketStatus.SignedFor, TicketStatus.SignedFor, TicketStatus.Replied],
            events.Select(e => e.ToStatus));
        Assert.Equal(TicketStatus.Replied, ticket.Status);
        Assert.Equal(13, ticket.Version);
        Assert.Equal(Given.MarketRegulation, ticket.AssignedDepartmentCode);
        Assert.Equal([Given.HousingBureau], ticket.CoHandlingDepartmentCodes);
        Assert.Equal(At(120), ticket.RepliedAt);
    }

    [Fact]
    public void A_contribution_is_recorded_under_the_co_handlers_own_department()
    {
        var (_, events) = DepartmentStory();

        var contribution = Assert.IsType<CoHandlingContributed>(events[3].Change);
        Assert.Equal(Given.HousingBureau, contribution.DepartmentCode);
        Assert.Equal(TicketAction.Contribute, events[3].Action);
    }

    [Fact]
    public void The_department_story_projects_extension_supervision_and_leader_fields_step_by_step()
    {
        var (_, events) = DepartmentStory();
        var steps = new List<(DateTimeOffset?, DateTimeOffset?, int, int, string, bool, string?)>();
        for (var n = 1; n <= events.Count; n++)
        {
            var t = Ticket.Replay(events.Take(n));
            steps.Add((t.PendingExtensionDeadline, t.ExtendedDeadline, t.ExtensionCount, t.SupervisionCount,
                string.Join(",", t.OpenSupervisionOrders), t.InLeaderQueue, t.LeaderInstructions));
        }

        const string instructions = "市场监管局牵头全面排查";
        Assert.Equal(
        [
            (null, null, 0, 0, "", false, null),          // register
            (null, null, 0, 0, "", false, null),          // dispatch
            (null, null, 0, 0, "", false, null),          // sign-for
            (null, null, 0, 0, "", false, null),          // contribute
            (null, null, 0, 0, "", false, null),          // add-progress
            (Extended, null, 0, 0, "", false, null),      // request-extension
            (null, Extended, 1, 0, "", false, null),      // decide-extension: approved, the requested deadline
            (null, Extended, 1, 1, "1", false, null),     // supervise: order 1
            (null, Extended, 1, 1, "", false, null),      // answer-supervision 1
            (null, Extended, 1, 1, "", true, null),       // escalate-to-leader
            (null, Extended, 1, 2, "2", false, instructions), // leader-instruct: order 2
            (null, Extended, 1, 2, "", false, instructions),  // answer-supervision 2
            (null, Extended, 1, 2, "", false, instructions),  // reply
        ], steps);
    }

    [Fact]
    public void Supervision_and_leader_orders_share_one_numbering_assigned_by_the_server()
    {
        var (_, events) = DepartmentStory();

        Assert.Equal(1, Assert.IsType<SupervisionRaised>(events[7].Change).OrderNumber);
        Assert.Equal(2, Assert.IsType<LeaderInstructed>(events[10].Change).OrderNumber);
    }

    [Fact]
    public void Completing_an_order_ignores_the_callers_number_and_leader_flag()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        ticket.Act(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher, At(10));

        var completed = new SupervisionRaised(99, "请尽快办理", At(60), ByLeader: true).Complete(ticket, Given.Supervisor);

        Assert.Equal(new SupervisionRaised(1, "请尽快办理", At(60), ByLeader: false), completed);
    }

    [Fact]
    public void A_rejected_extension_keeps_the_original_deadline()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        ticket.Act(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher, At(10));
        ticket.Act(new SignedFor(null), Given.MarketHandler, At(20));
        ticket.Act(new ExtensionRequested("人手不足", Extended), Given.MarketHandler, At(30));

        ticket.Act(new ExtensionDecided(false, "理由不充分", null), Given.Dispatcher, At(40));

        Assert.Null(ticket.PendingExtensionDeadline);
        Assert.Null(ticket.ExtendedDeadline);
        Assert.Equal(0, ticket.ExtensionCount);
    }

    [Fact]
    public void An_approved_extension_may_grant_another_deadline_than_requested()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        ticket.Act(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher, At(10));
        ticket.Act(new SignedFor(null), Given.MarketHandler, At(20));
        ticket.Act(new ExtensionRequested("需送检", Extended), Given.MarketHandler, At(30));

        ticket.Act(new ExtensionDecided(true, "同意延期五日", Given.Morning.AddDays(5)), Given.Supervisor, At(40));

        Assert.Equal(Given.Morning.AddDays(5), ticket.ExtendedDeadline);
        Assert.Equal(1, ticket.ExtensionCount);
    }

    [Fact]
    public void A_return_clears_the_co_handlers_and_the_pending_extension_and_counts_against_the_department()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        ticket.Act(new Dispatched(Given.MarketRegulation, null, CoHandlingDepartmentCodes: [Given.HousingBureau]), Given.Dispatcher, At(10));
        ticket.Act(new SignedFor(null), Given.MarketHandler, At(20));
        ticket.Act(new ExtensionRequested("需送检", Extended), Given.MarketHandler, At(30));

        ticket.Act(new Returned(ReturnReason.NotOurResponsibility, "属住建职责"), Given.MarketHandler, At(40));

        Assert.Empty(ticket.CoHandlingDepartmentCodes);
        Assert.Null(ticket.PendingExtensionDeadline);
        Assert.Equal([Given.MarketRegulation], ticket.ReturnedBy);
    }

    [Fact]
    public void A_duplicate_follows_its_master_and_is_answered_by_the_system()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        ticket.Act(new MarkedDuplicate("HL20261122000100"), Given.Agent, At(5));

        Assert.Equal((TicketStatus.Merged, "HL20261122000100"), (ticket.Status, ticket.MasterNumber));

        ticket.Act(new AnsweredWithMaster("HL20261122000100", ReplyResult.Resolved, "已下架"), Actor.System, At(50));

        Assert.Equal((TicketStatus.Replied, ReplyResult.Resolved, "已下架", At(50)),
            (ticket.Status, ticket.ReplyResult, ticket.Resolution, ticket.RepliedAt));
        Assert.Null(ticket.AssignedDepartmentCode);
    }

    [Fact]
    public void Replaying_the_department_story_rebuilds_exactly_the_live_ticket()
    {
        var (live, events) = DepartmentStory();

        AssertSameState(live, Ticket.Replay(events));
    }

    [Fact]
    public void Replaying_a_duplicate_answered_with_its_master_rebuilds_exactly_the_live_ticket()
    {
        var (live, first) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        List<TicketEvent> events = [first];
        events.Add(live.Act(new MarkedDuplicate("HL20261122000100"), Given.Agent, At(5)));
        events.Add(live.Act(new AnsweredWithMaster("HL20261122000100", ReplyResult.Resolved, "已下架"), Actor.System, At(50)));
        events.Add(live.Act(new Closed("随主件归档"), Actor.System, At(60)));

        AssertSameState(live, Ticket.Replay(events));
    }

    [Fact]
    public void Registration_copies_the_draft_and_makes_the_agent_the_first_contact_owner()
    {
        var draft = Given.Draft();
        var (ticket, e) = Ticket.Register(Number, draft, Given.Agent, At(0));

        Assert.Equal(Number, ticket.Number);
        Assert.Equal(TicketStatus.Registered, ticket.Status);
        Assert.Equal(1, ticket.Version);
        Assert.Equal((draft.Type, draft.Channel, draft.Priority), (ticket.Type, ticket.Channel, ticket.Priority));
        Assert.Equal((draft.Title, draft.Description, draft.CategoryCode), (ticket.Title, ticket.Description, ticket.CategoryCode));
        Assert.Equal((draft.DistrictCode, draft.Address), (ticket.DistrictCode, ticket.Address));
        Assert.Equal(draft.Tags, ticket.Tags);
        Assert.Equal(draft.Requester, ticket.Requester);
        Assert.Equal(("u1", "王芳"), (ticket.OwnerId, ticket.OwnerName));
        Assert.Equal(At(0), ticket.RegisteredAt);
        Assert.Equal(At(0), ticket.UpdatedAt);
        Assert.Null(ticket.AssignedDepartmentCode);
        Assert.Null(ticket.DispatchedAt);

        Assert.Equal((1, TicketAction.Register, (TicketStatus?)null, TicketStatus.Registered), (e.Version, e.Action, e.FromStatus, e.ToStatus));
        Assert.Equal(("u1", "王芳", Roles.Agent), (e.ActorId, e.ActorName, e.ActorRole));
        Assert.Equal(new Registered(Number, draft), e.Change);
    }

    [Fact]
    public void The_ticket_keeps_its_own_copy_of_the_tags()
    {
        var tags = new List<string> { "食品" };
        var (ticket, _) = Ticket.Register(Number, Given.Draft() with { Tags = tags }, Given.Agent, At(0));

        tags.Add("later");

        Assert.Equal(["食品"], ticket.Tags);
    }

    [Fact]
    public void The_whole_story_ends_closed_at_version_twelve_with_one_return_and_one_reopen()
    {
        var (ticket, events) = WholeStory();

        Assert.Equal(TicketStatus.Closed, ticket.Status);
        Assert.Equal(12, ticket.Version);
        Assert.Equal(Enumerable.Range(1, 12), events.Select(e => e.Version));
        Assert.Equal(1, ticket.ReturnCount);
        Assert.Equal(1, ticket.ReopenCount);
        Assert.Equal(Given.MarketRegulation, ticket.AssignedDepartmentCode);
        Assert.Equal(ReplyResult.Resolved, ticket.ReplyResult);
        Assert.Equal("已下架并处罚", ticket.Resolution);
        Assert.Equal(At(0), ticket.RegisteredAt);
        Assert.Equal(At(80), ticket.DispatchedAt);
        Assert.Equal(At(90), ticket.SignedForAt);
        Assert.Equal(At(100), ticket.RepliedAt);
        Assert.Equal(At(110), ticket.ClosedAt);
        Assert.Equal(At(110), ticket.UpdatedAt);
        Assert.Equal("u1", ticket.OwnerId);
    }

    [Fact]
    public void Each_step_of_the_story_moves_status_version_and_department_as_expected()
    {
        var (_, events) = WholeStory();
        var replayed = new List<(TicketStatus, int, string?, int, int)>();
        for (var n = 1; n <= events.Count; n++)
        {
            var t = Ticket.Replay(events.Take(n));
            replayed.Add((t.Status, t.Version, t.AssignedDepartmentCode, t.ReturnCount, t.ReopenCount));
        }

        Assert.Equal(
        [
            (TicketStatus.Registered, 1, null, 0, 0),
            (TicketStatus.Dispatched, 2, Given.HousingBureau, 0, 0),
            (TicketStatus.Returned, 3, null, 1, 0),
            (TicketStatus.Dispatched, 4, Given.MarketRegulation, 1, 0),
            (TicketStatus.SignedFor, 5, Given.MarketRegulation, 1, 0),
            (TicketStatus.Replied, 6, Given.MarketRegulation, 1, 0),
            (TicketStatus.Closed, 7, Given.MarketRegulation, 1, 0),
            (TicketStatus.Reopened, 8, Given.MarketRegulation, 1, 1),
            (TicketStatus.Dispatched, 9, Given.MarketRegulation, 1, 1),
            (TicketStatus.SignedFor, 10, Given.MarketRegulation, 1, 1),
            (TicketStatus.Replied, 11, Given.MarketRegulation, 1, 1),
            (TicketStatus.Closed, 12, Given.MarketRegulation, 1, 1),
        ], replayed);
    }

    [Fact]
    public void A_return_clears_the_department_and_the_signature()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        ticket.Act(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher, At(10));
        ticket.Act(new SignedFor(null), Given.MarketHandler, At(20));

        ticket.Act(new Returned(ReturnReason.OutsideJurisdiction, "不属本辖区"), Given.MarketHandler, At(30));

        Assert.Equal(TicketStatus.Returned, ticket.Status);
        Assert.Null(ticket.AssignedDepartmentCode);
        Assert.Null(ticket.SignedForAt);
        Assert.Equal(1, ticket.ReturnCount);
    }

    [Fact]
    public void A_new_dispatch_clears_the_previous_signature()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        ticket.Act(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher, At(10));
        ticket.Act(new SignedFor(null), Given.MarketHandler, At(20));
        ticket.Act(new Replied(ReplyResult.Resolved, "已处理", null), Given.MarketHandler, At(30));
        ticket.Act(new Reopened("未解决"), Given.Supervisor, At(40));

        ticket.Act(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher, At(50));

        Assert.Null(ticket.SignedForAt);
        Assert.Equal(At(50), ticket.DispatchedAt);
    }

    [Fact]
    public void Reopening_clears_the_closing_time()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        ticket.Act(new ResolvedAtIntake("已告知办理流程"), Given.Agent, At(1));
        ticket.Act(new Closed(null), Given.Agent, At(2));

        ticket.Act(new Reopened("市民再次来电"), Given.Admin, At(3));

        Assert.Equal(TicketStatus.Reopened, ticket.Status);
        Assert.Null(ticket.ClosedAt);
        Assert.Equal(1, ticket.ReopenCount);
    }

    [Fact]
    public void An_answer_at_intake_is_kept_and_the_ticket_can_be_closed_without_a_department()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));

        ticket.Act(new ResolvedAtIntake("已告知办理流程"), Given.Agent, At(1));
        ticket.Act(new Closed(null), Given.Agent, At(2));

        Assert.Equal(TicketStatus.Closed, ticket.Status);
        Assert.Equal("已告知办理流程", ticket.IntakeAnswer);
        Assert.Null(ticket.AssignedDepartmentCode);
        Assert.Equal(At(2), ticket.ClosedAt);
    }

    [Fact]
    public void Attaching_a_file_keeps_the_status_but_counts_as_a_version()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        ticket.Act(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher, At(10));

        var e = ticket.Act(new AttachmentAdded(7, "现场照片.jpg", "image/jpeg", 123_456), Given.MarketHandler, At(15));

        Assert.Equal((TicketAction.AttachFile, TicketStatus.Dispatched, TicketStatus.Dispatched), (e.Action, e.FromStatus!.Value, e.ToStatus));
        Assert.Equal(TicketStatus.Dispatched, ticket.Status);
        Assert.Equal(3, ticket.Version);
        Assert.Equal(At(15), ticket.UpdatedAt);
    }

    [Fact]
    public void Acting_out_of_turn_throws_and_changes_nothing()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));

        Assert.Throws<InvalidOperationException>(() => ticket.Act(new Closed(null), Given.Agent, At(1)));

        Assert.Equal((TicketStatus.Registered, 1, At(0)), (ticket.Status, ticket.Version, ticket.UpdatedAt));
    }

    [Fact]
    public void Agent_cannot_dispatch_through_the_ticket_either()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));

        Assert.Throws<InvalidOperationException>(() => ticket.Act(new Dispatched(Given.MarketRegulation, null), Given.Agent, At(1)));
    }

    [Fact]
    public void Handler_of_another_department_cannot_sign_for_the_ticket()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
        ticket.Act(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher, At(10));

        Assert.Throws<InvalidOperationException>(() => ticket.Act(new SignedFor(null), Given.HousingHandler, At(20)));
        Assert.Equal(TicketStatus.Dispatched, ticket.Status);
    }

    [Fact]
    public void A_closed_ticket_takes_no_attachments()
    {
        var (ticket, _) = WholeStory();

        Assert.Throws<InvalidOperationException>(() =>
            ticket.Act(new AttachmentAdded(1, "a.pdf", "application/pdf", 10), Given.Supervisor, At(200)));
    }

    [Fact]
    public void Registering_through_act_is_refused()
    {
        var (ticket, _) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));

        Assert.Throws<InvalidOperationException>(() => ticket.Act(new Registered(Number, Given.Draft()), Given.Agent, At(1)));
    }

    [Fact]
    public void Each_event_starts_where_the_previous_one_ended()
    {
        var (_, events) = WholeStory();

        Assert.Null(events[0].FromStatus);
        for (var n = 1; n < events.Count; n++)
            Assert.Equal(events[n - 1].ToStatus, events[n].FromStatus);
    }

    [Fact]
    public void Events_record_who_acted_and_when()
    {
        var (_, events) = WholeStory();

        Assert.Equal(
            [Roles.Agent, Roles.Dispatcher, Roles.DepartmentHandler, Roles.Dispatcher, Roles.DepartmentHandler, Roles.DepartmentHandler,
             Roles.Agent, Roles.Supervisor, Roles.Dispatcher, Roles.DepartmentHandler, Roles.DepartmentHandler, Roles.Agent],
            events.Select(e => e.ActorRole));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => At(i * 10)), events.Select(e => e.OccurredAt));
        Assert.All(events, e => Assert.Equal(TicketWorkflow.ForChange(e.Change).Action, e.Action));
    }

    [Fact]
    public void Replaying_the_history_rebuilds_exactly_the_live_ticket()
    {
        var (live, events) = WholeStory();
        live.IdempotencyKey = "retry-1";
        live.IdempotencyFingerprint = "abc";

        AssertSameState(live, Ticket.Replay(events));
    }

    [Fact]
    public void Replaying_history_read_back_from_storage_rebuilds_the_live_ticket_with_its_id()
    {
        var (live, events) = WholeStory();
        var stored = events.Select((e, i) => TicketEvent.Restore(100 + i, 42, e.Version, e.Action, e.FromStatus, e.ToStatus,
            e.ActorId, e.ActorName, e.ActorRole, e.OccurredAt, e.Change)).ToList();

        var replayed = Ticket.Replay(stored);

        Assert.Equal(42, replayed.Id);
        Assert.Equal(live.Number, replayed.Number);
        Assert.Equal(live.Status, replayed.Status);
        Assert.Equal(live.Version, replayed.Version);
    }

    [Fact]
    public void Replaying_a_history_with_a_missing_version_throws()
    {
        var (_, events) = WholeStory();
        events.RemoveAt(5);

        Assert.Throws<InvalidOperationException>(() => Ticket.Replay(events));
    }

    [Fact]
    public void Replaying_a_history_out_of_order_throws()
    {
        var (_, events) = WholeStory();
        (events[3], events[4]) = (events[4], events[3]);

        Assert.Throws<InvalidOperationException>(() => Ticket.Replay(events));
    }

    [Fact]
    public void Replaying_a_history_that_does_not_start_with_registration_throws()
    {
        var (_, events) = WholeStory();

        Assert.Throws<InvalidOperationException>(() => Ticket.Replay(events.Skip(1)));
    }

    private static readonly HashSet<string> NotPartOfTheProjection =
        [nameof(Ticket.IdempotencyKey), nameof(Ticket.IdempotencyFingerprint)];

    private static void AssertSameState(Ticket expected, Ticket actual)
    {
        var properties = typeof(Ticket).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => !NotPartOfTheProjection.Contains(p.Name));
        foreach (var p in properties)
        {
            var (e, a) = (p.GetValue(expected), p.GetValue(actual));
            if (e is System.Collections.IEnumerable expectedItems and not string)
                Assert.True(expectedItems.Cast<object>().SequenceEqual(((System.Collections.IEnumerable)a!).Cast<object>()), p.Name);
            else
                Assert.True(Equals(e, a), $"{p.Name}: live {e}, replayed {a}");
        }
    }
}
