using Hotline.Domain.Access;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Queues;
using Hotline.Server.Ratings;
using Hotline.Server.Reference;
using Hotline.Server.Routing;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Desks;

/// <summary>One clock of a ticket as a desk shows it: the deadline and how far the SLA engine has got.</summary>
public sealed record DeskClock(SlaClockKind Kind, DateTimeOffset DueAt, SlaStage Stage, bool Paused);

/// <summary>The columns every desk row shares.</summary>
public sealed record DeskTicket(
    string Number, string Title, TicketStatus Status, Priority Priority, RequesterKind RequesterKind, string RequesterName,
    string CategoryName, string? DistrictName, string? DepartmentCode, string? DepartmentName, DateTimeOffset RegisteredAt, int Version,
    IReadOnlyList<string> AllowedActions)
{
    /// <summary>The requester's unsatisfied rating that sent the ticket back (整改), on the rows where rectification is worked.</summary>
    public DeskRating? Rating { get; init; }
}

/// <summary>不满意: how the requester rated the last answer, whether it solved the matter, and what they said.</summary>
public sealed record DeskRating(RatingLevel Level, bool Resolved, string? Comment, int Round);

/// <summary>退单 details of a returned ticket: who sent it back, why.</summary>
public sealed record ReturnInfo(string DepartmentCode, string DepartmentName, ReturnReason? Reason, string Explanation, DateTimeOffset At);

public sealed record DispatchRow(DeskTicket Ticket, IReadOnlyList<ProposalView> Proposals, ReturnInfo? Returned, string? ReopenReason, DeskClock? DispatchClock);

public sealed record InboxRow(
    DeskTicket Ticket, bool IsMain, DeskClock? SignFor, DeskClock? Handling, DateTimeOffset? PendingExtension,
    IReadOnlyList<int> OpenOrders, bool AwaitingRequester);

/// <summary>督办单 (or 领导批示) still waiting for the department's answer.</summary>
public sealed record OrderRow(DeskTicket Ticket, int OrderNumber, string Instructions, DateTimeOffset? DueAt, bool ByLeader, string RaisedBy, DateTimeOffset RaisedAt);

public sealed record SlaAlertRow(long Sequence, string Number, string Title, string? DepartmentName, SlaClockKind Clock, int Level, bool Breach, DateTimeOffset DueAt, DateTimeOffset At);

public sealed record ExtensionRow(DeskTicket Ticket, DateTimeOffset RequestedDeadline, string Reason, string RequestedBy, DeskClock? Handling);

public sealed record ReasonRow(DeskTicket Ticket, string Reason, string By, DateTimeOffset At);

/// <summary>
/// Today's figures for the leaders (今日数据), on the city's calendar day. Rates are null when nothing was counted yet.
/// </summary>
public sealed record TodayFigures(
    int Registered, int Dispatched, int Replied, int Closed, int OverdueNow,
    int RepliedOnTime, int RepliedWithDeadline, int SignedForOnTime, int SignedForWithDeadline,
    DeskSatisfaction Satisfaction)
{
    /// <summary>按时办结率: replied within the handling deadline / replied (with a handling clock).</summary>
    public double? OnTimeRate => RepliedWithDeadline == 0 ? null : (double)RepliedOnTime / RepliedWithDeadline;

    /// <summary>响应率: signed for within the sign-for limit / signed for.</summary>
    public double? ResponseRate => SignedForWithDeadline == 0 ? null : (double)SignedForOnTime / SignedForWithDeadline;
}

/// <summary>
/// 满意率 on a desk: the ratings given in the period as <see cref="RatingScores"/> (and <c>GET /api/ratings/summary</c>)
/// count them, on whichever scale <c>Ratings:Scale</c> sets, in total and per rated department.
/// </summary>
/// <param name="Rated">Ratings that count (an upheld appeal takes one out).</param>
/// <param name="Unsatisfied">不满意 (and 非常不满意 on the five-level scale) among them.</param>
/// <param name="Rate">Satisfied / rated; null when nothing was rated.</param>
public sealed record DeskSatisfaction(int Rated, int Satisfied, int Unsatisfied, double? Rate, IReadOnlyList<DepartmentScore> Departments)
{
    public static DeskSatisfaction Of(IReadOnlyList<DepartmentScore> departments)
    {
        var rated = departments.Sum(d => d.Rated);
        var satisfied = departments.Sum(d => d.Satisfied);
        return new(rated, satisfied, departments.Sum(UnsatisfiedIn), rated == 0 ? null : Math.Round((double)satisfied / rated, 4), departments);
    }

