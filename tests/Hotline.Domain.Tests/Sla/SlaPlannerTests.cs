using Hotline.Domain.Access;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests.Sla;

/// <summary>The clock rules of a 12345 centre: which event starts, stops, pauses or moves which clock.</summary>
public sealed class SlaPlannerTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly Ticket Any = Ticket.Register("HL20261123000001", Given.Draft(), Given.Agent, At).Ticket;

    public static TheoryData<TicketChange, string> Rules => new()
    {
        { new Registered("HL20261123000001", Given.Draft()), "start Dispatch" },
        { new ResolvedAtIntake("已答复"), "stop Dispatch, start Revisit" },
        { new Dispatched("cgj", null), "stop Dispatch, start SignFor, start Handling" },
        { new SignedFor(null), "stop SignFor" },
        { new Returned(ReturnReason.OutsideJurisdiction, "不属本辖区"), "stop SignFor, stop Handling, start Dispatch" },
        { new Replied(ReplyResult.Resolved, "已解决", null), "stop SignFor, stop Handling, start Revisit" },
        { new AnsweredWithMaster("HL20261123000002", ReplyResult.Resolved, "已解决"), "stop SignFor, stop Handling, start Revisit" },
        { new Reopened("不满意"), "stop Revisit, start Dispatch" },
        { new MarkedDuplicate("HL20261123000002"), "stop Dispatch" },
        { new Closed(null), "stop Dispatch, stop SignFor, stop Handling, stop Revisit" },
        { new AwaitingRequester("请补充材料"), "pause Handling" },
        { new RequesterResponded("已补充"), "resume Handling" },
        { new ProgressAdded("进展"), "" },
        { new SupervisionRaised(1, "督办", At.AddDays(1)), "" },
        { new SlaBreached(SlaClockKind.Handling, At), "" },
        { new ExtensionDecided(false, "理由不足", null), "" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_event_does_what_the_centres_rules_say_to_its_clocks(TicketChange change, string expected)
    {
        var commands = SlaPlanner.Plan(change, At, Any);

        Assert.Equal(expected, string.Join(", ", commands.Select(Describe)));
        Assert.All(commands, c => Assert.Equal(At, c.At));
    }

    [Fact]
    public void An_approved_extension_moves_the_handling_deadline_to_the_tickets_extended_deadline()
    {
        var ticket = Ticket.Register("HL20261123000001", Given.Draft(), Given.Agent, At).Ticket;
        var handler = new Actor("h", "承办人", Roles.DepartmentHandler, "cgj");
        var supervisor = new Actor("s", "督办员", Roles.Supervisor, null);
        ticket.Act(new Dispatched("cgj", null), supervisor, At);
        ticket.Act(new SignedFor(null), handler, At);
        var due = At.AddDays(10);
        ticket.Act(new ExtensionRequested("需检测", due), handler, At);
        var decided = new ExtensionDecided(true, null, null);
        ticket.Act(decided, supervisor, At);

        var command = Assert.IsType<ExtendClock>(Assert.Single(SlaPlanner.Plan(decided, At, ticket)));
        Assert.Equal((SlaClockKind.Handling, due), (command.Kind, command.DueAt));
    }

    [Fact]
    public void A_schedule_warns_before_it_falls_due_and_escalates_after()
    {
        var calendar = BusinessCalendar.Standard([Calendars.Year2025, Calendars.Year2026]);
        var limits = new SlaLimits(TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(1), TimeLimit.WorkingDays(5), TimeLimit.WorkingDays(3), 0.75, 0.9, TimeLimit.WorkingDays(2));

        var s = ClockSchedule.Compute(calendar, At, limits.Handling, limits, []);

        Assert.True(At < s.FirstWarningAt && s.FirstWarningAt < s.SecondWarningAt && s.SecondWarningAt < s.DueAt && s.DueAt < s.EscalateAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 17, 30, 0, TimeSpan.FromHours(8)), s.DueAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 17, 30, 0, TimeSpan.FromHours(8)), s.EscalateAt);
        Assert.Equal([s.FirstWarningAt, s.SecondWarningAt, s.DueAt, s.EscalateAt, null],
            new[] { SlaStage.Running, SlaStage.Warned, SlaStage.WarnedAgain, SlaStage.Breached, SlaStage.Escalated }.Select(s.NextAt));
    }

    private static string Describe(ClockCommand c) => c switch
    {
        StartClock => $"start {c.Kind}",
        StopClock => $"stop {c.Kind}",
        PauseClock => $"pause {c.Kind}",
        ResumeClock => $"resume {c.Kind}",
        _ => $"extend {c.Kind}",
    };
}
