using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Analytics;

/// <summary>What the fact rows need from outside the ticket's own history.</summary>
/// <param name="LocalDay">The city's local day of an instant.</param>
/// <param name="WorkingTime">Working time between two instants on a department's calendar; null when the calendar does not cover them.</param>
/// <param name="IsRepeat">The same requester raised the same matter within the scheme's window before this ticket (重复投诉).</param>
public sealed record FactContext(
    Func<DateTimeOffset, DateOnly> LocalDay,
    Func<string?, DateTimeOffset, DateTimeOffset, TimeSpan?> WorkingTime,
    bool IsRepeat);

/// <summary>
/// Builds a ticket's fact rows from its events, oldest first. Pure: the same history and context always give the same
/// rows, which is what lets the projector rebuild a ticket's rows after every change and apply the difference to the
/// rollups exactly once.
/// </summary>
public static class TicketFacts
{
    /// <summary>The requester key of repeat complaints: the credit code of an enterprise, otherwise the phone.</summary>
    public static string RequesterKeyOf(Requester requester) =>
        requester.Kind == RequesterKind.Enterprise && !string.IsNullOrEmpty(requester.CreditCode) ? requester.CreditCode : requester.Phone;

    public static IReadOnlyList<TicketFact> Build(IReadOnlyList<TicketEvent> history, FactContext context)
    {
        if (history.Count == 0 || history[0].Change is not Registered registered)
            throw new ArgumentException("A history starts with the registration.", nameof(history));
        var b = new Builder(history[0], registered, context);
        foreach (var e in history.Skip(1))
            b.Apply(e);
        return b.Finish();
    }

    /// <summary>The ticket's state as the fold goes: who holds it, the current round, who gave the latest answer.</summary>
    private sealed class Builder
    {
        private readonly FactContext context;
        private readonly TicketFact centre;
        private readonly Dictionary<string, TicketFact> main = new(StringComparer.Ordinal);
        private readonly Dictionary<string, TicketFact> coHandling = new(StringComparer.Ordinal);
        /// <summary>Which party's answer each rating round rated (null: the centre's answer at intake).</summary>
        private readonly Dictionary<int, string?> ratedParty = [];
        private string? holder;
        private DateTimeOffset dispatchedAt;
        private bool signLate, handlingLate, signed;
        /// <summary>Who gave the current answer: a department, or the centre (empty) at intake; null when unanswered.</summary>
        private string? answeredBy;
        private bool overdue;
        private TicketStatus status = TicketStatus.Registered;
        private string? exclusion;

        public Builder(TicketEvent first, Registered r, FactContext context)
        {
            this.context = context;
            var d = r.Draft;
            centre = new TicketFact
            {
                TicketId = first.TicketId,
                TicketNumber = r.Number,
                Part = FactPart.Centre,
                Day = context.LocalDay(first.OccurredAt),
                CategoryCode = d.CategoryCode,
                DistrictCode = d.DistrictCode ?? "",
                Type = d.Type,
                Channel = d.Channel,
                RequesterKind = d.Requester.Kind,
                CreditCode = d.Requester.Kind == RequesterKind.Enterprise ? d.Requester.CreditCode : null,
                RequesterKey = RequesterKeyOf(d.Requester),
            };
            centre.Measures.Registered = 1;
            centre.Measures.Repeat = context.IsRepeat ? 1 : 0;
        }

        private TicketFact Row(Dictionary<string, TicketFact> rows, FactPart part, string department)
        {
            if (!rows.TryGetValue(department, out var row))
            {
                row = new TicketFact
                {
                    TicketId = centre.TicketId, TicketNumber = centre.TicketNumber, Part = part, DepartmentCode = department, Day = centre.Day,
                    CategoryCode = centre.CategoryCode, DistrictCode = centre.DistrictCode, Type = centre.Type, Channel = centre.Channel,
                    RequesterKind = centre.RequesterKind, CreditCode = centre.CreditCode, RequesterKey = centre.RequesterKey,
                };
                rows[department] = row;
            }
            return row;
        }

        /// <summary>The row of whoever gave an answer: a department's main row, or the centre's for an answer at intake.</summary>
        private TicketFact PartyRow(string? department) => string.IsNullOrEmpty(department) ? centre : Row(main, FactPart.Main, department);

