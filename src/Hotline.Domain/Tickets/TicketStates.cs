namespace Hotline.Domain.Tickets;

/// <summary>
/// The sets of states the work queues and the rules speak of, derived from the transition table so that none of them
/// is a status list of its own.
/// </summary>
public static class TicketStates
{
    /// <summary>待派单: new, returned (退单) and reopened (重办) tickets: where <c>dispatch</c> may start.</summary>
    public static readonly TicketStatus[] WaitingForDispatch = [.. TicketWorkflow.For(TicketAction.Dispatch).From.Order()];

    /// <summary>With a department (办理中): dispatched or signed for, where the department adds progress.</summary>
    public static readonly TicketStatus[] WithDepartment = [.. TicketWorkflow.For(TicketAction.AddProgress).From.Order()];

    /// <summary>Reopened for rectification (重办整改): the state <c>reopen</c> leads to.</summary>
    public static readonly TicketStatus UnderRectification = TicketWorkflow.For(TicketAction.Reopen).To!.Value;

    /// <summary>Answered (replied, closed, or at intake): what the centre calls back about, where <c>record-revisit</c> may be taken.</summary>
    public static readonly TicketStatus[] Answered = [.. TicketWorkflow.For(TicketAction.RecordRevisit).From.Order()];

    /// <summary>Still being worked: waiting for dispatch or with a department (what a duplicate's master must be).</summary>
    public static readonly TicketStatus[] Open = [.. WaitingForDispatch.Union(WithDepartment).Order()];
}
