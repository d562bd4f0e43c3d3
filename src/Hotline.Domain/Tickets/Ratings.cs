using Hotline.Domain.Access;

namespace Hotline.Domain.Tickets;

/// <summary>好差评: how satisfied the requester is with the answer, on the national five-level scale.</summary>
public enum RatingLevel
{
    /// <summary>非常满意 (five-level scale only)</summary>
    VerySatisfied,
    /// <summary>满意</summary>
    Satisfied,
    /// <summary>基本满意</summary>
    BasicallySatisfied,
    /// <summary>不满意</summary>
    Dissatisfied,
    /// <summary>非常不满意 (five-level scale only)</summary>
    VeryDissatisfied,
}

/// <summary>Which levels a centre offers: the three-level scale of many 12345 centres or the national five-level one.</summary>
public enum RatingScale
{
    Three,
    Five,
}

/// <summary>How a rating reached the centre.</summary>
public enum RatingChannel
{
    /// <summary>The requester followed the signed link (评价链接).</summary>
    Link,
    /// <summary>Given on the revisit phone call (电话回访) and recorded by an agent.</summary>
    Phone,
    /// <summary>Recorded through the API (a staff member or an integration).</summary>
    Api,
}

/// <summary>申诉: where a department's appeal against a rating stands.</summary>
public enum AppealState
{
    Pending,
    /// <summary>申诉成立: the rating stays on record but no longer counts against the department.</summary>
    Upheld,
    /// <summary>申诉不成立</summary>
    Rejected,
}

/// <summary>How a requester's message (诉求人补充) arrived.</summary>
public enum RequesterMessageChannel
{
    /// <summary>The self-service page (自助查询).</summary>
    SelfService,
    /// <summary>A reply to one of the centre's emails.</summary>
    Email,
}

/// <summary>The rules of ratings and rectification (整改), as pure functions of the ticket and the policy.</summary>
public static class RatingRules
{
    public static IReadOnlyList<RatingLevel> Levels(RatingScale scale) => scale == RatingScale.Five
        ? [RatingLevel.VerySatisfied, RatingLevel.Satisfied, RatingLevel.BasicallySatisfied, RatingLevel.Dissatisfied, RatingLevel.VeryDissatisfied]
        : [RatingLevel.Satisfied, RatingLevel.BasicallySatisfied, RatingLevel.Dissatisfied];

    public static bool IsOnScale(RatingLevel level, RatingScale scale) => Levels(scale).Contains(level);

    /// <summary>不满意 or 非常不满意: the answer is reworked (整改).</summary>
    public static bool IsUnsatisfied(RatingLevel level) => level is RatingLevel.Dissatisfied or RatingLevel.VeryDissatisfied;

    /// <summary>The satisfaction rate counts 非常满意, 满意 and 基本满意 as satisfied.</summary>
    public static bool CountsAsSatisfied(RatingLevel level) => !IsUnsatisfied(level);

    /// <summary>The Chinese name of a level, as the requester sees it.</summary>
    public static string Label(RatingLevel level) => level switch
    {
        RatingLevel.VerySatisfied => "非常满意",
        RatingLevel.Satisfied => "满意",
        RatingLevel.BasicallySatisfied => "基本满意",
        RatingLevel.Dissatisfied => "不满意",
        _ => "非常不满意",
    };

    /// <summary>
    /// What the system does, in the same transaction, after a rating is recorded: nothing for a satisfied one; for an
    /// unsatisfied one the ticket is reopened for rectification (整改) with a supervision order the next department must
    /// answer, or, once <see cref="WorkflowPolicy.MaxRectificationRounds"/> rounds of rectification have not satisfied
    /// the requester, reopened and put in the leaders' queue instead.
    /// </summary>
    public static IReadOnlyList<TicketChange> AfterRating(Ticket ticket, Rated rating, WorkflowPolicy policy, DateTimeOffset orderDueAt)
    {
        if (rating.Level is not { } level || !IsUnsatisfied(level))
            return [];
        var round = ticket.RectificationCount + 1;
        var reopen = new Reopened(SystemTexts.RectificationReopen.Format(Label(level), round), Rectification: true);
        if (ticket.RectificationCount >= policy.MaxRectificationRounds)
            return [reopen, new EscalatedToLeader(SystemTexts.RectificationToLeader.Format(ticket.RectificationCount, Label(level)))];
        return [reopen, new SupervisionRaised(0, SystemTexts.RectificationOrder.Format(Label(level)), orderDueAt)];
    }

    /// <summary>A revisit call on which the requester gave a rating records that rating too, on the phone channel.</summary>
    public static Rated? RatingOf(RevisitRecorded revisit) =>
        revisit is { Reached: true, Level: { } level } ? new Rated(level, revisit.Resolved, revisit.Notes, RatingChannel.Phone) : null;

    /// <summary>
    /// 整改: a ticket reopened after an unsatisfied rating goes back to the dispatch queue with the department that
    /// answered proposed first (with its co-handlers); the dispatcher may still choose another proposal.
    /// </summary>
    public static IReadOnlyList<Routing.RoutingProposal> ProposeAgain(Ticket ticket, IReadOnlyList<Routing.RoutingProposal> proposals)
    {
        if (ticket is not { Status: TicketStatus.Reopened, RectificationCount: > 0, AssignedDepartmentCode: { } previous })
            return proposals;
        var again = new Routing.RoutingProposal(previous, [.. ticket.CoHandlingDepartmentCodes], null,
            $"整改：原承办单位重新办理（第 {ticket.RectificationCount} 次整改）", Routing.TicketRouter.MaxScore, 1.0);
        return [again, .. proposals.Where(p => p.DepartmentCode != previous)];
    }

    /// <summary>The actor for a requester acting through a public page or an email (no login).</summary>
    public static Actor Requester(string? name = null) => new("requester", string.IsNullOrWhiteSpace(name) ? "诉求人" : name, Roles.Requester, null);
}
