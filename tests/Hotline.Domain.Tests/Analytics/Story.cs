using Hotline.Domain.Access;
using Hotline.Domain.Analytics;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests.Analytics;

/// <summary>One ticket's history told step by step, taken the way the server takes actions (complete, guard, act).</summary>
internal sealed class Story
{
    private static int next;
    private readonly List<TicketEvent> events = [];
    private int minute;

    public Story(TicketDraft? draft = null, DateTimeOffset? at = null)
    {
        Start = at ?? Given.Morning;
        var number = $"HL20261122{Interlocked.Increment(ref next):000000}";
        (Ticket, var registered) = Ticket.Register(number, draft ?? Given.Draft(), Given.Agent, Start);
        events.Add(registered);
    }

    public Ticket Ticket { get; }
    public DateTimeOffset Start { get; }
    public IReadOnlyList<TicketEvent> Events => events;

    public Story Do(TicketChange change, Actor actor)
    {
        change = change.Complete(Ticket, actor);
        var at = Start.AddMinutes(++minute * 10);
        var failure = TicketGuards.Check(Ticket, change, actor, WorkflowPolicy.Default, at);
        Assert.Null(failure);
        events.Add(Ticket.Act(change, actor, at));
        return this;
    }

    public Story Dispatch(string department, params string[] coHandlers) =>
        Do(new Dispatched(department, null, CoHandlingDepartmentCodes: coHandlers), Given.Dispatcher);

    public Story SignFor() => Do(new SignedFor(null), HandlerOf(Ticket.AssignedDepartmentCode!));

    public Story Return(ReturnReason reason = ReturnReason.NotOurResponsibility) => Do(new Returned(reason, "非本单位职责"), HandlerOf(Ticket.AssignedDepartmentCode!));

    public Story Reply() => Do(new Replied(ReplyResult.Resolved, "已处理。", null), HandlerOf(Ticket.AssignedDepartmentCode!));

    public Story Breach(SlaClockKind clock) => Do(new SlaBreached(clock, Start), Actor.System);

    public Story Rate(RatingLevel level, bool resolved) => Do(new Rated(level, resolved, null), Given.Requester);

    /// <summary>An unsatisfied rating, as the server follows it: reopened for rectification (整改).</summary>
    public Story RateUnsatisfied(bool rectify = true)
    {
        Rate(RatingLevel.Dissatisfied, false);
        return rectify ? Do(new Reopened("整改", Rectification: true), Actor.System) : this;
    }

    public static Actor HandlerOf(string department) => new($"h-{department}", "承办人", Roles.DepartmentHandler, department);

    public IReadOnlyList<TicketFact> Facts(bool repeat = false) => TicketFacts.Build(events, Context(repeat));

    public static FactContext Context(bool repeat = false) => new(
        at => DateOnly.FromDateTime(at.ToOffset(TimeSpan.FromHours(8)).DateTime),
        (_, from, to) => to - from, // wall time stands in for working time here
        repeat);
}