        public void Apply(TicketEvent e)
        {
            status = e.ToStatus;
            var held = holder is null ? null : main[holder].Measures;
            switch (e.Change)
            {
                case ResolvedAtIntake:
                    centre.Measures.ResolvedAtIntake = 1;
                    answeredBy = "";
                    break;
                case Dispatched d:
                    holder = d.DepartmentCode;
                    Row(main, FactPart.Main, holder).Measures.Tickets = 1;
                    foreach (var co in d.CoHandlers)
                        Row(coHandling, FactPart.CoHandling, co).Measures.CoHandled = 1;
                    (dispatchedAt, signLate, handlingLate, signed, overdue) = (e.OccurredAt, false, false, false, false);
                    break;
                case SlaBreached { Clock: SlaClockKind.SignFor } when held is not null && !signed:
                    signLate = true;
                    held.ResponseSettled = 1;
                    held.SignedOnTime = held.RespondedOnTime = 0;
                    overdue = true;
                    break;
                case SlaBreached { Clock: SlaClockKind.Handling } when held is not null:
                    handlingLate = true;
                    held.HandlingSettled = 1;
                    held.RepliedOnTime = 0;
                    overdue = true;
                    break;
                case SlaBreached:
                    overdue = true;
                    break;
                case SignedFor when held is not null:
                    signed = true;
                    held.ResponseSettled = 1;
                    held.SignedOnTime = held.RespondedOnTime = signLate ? 0 : 1;
                    break;
                case Returned r when held is not null:
                    held.Returned = 1;
                    held.ResponseSettled = 1;
                    if (!signed)
                    {
                        held.SignedOnTime = 0;
                        held.RespondedOnTime = signLate ? 0 : 1;
                    }
                    main[holder!].ReturnReason = r.Reason;
                    holder = null;
                    overdue = false;
                    break;
                case Replied when held is not null:
                    held.Replied = 1;
                    held.HandlingSettled = 1;
                    held.RepliedOnTime = handlingLate ? 0 : 1;
                    held.HandlingMinutes = context.WorkingTime(holder, dispatchedAt, e.OccurredAt) is { } spent ? (long)Math.Round(spent.TotalMinutes) : 0;
                    answeredBy = holder;
                    break;
                case AnsweredWithMaster:
                    answeredBy = ""; // the master's department is scored on the master; the duplicate is excluded anyway
                    break;
                case ExtensionDecided { Approved: true } when held is not null:
                    held.Extended = 1;
                    break;
                case CoHandlingContributed c when !string.IsNullOrEmpty(c.DepartmentCode):
                    Row(coHandling, FactPart.CoHandling, c.DepartmentCode).Measures.Contributed = 1;
                    break;
                case Reopened r when answeredBy is not null:
                    var answered = PartyRow(answeredBy).Measures;
                    answered.Reopened = 1;
                    if (r.Rectification)
                        answered.Rectified = 1;
                    answeredBy = null;
                    overdue = false;
                    break;
                case Rated r:
                    Rate(r.Round, r.DepartmentCode, r.Level, r.Resolved);
                    break;
                case AppealDecided { Upheld: true } a when ratedParty.TryGetValue(a.Round, out var party):
                    var row = PartyRow(party);
                    if (row.Level is not null)
                    {
                        ClearRating(row.Measures);
                        row.Level = null;
                        row.Measures.AppealUpheld = 1;
                        row.Exclusion ??= Exclusions.AppealUpheld;
                    }
                    break;
                case MarkedDuplicate:
                    exclusion = Exclusions.Duplicate;
                    break;
                case Withdrawn:
                    exclusion = Exclusions.Withdrawn;
                    break;
            }
        }

        private void Rate(int round, string? department, RatingLevel? level, bool? resolved)
        {
            if (level is not { } l)
                return;
            ratedParty[round] = department;
            var row = PartyRow(department);
            var m = row.Measures;
            // The latest rating of this party's answer replaces an earlier one (a rectified answer rated again).
            ClearRating(m);
            m.AppealUpheld = 0;
            if (row.Exclusion == Exclusions.AppealUpheld)
                row.Exclusion = null;
            m.Rated = 1;
            m.Resolved = resolved == true ? 1 : 0;
            switch (l)
            {
                case RatingLevel.VerySatisfied: m.VerySatisfied = 1; break;
                case RatingLevel.Satisfied: m.Satisfied = 1; break;
                case RatingLevel.BasicallySatisfied: m.BasicallySatisfied = 1; break;
                case RatingLevel.Dissatisfied: m.Dissatisfied = 1; break;
                default: m.VeryDissatisfied = 1; break;
            }
            row.Level = l;
        }

        private static void ClearRating(FactMeasures m) =>
            m.Rated = m.Resolved = m.VerySatisfied = m.Satisfied = m.BasicallySatisfied = m.Dissatisfied = m.VeryDissatisfied = 0;

        public List<TicketFact> Finish()
        {
            var unfinished = status is TicketStatus.Registered or TicketStatus.Dispatched or TicketStatus.SignedFor or TicketStatus.Returned or TicketStatus.Reopened;
            centre.Measures.Unfinished = unfinished ? 1 : 0;
            centre.Measures.UnfinishedOverdue = unfinished && overdue ? 1 : 0;
            if (holder is not null && status is TicketStatus.Dispatched or TicketStatus.SignedFor)
            {
                main[holder].Measures.Open = 1;
                main[holder].Measures.Overdue = overdue ? 1 : 0;
            }
            foreach (var row in main.Values)
                row.Measures.RepeatHandled = context.IsRepeat ? 1 : 0;

            var rows = new List<TicketFact> { centre };
            rows.AddRange(main.Values.OrderBy(r => r.DepartmentCode, StringComparer.Ordinal));
            rows.AddRange(coHandling.Values.OrderBy(r => r.DepartmentCode, StringComparer.Ordinal));
            if (exclusion is not null)
            {
                // An excluded ticket counts nowhere but in the centre's volume and the list of exclusions, where each of its rows says why.
                foreach (var row in rows)
                {
                    row.Measures = row.Part == FactPart.Centre ? new FactMeasures { Registered = 1, Excluded = 1 } : new FactMeasures { ExcludedHandled = row.Part == FactPart.Main ? 1 : 0 };
                    row.Exclusion = exclusion;
                    row.Level = null;
                }
            }
            return rows;
        }
    }
}
