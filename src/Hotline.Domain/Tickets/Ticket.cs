using Hotline.Domain.Access;

namespace Hotline.Domain.Tickets;

/// <summary>
/// 工单: one citizen's or enterprise's matter. The row is a projection of the ticket's events: every change is made by
/// <see cref="Apply"/> on a <see cref="TicketEvent"/>, so replaying the history rebuilds exactly this state.
/// </summary>
public sealed class Ticket
{
    public long Id { get; private set; }
    public string Number { get; private set; } = "";
    public TicketType Type { get; private set; }
    public Channel Channel { get; private set; }
    public Priority Priority { get; private set; }

    public RequesterKind RequesterKind { get; private set; }
    public string RequesterName { get; private set; } = "";
    public string RequesterPhone { get; private set; } = "";
    public string? RequesterEmail { get; private set; }
    public string? RequesterCreditCode { get; private set; }
    public string? RequesterContactPerson { get; private set; }
    public bool RequesterConfidential { get; private set; }

    public string Title { get; private set; } = "";
    public string Description { get; private set; } = "";
    public string CategoryCode { get; private set; } = "";
    public string? DistrictCode { get; private set; }
    public string? Address { get; private set; }
    public List<string> Tags { get; private set; } = [];

    /// <summary>首问负责: the agent who registered the ticket stays its first-contact owner.</summary>
    public string OwnerId { get; private set; } = "";
    public string OwnerName { get; private set; } = "";

    public TicketStatus Status { get; private set; }
    public string? AssignedDepartmentCode { get; private set; }
    /// <summary>Assigned to the department's enterprise-service desk (企业服务专席).</summary>
    public bool AtEnterpriseDesk { get; private set; }
    public string? IntakeAnswer { get; private set; }
    public ReplyResult? ReplyResult { get; private set; }
    public string? Resolution { get; private set; }
    public int ReturnCount { get; private set; }
    public int ReopenCount { get; private set; }

    /// <summary>协办单位 of the current dispatch.</summary>
    public List<string> CoHandlingDepartmentCodes { get; private set; } = [];
    /// <summary>
    /// Has co-handling departments (<see cref="CoHandlingDepartmentCodes"/> not empty), kept after every event: a partial
    /// index on it makes a department's co-handled tickets an index range (no index reads inside the list).
    /// </summary>
    public bool CoHandled { get; private set; }
    /// <summary>Every department that returned this ticket, once per return: counts against them, limits ping-pong.</summary>
    public List<string> ReturnedBy { get; private set; } = [];

    public DateTimeOffset? PendingExtensionDeadline { get; private set; }
    /// <summary>The approved new deadline (延期), which the SLA engine uses instead of the policy's.</summary>
    public DateTimeOffset? ExtendedDeadline { get; private set; }
    public int ExtensionCount { get; private set; }

    /// <summary>Supervision orders raised so far (督办单), numbered 1, 2, ... per ticket.</summary>
    public int SupervisionCount { get; private set; }
    public List<int> OpenSupervisionOrders { get; private set; } = [];
    /// <summary>
    /// Has supervision orders the department still has to answer (open orders while the ticket is with a department: the
    /// desks' 督办单 tabs), kept after every event like <see cref="InSupervisionQueue"/>: a partial index on it makes them a
    /// range instead of a test of every open ticket's JSON list of orders.
    /// </summary>
    public bool AwaitsOrderAnswer { get; private set; }
    /// <summary>In the leaders' queue of difficult tickets (领导督办), waiting for a leader's instructions.</summary>
    public bool InLeaderQueue { get; private set; }
    /// <summary>In the supervision queue (督办) as <see cref="UnderSupervision"/> defines it, kept after every event.</summary>
    public bool InSupervisionQueue { get; private set; }
    public string? LeaderInstructions { get; private set; }

    /// <summary>Since when the department waits for the requester (补充材料); the handling clock stands still meanwhile.</summary>
    public DateTimeOffset? AwaitingRequesterSince { get; private set; }
    /// <summary>A deadline of this ticket has passed (超时).</summary>
    public bool Overdue { get; private set; }
    /// <summary>
    /// The running handling clock's deadline (办理时限), null when none runs (a paused clock keeps its deadline): the
    /// department inbox's order, kept by the server's SLA clocks whenever they change the handling clock, so a page of the
    /// inbox is a range of an index in that order instead of a join and a sort of all the department's open tickets.
    /// </summary>
    public DateTimeOffset? HandlingDueAt { get; private set; }

    /// <summary>Sets <see cref="HandlingDueAt"/>; called by the SLA clocks only, after they have changed the handling clock.</summary>
    public void KeepHandlingDeadline(DateTimeOffset? dueAt) => HandlingDueAt = dueAt;

