using System.Text.Json.Serialization;

namespace Hotline.Domain.Tickets;

/// <summary>
/// What happened to a ticket: the payload of one ticket event. Each lifecycle action has one change type; the
/// request body of <c>POST /api/tickets/{number}/actions/{action}</c> is that change, validated by <see cref="Validate"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(Registered), "registered")]
[JsonDerivedType(typeof(ResolvedAtIntake), "resolved-at-intake")]
[JsonDerivedType(typeof(Dispatched), "dispatched")]
[JsonDerivedType(typeof(SignedFor), "signed-for")]
[JsonDerivedType(typeof(Returned), "returned")]
[JsonDerivedType(typeof(Replied), "replied")]
[JsonDerivedType(typeof(Closed), "closed")]
[JsonDerivedType(typeof(Reopened), "reopened")]
[JsonDerivedType(typeof(AttachmentAdded), "attachment-added")]
[JsonDerivedType(typeof(ProgressAdded), "progress-added")]
[JsonDerivedType(typeof(CoHandlingContributed), "co-handling-contributed")]
[JsonDerivedType(typeof(ExtensionRequested), "extension-requested")]
[JsonDerivedType(typeof(ExtensionDecided), "extension-decided")]
[JsonDerivedType(typeof(SupervisionRaised), "supervision-raised")]
[JsonDerivedType(typeof(SupervisionAnswered), "supervision-answered")]
[JsonDerivedType(typeof(EscalatedToLeader), "escalated-to-leader")]
[JsonDerivedType(typeof(LeaderInstructed), "leader-instructed")]
[JsonDerivedType(typeof(MarkedDuplicate), "marked-duplicate")]
[JsonDerivedType(typeof(AnsweredWithMaster), "answered-with-master")]
[JsonDerivedType(typeof(AwaitingRequester), "awaiting-requester")]
[JsonDerivedType(typeof(RequesterResponded), "requester-responded")]
[JsonDerivedType(typeof(SlaWarned), "sla-warned")]
[JsonDerivedType(typeof(SlaBreached), "sla-breached")]
[JsonDerivedType(typeof(Rated), "rated")]
[JsonDerivedType(typeof(RatingAppealed), "rating-appealed")]
[JsonDerivedType(typeof(AppealDecided), "appeal-decided")]
[JsonDerivedType(typeof(RequesterMessageAdded), "requester-message-added")]
[JsonDerivedType(typeof(RevisitRecorded), "revisit-recorded")]
[JsonDerivedType(typeof(Withdrawn), "withdrawn")]
public abstract record TicketChange
{
    public virtual IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => [];

    /// <summary>Fills what the server assigns rather than the caller (order numbers, the contributing department).</summary>
    public virtual TicketChange Complete(Ticket ticket, Access.Actor actor) => this;

    private protected static void RequireText(List<FieldError> errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
            errors.Add(new(field, ErrorCodes.Required));
        else if (value.Length > max)
            errors.Add(new(field, ErrorCodes.TooLong, max));
    }

    /// <summary>The whole validation of a change whose only field is one required text.</summary>
    private protected static IReadOnlyList<FieldError> RequiredText(string field, string? value)
    {
        var errors = new List<FieldError>();
        RequireText(errors, field, value, MaxText);
        return errors;
    }

    /// <summary>The whole validation of a change whose only field is one optional text.</summary>
    private protected static IReadOnlyList<FieldError> OptionalTextOnly(string field, string? value)
    {
        var errors = new List<FieldError>();
        OptionalText(errors, field, value, MaxText);
        return errors;
    }

    private protected static void OptionalText(List<FieldError> errors, string field, string? value, int max)
    {
        if (value is { Length: > 0 } && value.Length > max)
            errors.Add(new(field, ErrorCodes.TooLong, max));
    }

    public const int MaxText = 4000;
}

/// <summary>登记: the first event of every ticket, carrying everything registered.</summary>
public sealed record Registered(string Number, TicketDraft Draft) : TicketChange;

/// <summary>
/// 一次办结: the agent answered the caller at once, usually from the knowledge base; then <paramref name="ArticleId"/>
/// and <paramref name="ArticleVersion"/> name the article version the answer came from.
/// </summary>
public sealed record ResolvedAtIntake(string Answer, long? ArticleId = null, int? ArticleVersion = null) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => RequiredText("answer", Answer);
}

