using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Tickets;

/// <summary>
/// The one typed entry for every lifecycle action (办理动作) on a ticket: the HTTP API, the console and the server's own
/// flows (ratings, requester pages, email) all call it with the action's change record, in-process, and get the same
/// result or the same refusal. A refusal is thrown as one of the exceptions in <c>Problems/</c>, which
/// <see cref="ProblemHandler.Describe"/> words for every front door.
/// </summary>
public sealed class TicketActions(
    HotlineDbContext db, TicketService tickets, ReferenceData reference, CityClock clock, IOptions<WorkflowOptions> workflow,
    TicketEventEffects effects, Ratings.RatingFlow ratings, ILogger<TicketActions> logger)
{
    /// <summary>
    /// Takes one action on the version the caller read (<paramref name="expectedVersion"/>): a stale version is refused
    /// with 409 before anything is written, and a race after reading is caught by the version token. The view is the
    /// ticket after the action, as <paramref name="actor"/> may see it.
    /// </summary>
    public async Task<TicketView> ActAsync(string number, TicketChange change, int? expectedVersion, Actor actor, CancellationToken ct)
    {
        var transition = TicketWorkflow.ForChange(change);
        if (!IsOnActionsRoute(transition.Action))
            throw new UnknownActionException(transition.RouteName);
        var ticket = await tickets.FindAsync(number, actor, ct, track: true);
        await ActOnAsync(ticket, transition, change, expectedVersion, actor, ct);
        return tickets.View(ticket, actor);
    }

    /// <summary>
    /// Takes an action on the version just read, for callers that hold no version: a requester's public page or email,
    /// a rating recorded through the API. A race after reading is still caught by the version token (409).
    /// </summary>
    public async Task<Ticket> ActOnLatestAsync(string number, TicketChange change, Actor actor, CancellationToken ct)
    {
        var ticket = await tickets.FindAsync(number, actor, ct, track: true);
        await ActOnAsync(ticket, TicketWorkflow.ForChange(change), change, ticket.Version, actor, ct);
        return ticket;
    }

    /// <summary>Forgets what this unit of work read, so a retry after a lost race reads the ticket afresh.</summary>
    public void Reset() => db.ChangeTracker.Clear();

    /// <summary>The actions people take through <see cref="ActAsync"/> (and <c>POST /api/tickets/{number}/actions/{action}</c>), in table order.</summary>
    public static IEnumerable<TicketTransition> OnActionsRoute => TicketWorkflow.Transitions.Where(t => IsOnActionsRoute(t.Action));

    private static bool IsOnActionsRoute(TicketAction action) => !TicketWorkflow.IsSystemOnly(action) && !TicketWorkflow.HasOwnEndpoint(action);

    private async Task ActOnAsync(Ticket ticket, TicketTransition transition, TicketChange change, int? expectedVersion, Actor actor, CancellationToken ct)
    {
        change = change.Complete(ticket, actor);
        var errors = change.Validate(reference).ToList();
        if (expectedVersion is null)
            errors.Add(new("expectedVersion", ErrorCodes.Required));
        if (errors.Count > 0)
            throw new RequestValidationException(errors);

        // Role first (403), then staleness (the caller must reload), then whether the state and the ticket's history allow it.
        if (TicketWorkflow.Check(transition.Action, ticket.Status, ticket.AssignedDepartmentCode, actor, ticket.CoHandlingDepartmentCodes) == TransitionVerdict.RoleNotAllowed)
            throw new ActionForbiddenException(transition.Action);
        if (expectedVersion != ticket.Version)
            throw new ConcurrencyConflictException(expectedVersion!.Value, ticket.Version);
        tickets.Check(ticket, transition.Action, actor);
        var now = clock.Now;
        ThrowIfGuarded(TicketGuards.Check(ticket, change, actor, ratings.Policy(workflow.Value.ToPolicy()), now));
        if (change is MarkedDuplicate duplicate)
            await CheckMasterAsync(ticket, duplicate.MasterNumber, actor, ct);
        if (change is Replied { Attachments.Count: > 0 } reply)
            await CheckAttachmentsAsync(ticket, reply.Attachments, ct);

        var e = ticket.Act(change, actor, now);
        await effects.AddAsync(db, ticket, [e], ct);
        await ratings.FollowAsync(db, ticket, e, actor, now, ct);
        await FollowMasterAsync(ticket, change, now, ct);
        await tickets.SaveAsync(ticket, expectedVersion.Value, ct);
        logger.LogInformation("Ticket {TicketNumber} {Action} → {Status}", ticket.Number, transition.Action, ticket.Status);
    }

    private static void ThrowIfGuarded(GuardFailure? failure)
    {
        switch (failure?.Kind)
        {
            case null:
                return;
            case GuardKind.NeedsSupervisor:
                throw new SupervisorRequiredException(failure.Code, failure.Arguments);
            case GuardKind.Invalid:
                throw new RequestValidationException([new(failure.Field ?? "$", failure.Code, failure.Arguments)]);
            default:
                throw new GuardConflictException(failure.Code, failure.Arguments);
        }
    }

    /// <summary>A reply may cite only files attached to this ticket.</summary>
    private async Task CheckAttachmentsAsync(Ticket ticket, IReadOnlyList<long> ids, CancellationToken ct)
    {
        var own = await db.Attachments.Where(a => a.TicketId == ticket.Id && ids.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct);
        var errors = ids.Select((id, i) => (id, i)).Where(x => !own.Contains(x.id))
            .Select(x => new FieldError($"attachmentIds[{x.i}]", "UnknownAttachment", x.id)).ToList();
        if (errors.Count > 0)
            throw new RequestValidationException(errors);
    }

    /// <summary>A duplicate must point at another ticket the caller can see that is still being worked.</summary>
    private async Task CheckMasterAsync(Ticket ticket, string masterNumber, Actor actor, CancellationToken ct)
    {
        if (masterNumber == ticket.Number)
            throw new RequestValidationException([new("masterNumber", "SelfDuplicate")]);
        var master = await TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor).FirstOrDefaultAsync(t => t.Number == masterNumber, ct)
            ?? throw new RequestValidationException([new("masterNumber", "MasterNotFound")]);
        // The master must still be in handling, so the duplicate is answered and closed with it.
        if (!TicketStates.Open.Contains(master.Status))
            throw new RequestValidationException([new("masterNumber", "MasterNotOpen")]);
    }

    /// <summary>
    /// Duplicates follow their master in the same transaction: when the master is replied, each is answered with the
    /// master's reply (keeping its own requester, who is told and asked to rate); when the master closes, so do they.
    /// </summary>
    private async Task FollowMasterAsync(Ticket master, TicketChange change, DateTimeOffset now, CancellationToken ct)
    {
        if (change is not (Replied or Closed))
            return;
        var followers = await db.Tickets.Where(t => t.MasterNumber == master.Number
            && (change is Replied ? t.Status == TicketStatus.Merged : t.Status == TicketStatus.Replied)).ToListAsync(ct);
        foreach (var follower in followers)
        {
            TicketChange follow = change is Replied
                ? new AnsweredWithMaster(master.Number, master.ReplyResult ?? ReplyResult.Resolved, master.Resolution ?? "")
                : new Closed(SystemTexts.ClosedWithMaster.Format(master.Number));
            var followed = follower.Act(follow, Actor.System, now);
            await effects.AddAsync(db, follower, [followed], ct);
        }
    }
}
