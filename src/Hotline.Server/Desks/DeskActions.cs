using System.Text.Json;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Microsoft.Extensions.Localization;

namespace Hotline.Server.Desks;

/// <summary>
/// What a console form gets back from an action: success, or the same refusal the API would answer (validation per
/// field, 409 stale version or state, 403 role or rule), already in the reader's language.
/// </summary>
public sealed record ActionOutcome(bool Succeeded, int Status, string? Message, IReadOnlyDictionary<string, string[]> FieldErrors, int? CurrentVersion)
{
    public static readonly ActionOutcome Success = new(true, 200, null, new Dictionary<string, string[]>(), null);

    public string? ErrorFor(string field) => FieldErrors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}

/// <summary>
/// Takes lifecycle actions for the consoles through <see cref="TicketService.ActAsync"/> — the same path, checks and
/// event log as <c>POST /api/tickets/{number}/actions/{action}</c> — each in a scope (and DbContext) of its own, so
/// a long-lived Blazor circuit never holds a tracked ticket.
/// </summary>
public sealed class DeskActions(IServiceScopeFactory scopes, IStringLocalizer<Messages> text, ILogger<DeskActions> logger)
{
    public async Task<ActionOutcome> ActAsync(string number, TicketChange change, int expectedVersion, Actor actor, CancellationToken ct)
    {
        var route = TicketWorkflow.ForChange(change).RouteName;
        var body = JsonSerializer.SerializeToNode(change, change.GetType(), HotlineDbContext.PayloadJson)!.AsObject();
        body["expectedVersion"] = expectedVersion;
        await using var scope = scopes.CreateAsyncScope();
        var tickets = scope.ServiceProvider.GetRequiredService<Tickets.TicketService>();
        try
        {
            await tickets.ActAsync(number, route, JsonSerializer.SerializeToElement(body), actor, ct);
            return ActionOutcome.Success;
        }
        catch (Exception ex) when (Refusal(ex) is { } outcome)
        {
            logger.LogInformation("Console action {Action} on {TicketNumber} refused with {Status}", route, number, outcome.Status);
            return outcome;
        }
    }

    /// <summary>The refusals <see cref="ProblemHandler"/> turns into problems, worded with the same keys.</summary>
    private ActionOutcome? Refusal(Exception exception) => exception switch
    {
        RequestValidationException v => new(false, 400, text["Title.Validation"],
            v.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => text[$"Error.{e.Code}", e.Arguments].Value).ToArray()), null),
        ConcurrencyConflictException c => Problem(409, text["Title.Concurrency"] + " " + text["Detail.Concurrency", c.ExpectedVersion, c.CurrentVersion], c.CurrentVersion),
        TransitionNotAllowedException t => Problem(409, text["Title.TransitionNotAllowed"] + " " +
            text["Detail.TransitionNotAllowed", text[$"Status.{t.Status}"], text[$"Action.{t.Action}"]]),
        GuardConflictException g => Problem(409, text["Title.RuleRefused"] + " " + text[$"Error.{g.Code}", g.Arguments]),
        SupervisorRequiredException s => Problem(403, text["Title.SupervisorRequired"] + " " + text[$"Error.{s.Code}", s.Arguments]),
        ActionForbiddenException => Problem(403, text["Title.Forbidden"]),
        TicketNotFoundException => Problem(404, text["Title.NotFound"]),
        _ => null,
    };

    private static ActionOutcome Problem(int status, string message, int? currentVersion = null) =>
        new(false, status, message, new Dictionary<string, string[]>(), currentVersion);
}