/// <summary>
/// 派单: sent to the department that must answer it; <paramref name="EnterpriseDesk"/> routes an enterprise's ticket to
/// that department's enterprise-service desk (企业服务专席) first.
/// </summary>
public sealed record Dispatched(string DepartmentCode, string? Instructions, bool EnterpriseDesk = false, IReadOnlyList<string>? CoHandlingDepartmentCodes = null)
    : TicketChange
{
    /// <summary>协办单位: departments that add their part; the main department (主办) coordinates and replies.</summary>
    public IReadOnlyList<string> CoHandlers => CoHandlingDepartmentCodes ?? [];

    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(DepartmentCode))
            errors.Add(new("departmentCode", ErrorCodes.Required));
        else if (!codes.IsDepartment(DepartmentCode))
            errors.Add(new("departmentCode", ErrorCodes.UnknownDepartment, DepartmentCode));
        else if (EnterpriseDesk && !codes.HasEnterpriseDesk(DepartmentCode))
            errors.Add(new("enterpriseDesk", ErrorCodes.NoEnterpriseDesk, DepartmentCode));
        for (var i = 0; i < CoHandlers.Count; i++)
        {
            if (!codes.IsDepartment(CoHandlers[i]))
                errors.Add(new($"coHandlingDepartmentCodes[{i}]", ErrorCodes.UnknownDepartment, CoHandlers[i]));
            else if (CoHandlers[i] == DepartmentCode || CoHandlers.Take(i).Contains(CoHandlers[i]))
                errors.Add(new($"coHandlingDepartmentCodes[{i}]", ErrorCodes.DuplicateDepartment, CoHandlers[i]));
        }
        OptionalText(errors, "instructions", Instructions, MaxText);
        return errors;
    }
}

/// <summary>签收: the assigned department accepts the ticket.</summary>
public sealed record SignedFor(string? Note) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => OptionalTextOnly("note", Note);
}

/// <summary>Why a department sends a ticket back (退单原因).</summary>
public enum ReturnReason
{
    /// <summary>非本单位职责</summary>
    NotOurResponsibility,
    /// <summary>不属本辖区</summary>
    OutsideJurisdiction,
    /// <summary>诉求信息不全</summary>
    IncompleteInformation,
    /// <summary>其他</summary>
    Other,
}

/// <summary>退单: the department says the ticket is not theirs; it goes back to the dispatch queue.</summary>
public sealed record Returned(ReturnReason? Reason, string Explanation) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        if (Reason is null)
            errors.Add(new("reason", ErrorCodes.Required));
        RequireText(errors, "explanation", Explanation, MaxText);
        return errors;
    }
}

/// <summary>The outcome a department reports with its reply (办理结果).</summary>
public enum ReplyResult
{
    /// <summary>已解决</summary>
    Resolved,
    /// <summary>部分解决</summary>
    PartiallyResolved,
    /// <summary>已解释说明 (无法解决，附法律依据)</summary>
    Explained,
    /// <summary>重复件</summary>
    Duplicate,
}

/// <summary>办结/答复: the department's answer; ends the department's clock.</summary>
public sealed record Replied(ReplyResult? Result, string Resolution, string? LegalBasis, IReadOnlyList<long>? AttachmentIds = null) : TicketChange
{
    /// <summary>Files already attached to the ticket that belong to the answer (e.g. an inspection report).</summary>
    public IReadOnlyList<long> Attachments => AttachmentIds ?? [];

    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        if (Result is null)
            errors.Add(new("result", ErrorCodes.Required));
        RequireText(errors, "resolution", Resolution, MaxText);
        if (Result == ReplyResult.Explained)
            RequireText(errors, "legalBasis", LegalBasis, MaxText); // "not resolvable" must cite its basis
        else
            OptionalText(errors, "legalBasis", LegalBasis, MaxText);
        return errors;
    }
}

/// <summary>归档: the matter is finished.</summary>
public sealed record Closed(string? Note) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => OptionalTextOnly("note", Note);
}

/// <summary>
/// 重办: reopened for another round of handling, history intact. <paramref name="Rectification"/> marks the system's
/// reopening after an unsatisfied rating (整改), which counts towards the leaders' queue.
/// </summary>
public sealed record Reopened(string Reason, bool Rectification = false) : TicketChange
{
    /// <summary>Only the system reopens for rectification; a person's reopening is an ordinary one.</summary>
    public override TicketChange Complete(Ticket ticket, Access.Actor actor) => actor == Access.Actor.System ? this : this with { Rectification = false };

    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => RequiredText("reason", Reason);
}

