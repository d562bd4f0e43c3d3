using Hotline.Domain.Access;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

/// <summary>
/// 督办队列: the ticket keeps <see cref="Ticket.InSupervisionQueue"/> as <see cref="UnderSupervision"/> defines it, on
/// every path in (an order raised, a leader's instructions, an extension requested, a reopen) and out (the order
/// answered, the extension decided, the ticket dispatched again, returned, replied or withdrawn).
/// </summary>
public class SupervisionQueueTests
{
    private const string Number = "HL20261122000456";

    private static DateTimeOffset At(int minutes) => Given.Morning.AddMinutes(minutes);

    /// <summary>A ticket taken through actions the way the server takes them (complete, validate, guard, act).</summary>
    private sealed class Story
    {
        private int minute;

        public Story()
        {
            var (ticket, registered) = Ticket.Register(Number, Given.Draft(), Given.Agent, At(0));
            Ticket = ticket;
            Events.Add(registered);
        }

        public Ticket Ticket { get; }
        public List<TicketEvent> Events { get; } = [];

        /// <summary>Takes the action and answers whether the ticket is in the supervision queue afterwards.</summary>
        public bool Do(TicketChange change, Actor actor)
        {
            minute += 10;
            change = change.Complete(Ticket, actor);
            Assert.Empty(change.Validate(Given.Codes));
            Assert.Null(TicketGuards.Check(Ticket, change, actor, WorkflowPolicy.Default, At(minute)));
            Events.Add(Ticket.Act(change, actor, At(minute)));
            return Ticket.InSupervisionQueue;
        }

        public Story SignedFor()
        {
            Do(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher);
            Do(new SignedFor(null), Given.MarketHandler);
            return this;
        }
    }

    private static SupervisionRaised Order() => new(0, "请三日内核实并答复", At(3 * 24 * 60));
    private static ExtensionRequested Extension() => new("需送检，检测周期较长", At(10 * 24 * 60));

    [Fact]
    public void A_new_dispatched_or_signed_for_ticket_is_not_under_supervision()
    {
        var story = new Story();
        Assert.False(story.Ticket.InSupervisionQueue);
        Assert.False(story.Do(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher));
        Assert.False(story.Do(new SignedFor(null), Given.MarketHandler));
        Assert.False(story.Do(new ProgressAdded("已联系超市负责人"), Given.MarketHandler));
    }

    [Fact]
    public void A_supervision_order_puts_the_ticket_in_the_queue_until_the_department_answers_it()
    {
        var story = new Story().SignedFor();

        Assert.True(story.Do(Order(), Given.Supervisor));
        Assert.True(story.Do(Order(), Given.Supervisor));
        Assert.True(story.Do(new SupervisionAnswered(1, "已核实"), Given.MarketHandler)); // order 2 is still open
        Assert.False(story.Do(new SupervisionAnswered(2, "已整改完毕"), Given.MarketHandler));
    }

    [Fact]
    public void A_leaders_instructions_are_an_order_in_the_queue_until_answered_but_the_escalation_alone_is_not()
    {
        var story = new Story().SignedFor();

        Assert.False(story.Do(new EscalatedToLeader("群众多次来电"), Given.Supervisor)); // the leaders' queue, not this one
        Assert.True(story.Do(new LeaderInstructed(0, "牵头全面排查", At(3 * 24 * 60)), Given.Leader));
        Assert.False(story.Do(new SupervisionAnswered(1, "已全面排查"), Given.MarketHandler));
    }

    [Fact]
    public void An_extension_request_is_in_the_queue_until_it_is_decided_either_way()
    {
        var story = new Story().SignedFor();

        Assert.True(story.Do(Extension(), Given.MarketHandler));
        Assert.False(story.Do(new ExtensionDecided(true, null, null), Given.Supervisor));
        Assert.True(story.Do(Extension() with { RequestedDeadline = At(12 * 24 * 60) }, Given.MarketHandler));
        Assert.False(story.Do(new ExtensionDecided(false, "理由不充分", null), Given.Dispatcher));
    }

