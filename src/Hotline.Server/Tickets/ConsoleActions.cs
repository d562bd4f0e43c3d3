using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Problems;

namespace Hotline.Server.Tickets;

/// <summary>The ticket after an action, or the refusal the API would have answered, in the reader's language.</summary>
public sealed record ActionOutcome(TicketView? Ticket, ConsoleProblem? Problem)
{
    public bool Succeeded => Problem is null;
}

/// <summary>
/// The console's front door to <see cref="TicketActions"/>: the same typed call the HTTP endpoint makes, in a scope of its
/// own (a circuit lives for hours, a DbContext should not), with a refusal worded by <see cref="ConsoleProblem"/> from
/// <c>ProblemHandler.Describe</c>. A fault is not a refusal: it propagates.
/// </summary>
public sealed class ConsoleActions(Scoped<TicketActions> actions, IServiceProvider services, ILogger<ConsoleActions> logger)
{
    public async Task<ActionOutcome> ActAsync(string number, TicketChange change, int expectedVersion, Actor actor, CancellationToken ct)
    {
        try
        {
            return new(await actions.RunAsync(a => a.ActAsync(number, change, expectedVersion, actor, ct)), null);
        }
        catch (Exception ex) when (ConsoleProblem.From(ex, services) is { } problem)
        {
            logger.LogInformation("Console action {Action} on {TicketNumber} refused with {Status}",
                TicketWorkflow.ForChange(change).RouteName, number, problem.Status);
            return new(null, problem);
        }
    }
}
