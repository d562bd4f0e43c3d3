using Hotline.Domain.Access;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Sla;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Ratings;

/// <summary>
/// What follows a rating-related event in the same unit of work as the event itself: the ratings row, the phone
/// rating of a revisit call, and for an unsatisfied rating the system's rectification (整改): reopening with a
/// supervision order, or the leaders' queue after <see cref="RatingOptions.MaxRectificationRounds"/> rounds.
/// </summary>
public sealed class RatingFlow(IOptions<RatingOptions> options, Tickets.TicketEventEffects effects, SlaRules rules)
{
    public RatingOptions Options => options.Value;

    /// <summary>The workflow policy with the rating settings.</summary>
    public WorkflowPolicy Policy(WorkflowPolicy workflow) => options.Value.Apply(workflow);

    public async Task FollowAsync(HotlineDbContext db, Ticket ticket, TicketEvent e, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        switch (e.Change)
        {
            case RevisitRecorded revisit when RatingRules.RatingOf(revisit) is { } phoneRating:
                // The guard already checked the level and the round for the revisit.
                await TakeAsync(db, ticket, phoneRating.Complete(ticket, actor), actor, now, ct);
                break;
            case Rated rated:
                db.Ratings.Add(Row(ticket, rated, e));
                foreach (var change in RatingRules.AfterRating(ticket, rated, Policy(WorkflowPolicy.Default), OrderDueAt(now, ticket.AssignedDepartmentCode)))
                {
                    // Already in the leaders' queue (an earlier escalation not yet instructed): reopening is enough.
                    if (change is EscalatedToLeader && ticket.InLeaderQueue)
                        continue;
                    await TakeAsync(db, ticket, change.Complete(ticket, Actor.System), Actor.System, now, ct);
                }
                break;
            case RatingAppealed appealed:
                var row = await RowAsync(db, ticket, appealed.Round, ct);
                row.Appeal = AppealState.Pending;
                row.AppealReason = appealed.Reason;
                row.AppealedAt = e.OccurredAt;
                break;
            case AppealDecided decided:
                var decidedRow = await RowAsync(db, ticket, decided.Round, ct);
                decidedRow.Appeal = decided.Upheld == true ? AppealState.Upheld : AppealState.Rejected;
                decidedRow.AppealDecisionComment = decided.Comment;
                decidedRow.AppealDecidedAt = e.OccurredAt;
                break;
        }
    }

    /// <summary>The ratings row of a <c>rated</c> event.</summary>
    public static RatingRow Row(Ticket ticket, Rated rated, TicketEvent e) => new()
    {
        TicketId = ticket.Id, Ticket = ticket.Id == 0 ? ticket : null, TicketNumber = ticket.Number, Round = rated.Round, Level = rated.Level!.Value,
        Resolved = rated.Resolved ?? false, Comment = rated.Comment, Channel = rated.Channel,
        DepartmentCode = rated.DepartmentCode, RatedAt = e.OccurredAt, RatedBy = e.ActorName,
    };

    private async Task TakeAsync(HotlineDbContext db, Ticket ticket, TicketChange change, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var followed = ticket.Act(change, actor, now);
        await effects.AddAsync(db, ticket, [followed], ct); // a reopening for rectification is emailed like any other
        await FollowAsync(db, ticket, followed, actor, now, ct);
    }

    private static async Task<RatingRow> RowAsync(HotlineDbContext db, Ticket ticket, int round, CancellationToken ct) =>
        await db.Ratings.FirstAsync(r => r.TicketId == ticket.Id && r.Round == round, ct);

    /// <summary>The rectification order's deadline: the automatic supervision's working days on the department's hours.</summary>
    private DateTimeOffset OrderDueAt(DateTimeOffset now, string? department)
    {
        try
        {
            return rules.CalendarFor(department).Deadline(now, TimeLimit.WorkingDays(rules.Options.AutomaticSupervisionWorkingDays));
        }
        catch (CalendarNotLoadedException)
        {
            return now.AddDays(rules.Options.AutomaticSupervisionWorkingDays);
        }
    }
}