    [Fact]
    public void An_order_and_an_extension_keep_the_ticket_in_the_queue_until_both_are_dealt_with()
    {
        var story = new Story().SignedFor();

        Assert.True(story.Do(Order(), Given.Supervisor));
        Assert.True(story.Do(Extension(), Given.MarketHandler));
        Assert.True(story.Do(new SupervisionAnswered(1, "已核实"), Given.MarketHandler));
        Assert.False(story.Do(new ExtensionDecided(true, null, null), Given.Supervisor));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rectification_is_in_the_queue_from_the_reopen_until_the_ticket_goes_back_to_a_department(bool afterUnsatisfiedRating)
    {
        var story = new Story().SignedFor();
        Assert.False(story.Do(new Replied(ReplyResult.PartiallyResolved, "已约谈超市", null), Given.MarketHandler));

        Assert.True(story.Do(new Reopened("市民不满意", afterUnsatisfiedRating), Given.Supervisor));
        Assert.False(story.Do(new Dispatched(Given.MarketRegulation, "整改件"), Given.Dispatcher));
    }

    [Fact]
    public void A_rectification_order_raised_on_the_reopened_ticket_keeps_it_in_the_queue_after_the_dispatch()
    {
        var story = new Story().SignedFor();
        story.Do(new Replied(ReplyResult.PartiallyResolved, "已约谈超市", null), Given.MarketHandler);
        story.Do(new Reopened("市民不满意", Rectification: true), Given.Supervisor);

        Assert.True(story.Do(Order(), Given.Supervisor));
        Assert.True(story.Do(new Dispatched(Given.MarketRegulation, "整改件"), Given.Dispatcher));
        Assert.True(story.Do(new SignedFor(null), Given.MarketHandler));
        Assert.False(story.Do(new SupervisionAnswered(1, "已整改"), Given.MarketHandler));
    }

    public static TheoryData<string> Endings => ["return", "reply", "withdraw"];

    [Theory]
    [MemberData(nameof(Endings))]
    public void Leaving_the_department_takes_its_open_orders_and_extension_request_out_of_the_queue(string ending)
    {
        var story = new Story().SignedFor();
        story.Do(Order(), Given.Supervisor);
        Assert.True(story.Do(Extension(), Given.MarketHandler));

        var inQueue = ending switch
        {
            "return" => story.Do(new Returned(ReturnReason.NotOurResponsibility, "属于住建局职责"), Given.MarketHandler),
            "reply" => story.Do(new Replied(ReplyResult.Resolved, "已下架并处罚", null), Given.MarketHandler),
            _ => story.Do(new Withdrawn("诉求人撤回"), Given.Agent),
        };

        Assert.False(inQueue);
    }

    [Fact]
    public void A_reopened_ticket_withdrawn_or_marked_as_a_duplicate_leaves_the_queue()
    {
        var withdrawn = new Story().SignedFor();
        withdrawn.Do(new Replied(ReplyResult.Resolved, "已处理", null), Given.MarketHandler);
        Assert.True(withdrawn.Do(new Reopened("仍未解决"), Given.Supervisor));
        Assert.False(withdrawn.Do(new Withdrawn("诉求人撤回"), Given.Supervisor));

        var duplicate = new Story().SignedFor();
        duplicate.Do(new Replied(ReplyResult.Resolved, "已处理", null), Given.MarketHandler);
        Assert.True(duplicate.Do(new Reopened("仍未解决"), Given.Supervisor));
        Assert.False(duplicate.Do(new MarkedDuplicate("HL20261122000001"), Given.Dispatcher));
    }

    [Fact]
    public void Replaying_the_history_gives_the_flag_the_ticket_had_at_every_step()
    {
        var story = new Story().SignedFor();
        var live = new List<bool> { false, false, false };
        live.Add(story.Do(Order(), Given.Supervisor));
        live.Add(story.Do(Extension(), Given.MarketHandler));
        live.Add(story.Do(new SupervisionAnswered(1, "已核实"), Given.MarketHandler));
        live.Add(story.Do(new ExtensionDecided(true, null, null), Given.Supervisor));
        live.Add(story.Do(new Replied(ReplyResult.Resolved, "已处理", null), Given.MarketHandler));
        live.Add(story.Do(new Reopened("仍未解决"), Given.Supervisor));
        live.Add(story.Do(new Dispatched(Given.MarketRegulation, null), Given.Dispatcher));

        var replayed = Enumerable.Range(1, story.Events.Count).Select(n => Ticket.Replay(story.Events.Take(n))).ToList();

        Assert.Equal(live, replayed.Select(t => t.InSupervisionQueue));
        Assert.Equal([false, false, false, true, true, true, false, false, true, false], live);
        Assert.All(replayed, t => Assert.Equal(UnderSupervision.Holds(t), t.InSupervisionQueue));
    }
}