    /// <summary>好差评: the latest rating's level, its round (the reopen count it was given in) and the department it rated.</summary>
    public RatingLevel? Rating { get; private set; }
    public int? RatedRound { get; private set; }
    public string? RatedDepartmentCode { get; private set; }
    /// <summary>The rated department's appeal (申诉) against the latest rating, if any.</summary>
    public AppealState? RatingAppeal { get; private set; }
    /// <summary>How often the ticket was reopened for rectification (整改) after an unsatisfied rating.</summary>
    public int RectificationCount { get; private set; }

    /// <summary>For a duplicate (重复件): the ticket it follows.</summary>
    public string? MasterNumber { get; private set; }

    public DateTimeOffset RegisteredAt { get; private set; }
    public DateTimeOffset? DispatchedAt { get; private set; }
    public DateTimeOffset? SignedForAt { get; private set; }
    public DateTimeOffset? RepliedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Number of events applied; the optimistic-concurrency token.</summary>
    public int Version { get; private set; }

    /// <summary>Set by intake so a retried registration returns this ticket instead of a second one.</summary>
    public string? IdempotencyKey { get; set; }
    public string? IdempotencyFingerprint { get; set; }

    public Requester Requester => new()
    {
        Kind = RequesterKind,
        Name = RequesterName,
        Phone = RequesterPhone,
        Email = RequesterEmail,
        CreditCode = RequesterCreditCode,
        ContactPerson = RequesterContactPerson,
        Confidential = RequesterConfidential,
    };

    private Ticket()
    {
    }

    /// <summary>Registers a new ticket: its first event carries the whole draft.</summary>
    public static (Ticket Ticket, TicketEvent Event) Register(string number, TicketDraft draft, Actor actor, DateTimeOffset now)
    {
        var ticket = new Ticket();
        var e = TicketEvent.Create(ticket, 1, TicketAction.Register, null, TicketStatus.Registered, actor, now, new Registered(number, draft));
        ticket.Apply(e);
        return (ticket, e);
    }

    /// <summary>
    /// Takes a lifecycle action. The caller has already checked <see cref="TicketWorkflow.Check"/> and the change's
    /// own validation; this records the event and moves the projection.
    /// </summary>
    public TicketEvent Act(TicketChange change, Actor actor, DateTimeOffset now)
    {
        var transition = TicketWorkflow.ForChange(change);
        if (TicketWorkflow.Check(transition.Action, Status, AssignedDepartmentCode, actor, CoHandlingDepartmentCodes) != TransitionVerdict.Allowed)
            throw new InvalidOperationException($"{transition.Action} is not allowed for {actor.Role} in {Status}.");
        var e = TicketEvent.Create(this, Version + 1, transition.Action, Status, transition.To ?? Status, actor, now, change);
        Apply(e);
        return e;
    }

    /// <summary>Rebuilds a ticket from its history, oldest first.</summary>
    public static Ticket Replay(IEnumerable<TicketEvent> history)
    {
        var ticket = new Ticket();
        foreach (var e in history)
        {
            ticket.Id = e.TicketId;
            ticket.Apply(e);
        }
        return ticket;
    }

