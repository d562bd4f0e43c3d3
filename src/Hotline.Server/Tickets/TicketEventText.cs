using Hotline.Domain.Tickets;
using Hotline.Server.Reference;
using Microsoft.Extensions.Localization;

namespace Hotline.Server.Tickets;

/// <summary>
/// A ticket's history in words, the same on the ticket page and its printed sheet: the action's name, and the readable
/// part of a change (the text people wrote, the department, the deadline) in the reader's language.
/// </summary>
public sealed class TicketEventText(IStringLocalizer<Messages> text, ReferenceData reference, CityClock clock)
{
    /// <summary>"：" between a label and its text in Chinese, ": " in English (an English history read "Resolved：…").</summary>
    private string Colon => text["Text.Colon"];

    public string Action(string route) => TicketWorkflow.ForRoute(route) is { } t ? text[$"Action.{t.Action}"] : route;

    public string Summary(TicketChange change) => change switch
    {
        Registered r => $"{r.Draft.Requester.Name} · {reference.CategoryPath(r.Draft.CategoryCode)}",
        ResolvedAtIntake a => a.Answer,
        Dispatched d => $"{text["Ticket.To"]} {Dept(d.DepartmentCode)}{(d.CoHandlers.Count > 0 ? $"（{text["Ticket.CoHandling"]} {string.Join("、", d.CoHandlers.Select(Dept))}）" : "")}{(d.Instructions is { Length: > 0 } i ? $"{Colon}{i}" : "")}",
        SignedFor s => s.Note ?? "",
        Returned r => $"{(r.Reason is { } reason ? text[$"ReturnReason.{reason}"] : "")}{Colon}{r.Explanation}",
        Replied r => $"{(r.Result is { } result ? text[$"ReplyResult.{result}"] : "")}{Colon}{r.Resolution}",
        Closed c => text.Stored(c.Note),
        Reopened r => text.Stored(r.Reason),
        AttachmentAdded a => a.FileName,
        ProgressAdded p => p.Note,
        CoHandlingContributed c => $"{Dept(c.DepartmentCode)}{Colon}{c.Contribution}",
        ExtensionRequested x => $"{x.Reason}（{(x.RequestedDeadline is { } d ? clock.Local(d) : "")}）",
        ExtensionDecided x => $"{(x.Approved == true ? text["Ticket.Approve"] : text["Ticket.Reject"])}{(x.Comment is { Length: > 0 } c ? $"{Colon}{c}" : "")}",
        SupervisionRaised s => $"{text["Ticket.OrderNumber", s.OrderNumber]}{Colon}{text.Stored(s.Instructions)}",
        SupervisionAnswered a => $"{text["Ticket.OrderNumber", a.OrderNumber ?? 0]}{Colon}{a.Answer}",
        EscalatedToLeader e => text.Stored(e.Reason),
        LeaderInstructed l => l.Instructions,
        MarkedDuplicate m => m.MasterNumber,
        AnsweredWithMaster m => m.Resolution,
        AwaitingRequester a => a.Reason,
        RequesterResponded r => r.Note,
        SlaWarned w => $"{text[$"Sla.{w.Clock}"]} · {clock.Local(w.DueAt)}",
        SlaBreached b => $"{text[$"Sla.{b.Clock}"]} · {clock.Local(b.DueAt)}",
        _ => "",
    };

    private string Dept(string code) => reference.DepartmentName(code);
}
