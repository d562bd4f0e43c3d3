using Hotline.Domain.Tickets;

namespace Hotline.Server.Tickets;

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
/// What a person filled into an action form, read by field name: texts trimmed (blank is none), a department as its code,
/// a local date and time as the instant in the city.
/// </summary>
public sealed class ActionValues(IReadOnlyDictionary<string, object?> values, Func<string?, DateTimeOffset?> instant)
{
    public string Text(string name) => OptionalText(name) ?? "";

    public string? OptionalText(string name) => values.GetValueOrDefault(name) is string s && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    public DateTimeOffset? Instant(string name) => instant(values.GetValueOrDefault(name) as string);

    public string Department(string name) => (values.GetValueOrDefault(name) as Reference.Department)?.Code ?? "";

    public T? Value<T>(string name) where T : struct => values.GetValueOrDefault(name) as T?;

    public IReadOnlyList<T> List<T>(string name) => values.GetValueOrDefault(name) as IReadOnlyList<T> ?? [];
}

/// <summary>An action's form: its fields, and how their values make the action's change record.</summary>
public sealed record ActionForm(IReadOnlyList<ActionField> Fields, Func<ActionValues, TicketChange> Change);

/// <summary>
/// The action catalogue of the console: the form of each action on the actions route, field by field as its change
/// record takes them (server-assigned fields such as order numbers are left out), and the record the values make. The
/// one form component (<c>TicketActionForm</c>) renders it on the ticket page and in the desks' dialogs. The buttons
/// come from the ticket's allowed actions (<see cref="TicketWorkflow.AllowedActions"/>); this only says what each asks for.
/// </summary>
public static class ActionFields
{
    private static ActionField Text(string name, bool required = false) => new(name, ActionFieldKind.Text, required);

    private static ActionField At(string name, bool required = false) => new(name, ActionFieldKind.DateTime, required);

    private static readonly Dictionary<string, ActionForm> Forms = new(StringComparer.Ordinal)
    {
        ["resolve-at-intake"] = new([Text("answer", true)], v => new ResolvedAtIntake(v.Text("answer"))),
        ["dispatch"] = new([new("departmentCode", ActionFieldKind.Department, true), new("coHandlingDepartmentCodes", ActionFieldKind.Departments),
                new("enterpriseDesk", ActionFieldKind.Flag), Text("instructions")],
            v => new Dispatched(v.Department("departmentCode"), v.OptionalText("instructions"), v.Value<bool>("enterpriseDesk") == true, v.List<string>("coHandlingDepartmentCodes"))),
        ["sign-for"] = new([Text("note")], v => new SignedFor(v.OptionalText("note"))),
        ["return"] = new([new("reason", ActionFieldKind.ReturnReason, true), Text("explanation", true)],
            v => new Returned(v.Value<ReturnReason>("reason"), v.Text("explanation"))),
        ["reply"] = new([new("result", ActionFieldKind.ReplyResult, true), Text("resolution", true), Text("legalBasis"), new("attachmentIds", ActionFieldKind.Attachments)],
            v => new Replied(v.Value<ReplyResult>("result"), v.Text("resolution"), v.OptionalText("legalBasis"), v.List<long>("attachmentIds"))),
        ["close"] = new([Text("note")], v => new Closed(v.OptionalText("note"))),
        ["reopen"] = new([Text("reason", true)], v => new Reopened(v.Text("reason"))),
        ["add-progress"] = new([Text("note", true)], v => new ProgressAdded(v.Text("note"))),
        ["contribute"] = new([Text("contribution", true)], v => new CoHandlingContributed("", v.Text("contribution"))),
        ["request-extension"] = new([Text("reason", true), At("requestedDeadline", true)],
            v => new ExtensionRequested(v.Text("reason"), v.Instant("requestedDeadline"))),
        ["decide-extension"] = new([new("approved", ActionFieldKind.Decision, true), At("approvedDeadline"), Text("comment")],
            v => new ExtensionDecided(v.Value<bool>("approved"), v.OptionalText("comment"), v.Value<bool>("approved") == true ? v.Instant("approvedDeadline") : null)),
        ["supervise"] = new([Text("instructions", true), At("dueAt", true)], v => new SupervisionRaised(0, v.Text("instructions"), v.Instant("dueAt"))),
        ["answer-supervision"] = new([new("orderNumber", ActionFieldKind.OpenOrder, true), Text("answer", true)],
            v => new SupervisionAnswered(v.Value<int>("orderNumber"), v.Text("answer"))),
        ["escalate-to-leader"] = new([Text("reason", true)], v => new EscalatedToLeader(v.Text("reason"))),
        ["leader-instruct"] = new([Text("instructions", true), At("dueAt", true)], v => new LeaderInstructed(0, v.Text("instructions"), v.Instant("dueAt"))),
        ["mark-duplicate"] = new([new("masterNumber", ActionFieldKind.Line, true)], v => new MarkedDuplicate(v.Text("masterNumber"))),
        ["await-requester"] = new([Text("reason", true)], v => new AwaitingRequester(v.Text("reason"))),
        ["requester-responded"] = new([Text("note", true)], v => new RequesterResponded(v.Text("note"))),
        ["withdraw"] = new([Text("reason", true)], v => new Withdrawn(v.Text("reason"))),
    };

    /// <summary>The form of an action on the actions route; null for actions the console does not offer (attach-file has its own endpoint).</summary>
    public static ActionForm? For(string routeName) => Forms.GetValueOrDefault(routeName);

    /// <summary>Every action people take in the console has a form: checked by a test against the transition table.</summary>
    public static IEnumerable<string> Covered => Forms.Keys;
}

/// <summary>
/// What an action form needs to know of its ticket, whether it opens on the ticket page (from the ticket's view) or on
/// a desk (from the row the person saw): the version is the one they read, so a stale form is refused with 409.
/// </summary>
public sealed record ActionTarget(string Number, string Title, int Version, RequesterKind RequesterKind)
{
    /// <summary>The ticket's open supervision orders (督办单), for answer-supervision.</summary>
    public IReadOnlyList<int> OpenOrders { get; init; } = [];

    /// <summary>The deadline a pending extension asks for, for decide-extension.</summary>
    public DateTimeOffset? PendingExtensionDeadline { get; init; }

    public static ActionTarget Of(Hotline.Server.Tickets.TicketView t) => new(t.Number, t.Title, t.Version, t.Requester.Kind)
    {
        OpenOrders = t.OpenSupervisionOrders,
        PendingExtensionDeadline = t.PendingExtensionDeadline,
    };
}