    private void Apply(TicketEvent e)
    {
        if (e.Version != Version + 1)
            throw new InvalidOperationException($"Event version {e.Version} does not follow {Version}.");

        switch (e.Change)
        {
            case Registered r:
                ApplyRegistration(r, e);
                break;
            case ResolvedAtIntake r:
                IntakeAnswer = r.Answer;
                break;
            case Dispatched d:
                AssignedDepartmentCode = d.DepartmentCode;
                AtEnterpriseDesk = d.EnterpriseDesk;
                CoHandlingDepartmentCodes = [.. d.CoHandlers];
                Overdue = false; // a new department round starts with fresh clocks
                DispatchedAt = e.OccurredAt;
                SignedForAt = null;
                break;
            case SignedFor:
                SignedForAt = e.OccurredAt;
                break;
            case Returned:
                // What bound the department that returned it (its extension, its supervision orders) ends with it.
                ReturnCount++;
                AwaitingRequesterSince = null;
                ReturnedBy = [.. ReturnedBy, AssignedDepartmentCode ?? ""];
                AssignedDepartmentCode = null;
                AtEnterpriseDesk = false;
                CoHandlingDepartmentCodes = [];
                SignedForAt = null;
                PendingExtensionDeadline = null;
                ExtendedDeadline = null;
                OpenSupervisionOrders = [];
                break;
            case Replied r:
                // The reply answers the matter, and with it any open supervision order and the leaders' attention.
                ReplyResult = r.Result;
                Resolution = r.Resolution;
                RepliedAt = e.OccurredAt;
                PendingExtensionDeadline = null;
                AwaitingRequesterSince = null;
                OpenSupervisionOrders = [];
                InLeaderQueue = false;
                break;
            case AnsweredWithMaster m:
                ReplyResult = m.Result;
                Resolution = m.Resolution;
                RepliedAt = e.OccurredAt;
                OpenSupervisionOrders = [];
                InLeaderQueue = false;
                break;
            case ProgressAdded or CoHandlingContributed:
                break;
            case ExtensionRequested x:
                PendingExtensionDeadline = x.RequestedDeadline;
                break;
            case ExtensionDecided x:
                if (x.Approved == true)
                {
                    ExtendedDeadline = x.ApprovedDeadline ?? PendingExtensionDeadline;
                    ExtensionCount++;
                }
                PendingExtensionDeadline = null;
                break;
            case SupervisionRaised s:
                SupervisionCount = s.OrderNumber;
                OpenSupervisionOrders = [.. OpenSupervisionOrders, s.OrderNumber];
                break;
            case SupervisionAnswered a:
                OpenSupervisionOrders = OpenSupervisionOrders.Where(n => n != a.OrderNumber).ToList();
                break;
            case EscalatedToLeader:
                InLeaderQueue = true;
                break;
            case LeaderInstructed l:
                // The leader's instructions are a supervision order the department must answer, like any other.
                InLeaderQueue = false;
                LeaderInstructions = l.Instructions;
                SupervisionCount = l.OrderNumber;
                OpenSupervisionOrders = [.. OpenSupervisionOrders, l.OrderNumber];
                break;
            case AwaitingRequester:
                AwaitingRequesterSince = e.OccurredAt;
                break;
            case RequesterResponded:
                AwaitingRequesterSince = null;
                break;
            case SlaWarned:
                break;
            case SlaBreached:
                Overdue = true;
                break;
            case MarkedDuplicate m:
                MasterNumber = m.MasterNumber;
                InLeaderQueue = false; // the master carries the matter now
                OpenSupervisionOrders = [];
                break;
            case Closed:
                ClosedAt = e.OccurredAt;
                break;
            case Withdrawn:
                // Nothing is left for anyone to do: what bound the department ends with the matter.
                ClosedAt = e.OccurredAt;
                PendingExtensionDeadline = null;
                AwaitingRequesterSince = null;
                OpenSupervisionOrders = [];
                InLeaderQueue = false;
                break;
            case Reopened r:
                // A new round of handling: the previous answer stays in the history, not on the ticket.
                ReopenCount++;
                if (r.Rectification)
                    RectificationCount++;
                ExtendedDeadline = null;
                ClosedAt = null;
                ReplyResult = null;
                Resolution = null;
                RepliedAt = null;
                break;
            case AttachmentAdded:
                break;
            case Rated r:
                // The latest rating; earlier rounds stay in the history (and the ratings table).
                Rating = r.Level;
                RatedRound = r.Round;
                RatedDepartmentCode = r.DepartmentCode;
                RatingAppeal = null;
                break;
            case RatingAppealed:
                RatingAppeal = AppealState.Pending;
                break;
            case AppealDecided d:
                RatingAppeal = d.Upheld == true ? AppealState.Upheld : AppealState.Rejected;
                break;
            case RequesterMessageAdded m:
                if (m.EndedWait)
                    AwaitingRequesterSince = null;
                break;
            case RevisitRecorded:
                break;
            default:
                throw new InvalidOperationException($"Unknown change {e.Change.GetType().Name}.");
        }

        Status = e.ToStatus;
        InSupervisionQueue = UnderSupervision.Holds(this);
        CoHandled = CoHandlingDepartmentCodes.Count > 0;
        AwaitsOrderAnswer = OpenSupervisionOrders.Count > 0 && TicketStates.WithDepartment.Contains(Status);
        Version = e.Version;
        UpdatedAt = e.OccurredAt;
    }

    private void ApplyRegistration(Registered r, TicketEvent e)
    {
        var d = r.Draft;
        Number = r.Number;
        Type = d.Type;
        Channel = d.Channel;
        Priority = d.Priority;
        RequesterKind = d.Requester.Kind;
        RequesterName = d.Requester.Name;
        RequesterPhone = d.Requester.Phone;
        RequesterEmail = d.Requester.Email;
        RequesterCreditCode = d.Requester.CreditCode;
        RequesterContactPerson = d.Requester.ContactPerson;
        RequesterConfidential = d.Requester.Confidential;
        Title = d.Title;
        Description = d.Description;
        CategoryCode = d.CategoryCode;
        DistrictCode = d.DistrictCode;
        Address = d.Address;
        Tags = [.. d.Tags];
        OwnerId = e.ActorId;
        OwnerName = e.ActorName;
        RegisteredAt = e.OccurredAt;
    }
}
