using Hotline.Domain.Tickets;

namespace Hotline.Server.Console.Tickets;

public enum ActionFieldKind
{
    /// <summary>Free text, several lines.</summary>
    Text,
    /// <summary>One line (a ticket number).</summary>
    Line,
    Department,
    Departments,
    Flag,
    /// <summary>A local date and time in the city's zone, sent with its offset.</summary>
    DateTime,
    ReturnReason,
    ReplyResult,
    /// <summary>Approve or reject.</summary>
    Decision,
    /// <summary>One of the ticket's open supervision orders.</summary>
    OpenOrder,
    /// <summary>Files already attached to the ticket.</summary>
    Attachments,
}

/// <summary>One input of an action form, named by its JSON field in the action's body (the change record in TicketChanges).</summary>
public sealed record ActionField(string Name, ActionFieldKind Kind, bool Required = false);

/// <summary>
/// The form of each action on the actions route, field by field as its change record takes them (server-assigned
/// fields such as order numbers are left out). The buttons come from the ticket's allowed actions
/// (<see cref="TicketWorkflow.AllowedActions"/>); this only says what each one asks for.
/// </summary>
public static class ActionFields
{
    private static readonly Dictionary<string, ActionField[]> Forms = new(StringComparer.Ordinal)
    {
        ["resolve-at-intake"] = [new("answer", ActionFieldKind.Text, true)],
        ["dispatch"] = [new("departmentCode", ActionFieldKind.Department, true), new("coHandlingDepartmentCodes", ActionFieldKind.Departments),
            new("enterpriseDesk", ActionFieldKind.Flag), new("instructions", ActionFieldKind.Text)],
        ["sign-for"] = [new("note", ActionFieldKind.Text)],
        ["return"] = [new("reason", ActionFieldKind.ReturnReason, true), new("explanation", ActionFieldKind.Text, true)],
        ["reply"] = [new("result", ActionFieldKind.ReplyResult, true), new("resolution", ActionFieldKind.Text, true),
            new("legalBasis", ActionFieldKind.Text), new("attachmentIds", ActionFieldKind.Attachments)],
        ["close"] = [new("note", ActionFieldKind.Text)],
        ["reopen"] = [new("reason", ActionFieldKind.Text, true)],
        ["add-progress"] = [new("note", ActionFieldKind.Text, true)],
        ["contribute"] = [new("contribution", ActionFieldKind.Text, true)],
        ["request-extension"] = [new("reason", ActionFieldKind.Text, true), new("requestedDeadline", ActionFieldKind.DateTime, true)],
        ["decide-extension"] = [new("approved", ActionFieldKind.Decision, true), new("comment", ActionFieldKind.Text), new("approvedDeadline", ActionFieldKind.DateTime)],
        ["supervise"] = [new("instructions", ActionFieldKind.Text, true), new("dueAt", ActionFieldKind.DateTime, true)],
        ["answer-supervision"] = [new("orderNumber", ActionFieldKind.OpenOrder, true), new("answer", ActionFieldKind.Text, true)],
        ["escalate-to-leader"] = [new("reason", ActionFieldKind.Text, true)],
        ["leader-instruct"] = [new("instructions", ActionFieldKind.Text, true), new("dueAt", ActionFieldKind.DateTime, true)],
        ["mark-duplicate"] = [new("masterNumber", ActionFieldKind.Line, true)],
        ["await-requester"] = [new("reason", ActionFieldKind.Text, true)],
        ["requester-responded"] = [new("note", ActionFieldKind.Text, true)],
        ["withdraw"] = [new("reason", ActionFieldKind.Text, true)],
    };

    /// <summary>The fields of an action on the actions route; null for actions that have their own endpoint (attach-file).</summary>
    public static IReadOnlyList<ActionField>? For(string routeName) => Forms.GetValueOrDefault(routeName);

    /// <summary>Every action the actions route takes has a form: checked by a test against the transition table.</summary>
    public static IEnumerable<string> Covered => Forms.Keys;
}