/// <summary>A file was attached; the bytes live under data/attachments, the metadata in the database.</summary>
public sealed record AttachmentAdded(long AttachmentId, string FileName, string ContentType, long Size) : TicketChange;

/// <summary>办理进展: an intermediate note, so an agent can answer a caller who phones again.</summary>
public sealed record ProgressAdded(string Note) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => RequiredText("note", Note);
}

/// <summary>协办意见: a co-handling department's part of the answer; the main department replies.</summary>
public sealed record CoHandlingContributed(string DepartmentCode, string Contribution) : TicketChange
{
    public override TicketChange Complete(Ticket ticket, Access.Actor actor) => this with { DepartmentCode = actor.DepartmentCode ?? "" };

    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => RequiredText("contribution", Contribution);
}

/// <summary>延期申请: the department asks for more time, with a reason and the deadline it wants.</summary>
public sealed record ExtensionRequested(string Reason, DateTimeOffset? RequestedDeadline) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        RequireText(errors, "reason", Reason, MaxText);
        if (RequestedDeadline is null)
            errors.Add(new("requestedDeadline", ErrorCodes.Required));
        return errors;
    }
}

/// <summary>延期审批: approved (the deadline moves; the SLA engine honours it) or rejected.</summary>
public sealed record ExtensionDecided(bool? Approved, string? Comment, DateTimeOffset? ApprovedDeadline) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        if (Approved is null)
            errors.Add(new("approved", ErrorCodes.Required));
        else if (Approved == false)
            RequireText(errors, "comment", Comment, MaxText); // a refusal says why
        else
            OptionalText(errors, "comment", Comment, MaxText);
        return errors;
    }
}

/// <summary>督办: a supervisor's order with instructions and a deadline; the department must answer it.</summary>
public sealed record SupervisionRaised(int OrderNumber, string Instructions, DateTimeOffset? DueAt, bool ByLeader = false) : TicketChange
{
    public override TicketChange Complete(Ticket ticket, Access.Actor actor) => this with { OrderNumber = ticket.SupervisionCount + 1, ByLeader = false };

    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        RequireText(errors, "instructions", Instructions, MaxText);
        if (DueAt is null)
            errors.Add(new("dueAt", ErrorCodes.Required));
        return errors;
    }
}

/// <summary>督办回复: the department's answer to one supervision order.</summary>
public sealed record SupervisionAnswered(int? OrderNumber, string Answer) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        if (OrderNumber is null)
            errors.Add(new("orderNumber", ErrorCodes.Required));
        RequireText(errors, "answer", Answer, MaxText);
        return errors;
    }
}

/// <summary>提请领导督办: a difficult, long-standing ticket goes to the leaders' queue ("区长热线日").</summary>
public sealed record EscalatedToLeader(string Reason) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => RequiredText("reason", Reason);
}

/// <summary>领导批示: a leader takes the ticket from the queue with instructions, which the department must answer.</summary>
public sealed record LeaderInstructed(int OrderNumber, string Instructions, DateTimeOffset? DueAt) : TicketChange
{
    public override TicketChange Complete(Ticket ticket, Access.Actor actor) => this with { OrderNumber = ticket.SupervisionCount + 1 };

    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        RequireText(errors, "instructions", Instructions, MaxText);
        if (DueAt is null)
            errors.Add(new("dueAt", ErrorCodes.Required));
        return errors;
    }
}

/// <summary>重复件: this ticket repeats an open master; it follows the master and is answered with it, keeping its own requester.</summary>
public sealed record MarkedDuplicate(string MasterNumber) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(MasterNumber))
            errors.Add(new("masterNumber", ErrorCodes.Required));
        else if (!TicketNumber.IsWellFormed(MasterNumber))
            errors.Add(new("masterNumber", ErrorCodes.InvalidTicketNumber));
        return errors;
    }
}

/// <summary>随主件答复: the system answers a duplicate with its master's reply.</summary>
public sealed record AnsweredWithMaster(string MasterNumber, ReplyResult Result, string Resolution) : TicketChange;

/// <summary>补充材料: the department waits for the requester to supply information; the handling clock stands still.</summary>
public sealed record AwaitingRequester(string Reason) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => RequiredText("reason", Reason);
}

/// <summary>The requester supplied what was asked; the handling clock runs again.</summary>
public sealed record RequesterResponded(string Note) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => RequiredText("note", Note);
}

