using System.Globalization;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Ratings;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;

namespace Hotline.Server.Notifications;

/// <summary>
/// The variables a template sees (documented in docs/notifications.md). Only the ticket's own requester's data and the
/// centre's and departments' names go in: a requester's email never carries anyone else's personal data, and the
/// department head's email carries none of the requester's.
/// </summary>
public sealed class EmailModels(RequesterLinks links, ReferenceData reference, CityClock clock)
{
    /// <param name="accessCode">The ticket's access code, for the registration email only (it is stored hashed, never readable again).</param>
    public Dictionary<string, object?> ForRequester(Ticket ticket, TicketEvent e, string language, string? accessCode = null)
    {
        var en = language == Languages.English;
        var model = Common(ticket, language);
        model["requester"] = new Dictionary<string, object?>
        {
            ["name"] = ticket.RequesterName,
            ["contactPerson"] = ticket.RequesterContactPerson,
            ["enterprise"] = ticket.RequesterKind == RequesterKind.Enterprise,
        };
        model["links"] = new Dictionary<string, object?>
        {
            ["selfService"] = links.SelfServiceUrl(ticket.Number).AbsoluteUri,
            ["accessCode"] = accessCode,
            ["rating"] = e.Change is Replied or ResolvedAtIntake or AnsweredWithMaster ? links.RatingUrl(ticket).AbsoluteUri : null,
        };
        switch (e.Change)
        {
            case Dispatched d:
                model["department"] = Department(d.DepartmentCode, en);
                break;
            case ExtensionDecided x:
                model["department"] = Department(ticket.AssignedDepartmentCode, en);
                model["extension"] = new Dictionary<string, object?> { ["deadline"] = Format(x.ApprovedDeadline ?? ticket.ExtendedDeadline, en) };
                break;
            case Replied r:
                model["department"] = Department(ticket.AssignedDepartmentCode, en);
                model["reply"] = Reply(r.Result ?? ReplyResult.Resolved, r.Resolution, r.LegalBasis, en);
                break;
            case AnsweredWithMaster m:
                model["reply"] = Reply(m.Result, m.Resolution, null, en);
                break;
            case ResolvedAtIntake a:
                model["reply"] = Reply(ReplyResult.Resolved, a.Answer, null, en);
                break;
        }
        return model;
    }

    public Dictionary<string, object?> ForDepartmentHead(Ticket ticket, SlaBreached breach, Department department, string language)
    {
        var en = language == Languages.English;
        var model = Common(ticket, language);
        model["department"] = Department(department.Code, en);
        model["head"] = new Dictionary<string, object?> { ["name"] = department.HeadName };
        model["breach"] = new Dictionary<string, object?>
        {
            ["clock"] = ClockName(breach.Clock, en),
            ["dueAt"] = Format(breach.DueAt, en),
            ["overdue"] = ticket.Overdue,
        };
        return model;
    }

    private Dictionary<string, object?> Common(Ticket ticket, string language)
    {
        var en = language == Languages.English;
        return new Dictionary<string, object?>
        {
            ["language"] = language,
            ["ticket"] = new Dictionary<string, object?>
            {
                ["number"] = ticket.Number,
                ["title"] = ticket.Title,
                ["type"] = TypeName(ticket.Type, en),
                ["category"] = reference.Categories.GetValueOrDefault(ticket.CategoryCode) is { } c ? (en ? c.NameEn : c.Name) : ticket.CategoryCode,
                ["registeredAt"] = Format(ticket.RegisteredAt, en),
            },
            ["hotline"] = new Dictionary<string, object?> { ["name"] = en ? "12345 Government Service Hotline" : "12345政务服务便民热线", ["phone"] = "12345" },
        };
    }

    private Dictionary<string, object?> Department(string? code, bool en) =>
        reference.Departments.GetValueOrDefault(code ?? "") is { } d
            ? new() { ["code"] = d.Code, ["name"] = en ? d.NameEn : d.Name }
            : new() { ["code"] = code, ["name"] = code };

    private static Dictionary<string, object?> Reply(ReplyResult result, string resolution, string? legalBasis, bool en) => new()
    {
        ["result"] = ResultName(result, en),
        ["resolution"] = resolution,
        ["legalBasis"] = legalBasis,
    };

    /// <summary>Local time of the city, written the way each language writes dates.</summary>
    private string? Format(DateTimeOffset? instant, bool en)
    {
        if (instant is null)
            return null;
        var local = TimeZoneInfo.ConvertTime(instant.Value, clock.Zone);
        return en
            ? local.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " (UTC+8)"
            : local.ToString("yyyy年M月d日 HH:mm", CultureInfo.InvariantCulture);
    }

    private static string TypeName(TicketType type, bool en) => (type, en) switch
    {
        (TicketType.Complaint, false) => "投诉",
        (TicketType.HelpRequest, false) => "求助",
        (TicketType.Consultation, false) => "咨询",
        (TicketType.Suggestion, false) => "建议",
        (TicketType.Report, false) => "举报",
        (TicketType.Praise, false) => "表扬",
        (TicketType.HelpRequest, true) => "request for help",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static string ResultName(ReplyResult result, bool en) => (result, en) switch
    {
        (ReplyResult.Resolved, false) => "已解决",
        (ReplyResult.PartiallyResolved, false) => "部分解决",
        (ReplyResult.Explained, false) => "已解释说明",
        (ReplyResult.Duplicate, false) => "重复件",
        (ReplyResult.Resolved, true) => "resolved",
        (ReplyResult.PartiallyResolved, true) => "partially resolved",
        (ReplyResult.Explained, true) => "explained (cannot be resolved)",
        _ => "duplicate",
    };

    private static string ClockName(SlaClockKind kind, bool en) => (kind, en) switch
    {
        (SlaClockKind.Dispatch, false) => "派单时限",
        (SlaClockKind.SignFor, false) => "签收时限",
        (SlaClockKind.Handling, false) => "办理时限",
        (SlaClockKind.Revisit, false) => "回访时限",
        (SlaClockKind.SignFor, true) => "sign-for deadline",
        (SlaClockKind.Handling, true) => "handling deadline",
        (SlaClockKind.Dispatch, true) => "dispatch deadline",
        _ => "return-visit deadline",
    };
}
