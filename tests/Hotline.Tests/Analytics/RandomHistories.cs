using Hotline.Domain.Access;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;

namespace Hotline.Tests.Analytics;

/// <summary>
/// Random but valid ticket histories: at each step a ticket takes one of the actions its state, its history and the
/// guards allow now, by someone allowed to take it: dispatches with co-handlers, returns, late sign-fors, replies,
/// ratings, appeals, rectification, duplicates, withdrawals, extensions, breaches.
/// </summary>
internal sealed class RandomHistories(Random random, DateTimeOffset start)
{
    public static readonly string[] Departments = ["scjg", "zjj", "zrzy"];
    private static readonly Actor Agent = new("agent", "王芳", Roles.Agent, null);
    private static readonly Actor Dispatcher = new("dispatcher", "李强", Roles.Dispatcher, null);
    private static readonly Actor Supervisor = new("supervisor", "陈静", Roles.Supervisor, null);
    private static readonly string[] Categories = ["utilities", "real-estate", "urban-management"];
    private DateTimeOffset now = start;

    public DateTimeOffset Now => now;

    public TicketDraft Draft() => new()
    {
        Type = (TicketType)random.Next(6),
        Channel = (Channel)random.Next(5),
        Priority = Priority.Normal,
        Requester = random.Next(3) == 0
            ? new Requester { Kind = RequesterKind.Enterprise, Name = "常州某公司", Phone = "051986001234", CreditCode = CreditCodes[random.Next(CreditCodes.Length)] }
            : new Requester { Kind = RequesterKind.Citizen, Name = "张三", Phone = $"1381234567{random.Next(4)}" },
        Title = random.Next(2) == 0 ? "小区停水三天无人处理" : "燃气管道漏气",
        Description = "来电反映情况，要求尽快处理。",
        CategoryCode = Categories[random.Next(Categories.Length)],
        DistrictCode = random.Next(4) == 0 ? null : random.Next(2) == 0 ? "tianning" : "zhonglou",
    };

    private static readonly string[] CreditCodes =
        ["91320400MA1X2Y3K5" + UnifiedSocialCreditCode.CheckCharacter("91320400MA1X2Y3K5"), "91320400MA1X2Y3K6" + UnifiedSocialCreditCode.CheckCharacter("91320400MA1X2Y3K6")];

    /// <summary>Moves the clock on by up to <paramref name="hours"/> hours.</summary>
    public DateTimeOffset Tick(int hours = 12) => now = now.AddMinutes(random.Next(1, hours * 60));

    /// <summary>One allowed step for the ticket, or null when it has none left. <paramref name="masters"/> are open tickets it may duplicate.</summary>
    public (TicketChange Change, Actor Actor)? Step(Ticket t, IReadOnlyList<Ticket> masters)
    {
        var handler = t.AssignedDepartmentCode is { } d ? new Actor($"h-{d}", "承办人", Roles.DepartmentHandler, d) : null;
        var candidates = new List<(TicketChange, Actor?)>
        {
            (new ResolvedAtIntake("已当场答复。"), Agent),
            (Dispatch(t), random.Next(3) == 0 ? Supervisor : Dispatcher),
            (new SignedFor(null), handler),
            (new Returned(ReturnReason.OutsideJurisdiction, "不属本辖区"), handler),
            (new Replied(ReplyResult.Resolved, "已处理。", null), handler),
            (new SlaBreached(random.Next(2) == 0 ? SlaClockKind.SignFor : SlaClockKind.Handling, now), Actor.System),
            (new Rated((RatingLevel)random.Next(5), random.Next(2) == 0, null), RatingRules.Requester()),
            (new RatingAppealed("诉求不合理"), t.RatedDepartmentCode is { } rd ? new Actor($"h-{rd}", "承办人", Roles.DepartmentHandler, rd) : null),
            (new AppealDecided(random.Next(2) == 0, "审核意见"), Supervisor),
            (new Reopened("整改", Rectification: random.Next(2) == 0), Actor.System),
            (new Closed(null), Agent),
            (new Withdrawn("诉求人撤回"), random.Next(10) == 0 ? Agent : null), // rare: it ends the history
            (new ExtensionRequested("需要协调", now.AddDays(5)), handler),
            (new ExtensionDecided(true, null, null), Supervisor),
            (new CoHandlingContributed("", "已配合。"), t.CoHandlingDepartmentCodes.Count > 0 ? new Actor("co", "协办", Roles.DepartmentHandler, t.CoHandlingDepartmentCodes[0]) : null),
        };
        var master = masters.FirstOrDefault(m => m.Id != t.Id && m.Status is TicketStatus.Registered or TicketStatus.Dispatched or TicketStatus.SignedFor);
        if (master is not null && random.Next(10) == 0)
            candidates.Add((new MarkedDuplicate(master.Number), Dispatcher));
        var allowed = candidates
            .Where(c => c.Item2 is not null)
            .Select(c => (Change: c.Item1.Complete(t, c.Item2!), Actor: c.Item2!))
            .Where(c => TicketWorkflow.Check(TicketWorkflow.ForChange(c.Change).Action, t.Status, t.AssignedDepartmentCode, c.Actor, t.CoHandlingDepartmentCodes) == TransitionVerdict.Allowed)
            .Where(c => TicketGuards.Check(t, c.Change, c.Actor, WorkflowPolicy.Default, now) is null)
            .ToList();
        if (allowed.Count == 0)
            return null;
        return allowed[random.Next(allowed.Count)];
    }

    private Dispatched Dispatch(Ticket t)
    {
        var department = Departments[random.Next(Departments.Length)];
        var co = random.Next(3) == 0 ? Departments.Where(x => x != department).Take(1).ToList() : [];
        return new Dispatched(department, null, CoHandlingDepartmentCodes: co);
    }
}