/// <summary>预警: the system warns that a clock has used a share of its time (level 1, then 2).</summary>
public sealed record SlaWarned(Sla.SlaClockKind Clock, int Level, DateTimeOffset DueAt) : TicketChange;

/// <summary>超时: the system records that a clock's deadline passed.</summary>
public sealed record SlaBreached(Sla.SlaClockKind Clock, DateTimeOffset DueAt) : TicketChange;

/// <summary>
/// 评价 (好差评): the requester's rating of the answer in this round (the ticket's reopen count): a level on the
/// configured scale, whether the matter was actually resolved, and a comment. The server fills the round and the
/// department that answered.
/// </summary>
public sealed record Rated(RatingLevel? Level, bool? Resolved, string? Comment, RatingChannel Channel = RatingChannel.Api, int Round = 0, string? DepartmentCode = null)
    : TicketChange
{
    public const int MaxComment = 1000;

    public override TicketChange Complete(Ticket ticket, Access.Actor actor) => this with
    {
        Round = ticket.ReopenCount,
        DepartmentCode = ticket.AssignedDepartmentCode,
        // The link channel is the requester's own; staff record phone ratings or API ones.
        Channel = actor.Role == Access.Roles.Requester ? RatingChannel.Link : Channel == RatingChannel.Link ? RatingChannel.Api : Channel,
    };

    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        if (Level is null)
            errors.Add(new("level", ErrorCodes.Required));
        if (Resolved is null)
            errors.Add(new("resolved", ErrorCodes.Required));
        OptionalText(errors, "comment", Comment, MaxComment);
        return errors;
    }
}

/// <summary>申诉: the rated department contests the latest rating, with its reason; once per rating.</summary>
public sealed record RatingAppealed(string Reason, int Round = 0) : TicketChange
{
    public override TicketChange Complete(Ticket ticket, Access.Actor actor) => this with { Round = ticket.RatedRound ?? 0 };

    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => RequiredText("reason", Reason);
}

/// <summary>申诉审核: a supervisor upholds (the rating no longer counts against the department) or rejects the appeal.</summary>
public sealed record AppealDecided(bool? Upheld, string Comment, int Round = 0) : TicketChange
{
    public override TicketChange Complete(Ticket ticket, Access.Actor actor) => this with { Round = ticket.RatedRound ?? 0 };

    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        if (Upheld is null)
            errors.Add(new("upheld", ErrorCodes.Required));
        RequireText(errors, "comment", Comment, MaxText);
        return errors;
    }
}

/// <summary>
/// 诉求人补充: the requester adds information, in their own words (the self-service page or an email reply; what a
/// requester says on the phone an agent records with <see cref="RequesterResponded"/>). When the department waits for
/// the requester (补充材料), it also ends the wait and the handling clock runs again.
/// </summary>
public sealed record RequesterMessageAdded(string Text, RequesterMessageChannel Channel = RequesterMessageChannel.SelfService, string? FromEmail = null, bool EndedWait = false)
    : TicketChange
{
    public override TicketChange Complete(Ticket ticket, Access.Actor actor) => this with { EndedWait = ticket.AwaitingRequesterSince is not null };

    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => RequiredText("text", Text);
}

/// <summary>
/// 回访: the outcome of the centre's call back to the requester: reached or not, the rating given on the phone (recorded
/// as a <see cref="Rated"/> on the phone channel), notes. Recording it ends the revisit task.
/// </summary>
public sealed record RevisitRecorded(bool? Reached, RatingLevel? Level, bool? Resolved, string? Notes) : TicketChange
{
    public const string NotReached = "NotReached";

    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        if (Reached is null)
            errors.Add(new("reached", ErrorCodes.Required));
        else if (Reached == false && Level is not null)
            errors.Add(new("level", NotReached)); // nobody answered, so nobody rated
        else if (Level is not null && Resolved is null)
            errors.Add(new("resolved", ErrorCodes.Required));
        OptionalText(errors, "notes", Notes, MaxText);
        return errors;
    }
}

/// <summary>
/// 撤件: the requester withdraws the matter before it is answered (they tell the centre by phone or in writing). The
/// ticket is closed with the reason, every clock stops, and the ticket no longer counts in any rate.
/// </summary>
public sealed record Withdrawn(string Reason) : TicketChange
{
    public override IReadOnlyList<FieldError> Validate(IReferenceCodes codes) => RequiredText("reason", Reason);
}
