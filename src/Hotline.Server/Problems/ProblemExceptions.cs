using Hotline.Domain.Tickets;

namespace Hotline.Server.Problems;

/// <summary>Thrown when a request's fields break the rules; becomes 400 with every field's message.</summary>
public sealed class RequestValidationException(IReadOnlyList<FieldError> errors) : Exception("Request validation failed.")
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;
}

/// <summary>The ticket does not exist, or the caller may not see it (another department's ticket is 404, not 403).</summary>
public sealed class TicketNotFoundException(string number) : Exception($"Ticket {number} not found.")
{
    public string Number { get; } = number;
}

/// <summary>The action is not allowed in the ticket's current state: 409 with what is allowed.</summary>
public sealed class TransitionNotAllowedException(TicketStatus status, TicketAction action, IReadOnlyList<string> allowedActions)
    : Exception($"{action} is not allowed in {status}.")
{
    public TicketStatus Status { get; } = status;
    public TicketAction Action { get; } = action;
    public IReadOnlyList<string> AllowedActions { get; } = allowedActions;
}

/// <summary>The caller's role may not take this action at all: 403.</summary>
public sealed class ActionForbiddenException(TicketAction action) : Exception($"{action} is not allowed for this role.")
{
    public TicketAction Action { get; } = action;
}

/// <summary>Someone else changed the ticket since the caller read it: 409 with the current version.</summary>
public sealed class ConcurrencyConflictException(int expectedVersion, int currentVersion, Exception? inner = null)
    : Exception($"Expected version {expectedVersion}, current is {currentVersion}.", inner)
{
    public int ExpectedVersion { get; } = expectedVersion;
    public int CurrentVersion { get; } = currentVersion;
}

/// <summary>An Idempotency-Key was reused with a different request body: 422.</summary>
public sealed class IdempotencyKeyReusedException(string existingNumber) : Exception("Idempotency key reused with a different request.")
{
    public string ExistingNumber { get; } = existingNumber;
}

/// <summary>A permitted action that this ticket's history refuses (return limit, pending extension, ...): 409 with a code.</summary>
public sealed class GuardConflictException(string code, params object[] arguments) : Exception($"Refused by rule {code}.")
{
    public string Code { get; } = code;
    public object[] Arguments { get; } = arguments;
}

/// <summary>Only a supervisor may do this for this ticket (e.g. send it back to a department that returned it): 403 with a code.</summary>
public sealed class SupervisorRequiredException(string code, params object[] arguments) : Exception($"Supervisor required by rule {code}.")
{
    public string Code { get; } = code;
    public object[] Arguments { get; } = arguments;
}

/// <summary>An unknown action name in the route: 404 with the known ones.</summary>
public sealed class UnknownActionException(string action) : Exception($"Unknown action {action}.")
{
    public string ActionName { get; } = action;
}

/// <summary>A well-formed request naming someone or something that does not exist (an unknown agent): 422 with the field.</summary>
public sealed class ReferenceNotFoundException(IReadOnlyList<FieldError> errors) : Exception("Referenced entity not found.")
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;
}