    public static int UnsatisfiedIn(DepartmentScore d) => d.Levels.Where(l => RatingRules.IsUnsatisfied(l.Key)).Sum(l => l.Value);
}

/// <summary>
/// What the four desks (派单台, 承办台, 督办台, 领导台) show. Each list is one indexed query plus one look-up of the
/// events or clocks of the rows shown, at most <see cref="Max"/> rows, and always through <see cref="TicketService.VisibleTo"/>.
/// </summary>
public sealed class DeskQueries(
    IDbContextFactory<HotlineDbContext> contexts, IServiceScopeFactory scopes, ReferenceData reference, TicketRouting routing, CityClock clock)
{
    public const int Max = 200;
    public const int MaxAlerts = 100;

    /// <summary>待派单: new, returned and reopened tickets, oldest first, with proposals and why a returned one came back.</summary>
    public async Task<IReadOnlyList<DispatchRow>> DispatchQueueAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tickets = await WorkQueues.Dispatch.Of(db.Tickets.AsNoTracking(), actor).OrderBy(t => t.Id).Take(Max).ToListAsync(ct);
        var ids = tickets.Select(t => t.Id).ToList();
        var events = await LatestEventsAsync(db, ids, [TicketAction.Return, TicketAction.Reopen], ct);
        var clocks = await ClocksAsync(db, ids, [SlaClockKind.Dispatch], ct);
        var ratings = await UnsatisfiedRatingsAsync(db, tickets, ct);
        return tickets.Select(t =>
        {
            ReturnInfo? returned = null;
            if (t.Status == TicketStatus.Returned && events.GetValueOrDefault((t.Id, TicketAction.Return)) is { Change: Returned r } e)
            {
                var dept = t.ReturnedBy.LastOrDefault() ?? "";
                returned = new ReturnInfo(dept, DepartmentName(dept) ?? dept, r.Reason, r.Explanation, e.At);
            }
            var reopen = t.Status == TicketStatus.Reopened && events.GetValueOrDefault((t.Id, TicketAction.Reopen)) is { Change: Reopened o } ? o.Reason : null;
            var proposals = routing.ProposalsFor(t).ToValueList();
            return new DispatchRow(Row(t, actor) with { Rating = ratings.GetValueOrDefault(t.Id) }, proposals, returned, reopen, clocks.GetValueOrDefault((t.Id, SlaClockKind.Dispatch)));
        }).ToList();
    }

    /// <summary>承办收件箱: dispatched and signed-for tickets the handler's department is on, by handling deadline.</summary>
    public async Task<IReadOnlyList<InboxRow>> InboxAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tickets = await WorkQueueOrder.DepartmentPageAsync(db.Tickets.AsNoTracking(), actor, Max, page => page.ToListAsync(ct), t => t.Id, ct);
        var clocks = await ClocksAsync(db, tickets.Select(t => t.Id).ToList(), [SlaClockKind.SignFor, SlaClockKind.Handling], ct);
        var ratings = await UnsatisfiedRatingsAsync(db, tickets, ct);
        return tickets.Select(t => new InboxRow(Row(t, actor) with { Rating = ratings.GetValueOrDefault(t.Id) }, !actor.IsDepartmentHandler || t.AssignedDepartmentCode == actor.DepartmentCode,
            t.Status == TicketStatus.Dispatched ? clocks.GetValueOrDefault((t.Id, SlaClockKind.SignFor)) : null,
            clocks.GetValueOrDefault((t.Id, SlaClockKind.Handling)),
            t.PendingExtensionDeadline, t.OpenSupervisionOrders.ToValueList(), t.AwaitingRequesterSince is not null)).ToList();
    }

    /// <summary>Open supervision orders and leaders' instructions, the earliest due first.</summary>
    public async Task<IReadOnlyList<OrderRow>> OpenOrdersAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tickets = await TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor, WorkQueues.OpenOrders)
            .OrderBy(t => t.Id).Take(Max).ToListAsync(ct);
        var ids = tickets.Select(t => t.Id).ToList();
        var raised = await db.TicketEvents.AsNoTracking()
            .Where(e => ids.Contains(e.TicketId) && (e.Action == TicketAction.Supervise || e.Action == TicketAction.LeaderInstruct))
            .Select(e => new { e.TicketId, e.Change, e.ActorName, e.OccurredAt }).ToListAsync(ct);
        var rows = new List<OrderRow>();
        foreach (var t in tickets)
        {
            foreach (var order in t.OpenSupervisionOrders)
            {
                var e = raised.LastOrDefault(x => x.TicketId == t.Id && OrderNumberOf(x.Change) == order);
                var (instructions, due, byLeader) = e?.Change switch
                {
                    SupervisionRaised s => (s.Instructions, s.DueAt, s.ByLeader),
                    LeaderInstructed l => (l.Instructions, l.DueAt, true),
                    _ => ("", (DateTimeOffset?)null, false),
                };
                rows.Add(new OrderRow(Row(t, actor), order, instructions, due, byLeader, e?.ActorName ?? "", e?.OccurredAt ?? t.UpdatedAt));
            }
        }
        return rows.OrderBy(r => r.DueAt ?? DateTimeOffset.MaxValue).ToList();
    }

    /// <summary>预警/超时 wall: the newest SLA warnings and breaches first.</summary>
    public async Task<IReadOnlyList<SlaAlertRow>> SlaAlertsAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var visible = TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor);
        var rows = await db.TicketEvents.AsNoTracking()
            .Where(e => e.Action == TicketAction.SlaWarn || e.Action == TicketAction.SlaBreach)
            .OrderByDescending(e => e.Id).Take(MaxAlerts)
            .Join(visible, e => e.TicketId, t => t.Id, (e, t) => new { e.Id, e.Change, e.OccurredAt, t.Number, t.Title, t.AssignedDepartmentCode })
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.Id).Select(r => r.Change switch
        {
            SlaWarned w => new SlaAlertRow(r.Id, r.Number, r.Title, DepartmentName(r.AssignedDepartmentCode), w.Clock, w.Level, false, w.DueAt, r.OccurredAt),
            SlaBreached b => new SlaAlertRow(r.Id, r.Number, r.Title, DepartmentName(r.AssignedDepartmentCode), b.Clock, 0, true, b.DueAt, r.OccurredAt),
            _ => null,
        }).OfType<SlaAlertRow>().ToList();
    }

    /// <summary>延期申请 waiting for a decision, with the reason and the deadline asked for.</summary>
    public async Task<IReadOnlyList<ExtensionRow>> PendingExtensionsAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tickets = await TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor)
            .Where(t => t.PendingExtensionDeadline != null).OrderBy(t => t.PendingExtensionDeadline).Take(Max).ToListAsync(ct);
        var ids = tickets.Select(t => t.Id).ToList();
        var events = await LatestEventsAsync(db, ids, [TicketAction.RequestExtension], ct);
        var clocks = await ClocksAsync(db, ids, [SlaClockKind.Handling], ct);
        return tickets.Select(t =>
        {
            var e = events.GetValueOrDefault((t.Id, TicketAction.RequestExtension));
            return new ExtensionRow(Row(t, actor), t.PendingExtensionDeadline!.Value, (e?.Change as ExtensionRequested)?.Reason ?? "", e?.ActorName ?? "",
                clocks.GetValueOrDefault((t.Id, SlaClockKind.Handling)));
        }).ToList();
    }

    /// <summary>重办整改: reopened tickets waiting to go back to a department, with the reason they were reopened.</summary>
    public Task<IReadOnlyList<ReasonRow>> ReopenedAsync(Actor actor, CancellationToken ct) =>
        WithReasonAsync(actor, t => t.Status == TicketStates.UnderRectification, TicketAction.Reopen, c => (c as Reopened)?.Reason, ct);

    /// <summary>领导督办: tickets escalated to the leaders, with why they were escalated.</summary>
    public Task<IReadOnlyList<ReasonRow>> LeaderQueueAsync(Actor actor, CancellationToken ct) =>
        WithReasonAsync(actor, WorkQueues.Leader.Filter, TicketAction.EscalateToLeader, c => (c as EscalatedToLeader)?.Reason, ct);

    /// <summary>
    /// 重复件提示 for a page of tickets, each as <c>GET /api/tickets/{number}/duplicate-hints</c> gives them, in a few
    /// statements for the page (one per ticket made the dispatch desk's 50 hinted rows about 300 statements); tickets gone
    /// from the actor's sight meanwhile are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DuplicateHintsView>> HintsAsync(IReadOnlyCollection<string> numbers, Actor actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DuplicateHints>().ForTicketsAsync(numbers, actor, ct);
    }

    /// <summary>Any ticket the actor may see, for forms that take a ticket number (raise supervision).</summary>
    public async Task<DeskTicket?> FindAsync(string number, Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var t = await TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor).FirstOrDefaultAsync(x => x.Number == number, ct);
        return t is null ? null : Row(t, actor);
    }

    /// <summary>
    /// 今日数据. Counts come from the ticket's own timestamps (the latest dispatch, reply and close); the rates compare the
    /// sign-for and handling clocks' stop with their deadline for the tickets signed for or replied today.
    /// </summary>
    public async Task<TodayFigures> TodayAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var start = clock.StartOf(clock.Today);
        var now = clock.Now;
        var tickets = TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor);
        // One count per instant, each a range of its own index: one query with the four conditions OR-ed read every
        // ticket (SCAN; 60–110 ms at 100,000 tickets, ten times that at 1M, docs/benchmarks.md "desks: notes").
        var registered = await tickets.CountAsync(t => t.RegisteredAt >= start, ct);
        var dispatched = await tickets.CountAsync(t => t.DispatchedAt >= start, ct);
        var repliedToday = await tickets.CountAsync(t => t.RepliedAt >= start, ct);
        var closed = await tickets.CountAsync(t => t.ClosedAt >= start, ct);
        var overdue = await db.SlaClocks.Where(c => c.StoppedAt == null && c.PausedAt == null && c.DueAt < now)
            .Join(tickets, c => c.TicketId, t => t.Id, (c, t) => c.TicketId).Distinct().CountAsync(ct);
        var replied = await OnTimeAsync(db, tickets.Where(t => t.RepliedAt >= start), SlaClockKind.Handling, ct);
        var signed = await OnTimeAsync(db, tickets.Where(t => t.SignedForAt >= start), SlaClockKind.SignFor, ct);
        return new TodayFigures(registered, dispatched, repliedToday, closed, overdue,
            replied.OnTime, replied.Total, signed.OnTime, signed.Total, await SatisfactionAsync(clock.Today, clock.Today, ct));
    }

    /// <summary>
    /// 满意率 of the ratings given from <paramref name="from"/> to <paramref name="to"/> (local days, both included): the
    /// numbers of <c>GET /api/ratings/summary</c>. Only the roles that may read that summary open the desks showing it.
    /// </summary>
    public async Task<DeskSatisfaction> SatisfactionAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return DeskSatisfaction.Of(await scope.ServiceProvider.GetRequiredService<RatingScores>().SummaryAsync(from, to, null, ct));
    }

    private static async Task<(int OnTime, int Total)> OnTimeAsync(HotlineDbContext db, IQueryable<Ticket> tickets, SlaClockKind kind, CancellationToken ct)
    {
        var stops = db.SlaClocks.Where(c => c.Kind == kind && c.StoppedAt != null)
            .Join(tickets, c => c.TicketId, t => t.Id, (c, t) => new { c.StoppedAt, c.DueAt });
        var total = await stops.CountAsync(ct);
        var onTime = total == 0 ? 0 : await stops.CountAsync(c => c.StoppedAt <= c.DueAt, ct);
        return (onTime, total);
    }

    private async Task<IReadOnlyList<ReasonRow>> WithReasonAsync(Actor actor, System.Linq.Expressions.Expression<Func<Ticket, bool>> filter,
        TicketAction action, Func<TicketChange, string?> reason, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var tickets = await TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor, filter).OrderBy(t => t.Id).Take(Max).ToListAsync(ct);
        var events = await LatestEventsAsync(db, tickets.Select(t => t.Id).ToList(), [action], ct);
        var ratings = await UnsatisfiedRatingsAsync(db, tickets, ct);
        return tickets.Select(t =>
        {
            var e = events.GetValueOrDefault((t.Id, action));
            return new ReasonRow(Row(t, actor) with { Rating = ratings.GetValueOrDefault(t.Id) }, e is null ? "" : reason(e.Change) ?? "", e?.ActorName ?? "", e?.At ?? t.UpdatedAt);
        }).ToList();
    }

    private sealed record EventInfo(TicketChange Change, string ActorName, DateTimeOffset At);

    /// <summary>The latest event of each action for these tickets: one query on the (ticket, version) index.</summary>
    private static async Task<Dictionary<(long, TicketAction), EventInfo>> LatestEventsAsync(HotlineDbContext db, List<long> ids, TicketAction[] actions, CancellationToken ct)
    {
        if (ids.Count == 0)
            return [];
        var rows = await db.TicketEvents.AsNoTracking().Where(e => ids.Contains(e.TicketId) && actions.Contains(e.Action))
            .Select(e => new { e.TicketId, e.Action, e.Version, e.Change, e.ActorName, e.OccurredAt }).ToListAsync(ct);
        return rows.GroupBy(r => (r.TicketId, r.Action)).ToDictionary(g => g.Key, g =>
        {
            var latest = g.MaxBy(r => r.Version)!;
            return new EventInfo(latest.Change, latest.ActorName, latest.OccurredAt);
        });
    }

    /// <summary>
    /// The rating that reopened each ticket, for the tickets now in rectification (reopened after a rating): the latest
    /// round rated, when it was unsatisfied. One query on the ratings' ticket index.
    /// </summary>
    private static async Task<Dictionary<long, DeskRating>> UnsatisfiedRatingsAsync(HotlineDbContext db, IReadOnlyList<Ticket> tickets, CancellationToken ct)
    {
        var ids = tickets.Where(t => t.ReopenCount > 0).Select(t => t.Id).ToList();
        if (ids.Count == 0)
            return [];
        var rows = await db.Ratings.AsNoTracking().Where(r => ids.Contains(r.TicketId))
            .Select(r => new { r.TicketId, r.Round, r.Level, r.Resolved, r.Comment }).ToListAsync(ct);
        return rows.GroupBy(r => r.TicketId).Select(g => g.MaxBy(r => r.Round)!)
            .Where(r => RatingRules.IsUnsatisfied(r.Level))
            .ToDictionary(r => r.TicketId, r => new DeskRating(r.Level, r.Resolved, r.Comment, r.Round));
    }

    private static async Task<Dictionary<(long, SlaClockKind), DeskClock>> ClocksAsync(HotlineDbContext db, List<long> ids, SlaClockKind[] kinds, CancellationToken ct)
    {
        if (ids.Count == 0)
            return [];
        // Running and without a problem is tested here, not in SQL: with StoppedAt IS NULL in the query SQLite read every running
        // clock through the (StoppedAt, PausedAt, DueAt) index (220–280 ms at 1M tickets) instead of these tickets' few clocks.
        var rows = await db.SlaClocks.AsNoTracking()
            .Where(c => ids.Contains(c.TicketId) && kinds.Contains(c.Kind))
            .Select(c => new { c.TicketId, c.Kind, c.DueAt, c.Stage, c.PausedAt, c.StoppedAt, c.Problem }).ToListAsync(ct);
        return rows.Where(r => r.StoppedAt == null && r.Problem == null)
            .ToDictionary(r => (r.TicketId, r.Kind), r => new DeskClock(r.Kind, r.DueAt, r.Stage, r.PausedAt is not null));
    }

    private static int? OrderNumberOf(TicketChange change) => change switch
    {
        SupervisionRaised s => s.OrderNumber,
        LeaderInstructed l => l.OrderNumber,
        _ => null,
    };

    private DeskTicket Row(Ticket t, Actor actor) => new(
        t.Number, RequesterRedaction.For(t.Requester, actor.SeesConfidentialRequesters)?.Text(t.Title) ?? t.Title, t.Status, t.Priority, t.RequesterKind,
        t.RequesterConfidential && !actor.SeesConfidentialRequesters ? Masking.MaskName(t.RequesterName) : t.RequesterName,
        reference.CategoryName(t.CategoryCode),
        t.DistrictCode is null ? null : reference.DistrictName(t.DistrictCode),
        t.AssignedDepartmentCode, DepartmentName(t.AssignedDepartmentCode), t.RegisteredAt, t.Version,
        TicketWorkflow.AllowedActions(t.Status, t.AssignedDepartmentCode, actor, t.CoHandlingDepartmentCodes).ToValueList());

    private string? DepartmentName(string? code) => code is null ? null : reference.DepartmentName(code);
}
