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
            if (e is List<string> expectedList)
                Assert.True(expectedList.SequenceEqual((List<string>)a!), p.Name);
            else
                Assert.True(Equals(e, a), $"{p.Name}: live {e}, replayed {a}");
        }
    }
}
