namespace Hotline.Domain.Tickets;

/// <summary>What the requester wants (诉求类型).</summary>
public enum TicketType
{
    /// <summary>投诉</summary>
    Complaint,
    /// <summary>求助</summary>
    HelpRequest,
    /// <summary>咨询</summary>
    Consultation,
    /// <summary>建议</summary>
    Suggestion,
    /// <summary>举报</summary>
    Report,
    /// <summary>表扬</summary>
    Praise,
}

/// <summary>How the matter reached 12345 (受理渠道); department hotlines merged into 12345 arrive as Phone or Api.</summary>
public enum Channel
{
    Phone,
    Web,
    Email,
    App,
    Api,
}

/// <summary>紧急 or 一般.</summary>
public enum Priority
{
    Normal,
    Urgent,
}

public enum RequesterKind
{
    /// <summary>群众</summary>
    Citizen,
    /// <summary>企业</summary>
    Enterprise,
}

/// <summary>Where a ticket (工单) stands in its lifecycle.</summary>
public enum TicketStatus
{
    /// <summary>已登记</summary>
    Registered,
    /// <summary>一次办结: the agent answered at intake.</summary>
    ResolvedAtIntake,
    /// <summary>已派单</summary>
    Dispatched,
    /// <summary>已签收</summary>
    SignedFor,
    /// <summary>已退单: back in the dispatch queue.</summary>
    Returned,
    /// <summary>已办结 (答复)</summary>
    Replied,
    /// <summary>已重办</summary>
    Reopened,
    /// <summary>已归档</summary>
    Closed,
    /// <summary>已并案: a duplicate (重复件) that follows its master ticket and is answered with it.</summary>
    Merged,
}
