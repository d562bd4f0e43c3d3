using System.Text.Json;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Tickets;

/// <summary>Reads tickets as a viewer may see them and takes lifecycle actions through the domain's transition table.</summary>
public sealed class TicketService(
    HotlineDbContext db, ReferenceData reference, CityClock clock, Microsoft.Extensions.Options.IOptions<WorkflowOptions> workflow,
    TicketEventEffects effects, Ratings.RatingFlow ratings, ILogger<TicketService> logger)
{
    public const int MaxPageSize = 200;

    /// <summary>
    /// Department isolation lives in the query: a handler's view holds only tickets their department is on, as the main
    /// department (主办) or a co-handling one (协办).
    /// </summary>
    public static IQueryable<Ticket> VisibleTo(IQueryable<Ticket> tickets, Actor actor) =>
        actor.IsDepartmentHandler
            ? tickets.Where(t => t.AssignedDepartmentCode == actor.DepartmentCode || t.CoHandlingDepartmentCodes.Contains(actor.DepartmentCode!))
            : tickets;

    public async Task<Ticket> FindAsync(string number, Actor actor, CancellationToken ct, bool track = false)
    {
        var query = VisibleTo(track ? db.Tickets : db.Tickets.AsNoTracking(), actor);
        return await query.FirstOrDefaultAsync(t => t.Number == number, ct) ?? throw new TicketNotFoundException(number);
    }

    /// <summary>The ticket as this viewer may see it: a confidential requester masked, also where their name or number appears in a text.</summary>
    public TicketView View(Ticket t, Actor viewer)
    {
        var redaction = RequesterRedaction.For(t.Requester, viewer.SeesConfidentialRequesters);
        string Text(string text) => redaction?.Text(text) ?? text;
        string? OptionalText(string? text) => redaction?.OptionalText(text) ?? text;
        return new(
        t.Number, t.Type, t.Channel, t.Priority, t.Status,
        t.Requester.ForViewer(viewer.SeesConfidentialRequesters),
        Text(t.Title), Text(t.Description), t.CategoryCode,
        reference.Categories.GetValueOrDefault(t.CategoryCode)?.Name,
        t.DistrictCode, OptionalText(t.Address), t.Tags.Select(Text).ToList(),
        new PersonRef(t.OwnerId, t.OwnerName),
        t.AssignedDepartmentCode is null ? null : new DepartmentRef(t.AssignedDepartmentCode, reference.Departments.GetValueOrDefault(t.AssignedDepartmentCode)?.Name ?? t.AssignedDepartmentCode),
        t.AtEnterpriseDesk, t.CoHandlingDepartmentCodes, OptionalText(t.IntakeAnswer), t.ReplyResult, OptionalText(t.Resolution), t.ReturnCount, t.ReturnedBy, t.ReopenCount,
        t.PendingExtensionDeadline, t.ExtendedDeadline, t.OpenSupervisionOrders, t.InLeaderQueue, OptionalText(t.LeaderInstructions), t.MasterNumber,
        t.AwaitingRequesterSince, t.Overdue,
        t.RegisteredAt, t.DispatchedAt, t.SignedForAt, t.RepliedAt, t.ClosedAt, t.UpdatedAt, t.Version,
        TicketWorkflow.AllowedActions(t.Status, t.AssignedDepartmentCode, viewer, t.CoHandlingDepartmentCodes));
    }

    public async Task<IReadOnlyList<TicketEventView>> HistoryAsync(string number, Actor actor, CancellationToken ct)
    {
        var ticket = await FindAsync(number, actor, ct);
        var events = await db.TicketEvents.AsNoTracking().Where(e => e.TicketId == ticket.Id).OrderBy(e => e.Version).ToListAsync(ct);
        // One masking pass over every field of every change (RequesterRedaction), not a list of the fields known today.
        var redaction = RequesterRedaction.For(ticket.Requester, actor.SeesConfidentialRequesters);
        return events.Select(e => new TicketEventView(
            e.Id, e.Version, TicketWorkflow.For(e.Action).RouteName, e.FromStatus, e.ToStatus,
            new PersonRef(e.ActorId, redaction?.Text(e.ActorName) ?? e.ActorName), e.ActorRole, e.OccurredAt,
            redaction?.Change(e.Change) ?? e.Change))
            .ToList();
    }

    /// <summary>
    /// Takes one lifecycle action. The body is the action's change plus <c>expectedVersion</c>; a stale version is
    /// refused with 409 before anything is written, and a race after reading is caught by the version token.
    /// </summary>
    public async Task<Ticket> ActAsync(string number, string actionName, JsonElement body, Actor actor, CancellationToken ct)
    {
        var transition = TicketWorkflow.ForRoute(actionName);
        if (transition is null || TicketWorkflow.IsSystemOnly(transition.Action) || TicketWorkflow.HasOwnEndpoint(transition.Action))
            throw new UnknownActionException(actionName);

        var (change, expectedVersion) = ReadBody(body, transition.ChangeType);
        var ticket = await FindAsync(number, actor, ct, track: true);
        await ActOnAsync(ticket, transition, change, expectedVersion, actor, ct);
        return ticket;
    }

    /// <summary>
    /// Takes an action on the version just read, for callers that hold no version: a requester's public page or email,
    /// a rating recorded through the API. A race after reading is still caught by the version token (409).
    /// </summary>
    public async Task<Ticket> ActAsync(string number, TicketChange change, Actor actor, CancellationToken ct)
    {
        var ticket = await FindAsync(number, actor, ct, track: true);
        await ActOnAsync(ticket, TicketWorkflow.ForChange(change), change, ticket.Version, actor, ct);
        return ticket;
    }

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
        Check(ticket, transition.Action, actor);
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
        await SaveAsync(ticket, expectedVersion.Value, ct);
        logger.LogInformation("Ticket {TicketNumber} {Action} → {Status}", ticket.Number, transition.Action, ticket.Status);
    }

    /// <summary>
    /// Records a non-status change (an attachment) on the latest version, retrying if someone acted meanwhile (up to
    /// <paramref name="attempts"/> times; a caller with its own transaction retries itself and asks for one).
    /// </summary>
    public async Task AppendAsync(string number, Actor actor, Func<Ticket, TicketChange> change, CancellationToken ct, int attempts = 3)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ticket = await FindAsync(number, actor, ct, track: true);
            var c = change(ticket);
            Check(ticket, TicketWorkflow.ForChange(c).Action, actor);
            var read = ticket.Version;
            db.TicketEvents.Add(ticket.Act(c, actor, clock.Now));
            try
            {
                await SaveAsync(ticket, read, ct);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < attempts)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Forgets what this unit of work read, so a retry after a lost race reads the ticket afresh.</summary>
    public void Reset() => db.ChangeTracker.Clear();

    public void Check(Ticket ticket, TicketAction action, Actor actor)
    {
        switch (TicketWorkflow.Check(action, ticket.Status, ticket.AssignedDepartmentCode, actor, ticket.CoHandlingDepartmentCodes))
        {
            case TransitionVerdict.RoleNotAllowed:
                throw new ActionForbiddenException(action);
            case TransitionVerdict.NotAllowedInStatus:
                throw new TransitionNotAllowedException(ticket.Status, action,
                    TicketWorkflow.AllowedActions(ticket.Status, ticket.AssignedDepartmentCode, actor, ticket.CoHandlingDepartmentCodes));
        }
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
        var master = await VisibleTo(db.Tickets.AsNoTracking(), actor).FirstOrDefaultAsync(t => t.Number == masterNumber, ct)
            ?? throw new RequestValidationException([new("masterNumber", "MasterNotFound")]);
        // The master must still be in handling, so the duplicate is answered and closed with it.
        if (master.Status is not (TicketStatus.Registered or TicketStatus.Dispatched or TicketStatus.SignedFor or TicketStatus.Returned or TicketStatus.Reopened))
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
                : new Closed($"随主件 {master.Number} 归档");
            var followed = follower.Act(follow, Actor.System, now);
            await effects.AddAsync(db, follower, [followed], ct);
        }
    }

    private async Task SaveAsync(Ticket ticket, int readVersion, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            // Lost the race: either the version token or the unique (ticket, version) index of the events caught it.
            var current = await db.Tickets.AsNoTracking().Where(t => t.Id == ticket.Id).Select(t => t.Version).FirstAsync(ct);
            if (current == readVersion)
                throw;
            throw new ConcurrencyConflictException(readVersion, current, ex);
        }
    }

    private static (TicketChange Change, int? ExpectedVersion) ReadBody(JsonElement body, Type changeType)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new BadHttpRequestException("Body must be a JSON object.", new JsonException("Body must be a JSON object.", "$", null, null));
        int? expected = null;
        if (body.TryGetProperty("expectedVersion", out var v))
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n))
                throw new BadHttpRequestException("expectedVersion must be an integer.", new JsonException("Invalid expectedVersion.", "$.expectedVersion", null, null));
            expected = n;
        }
        try
        {
            var change = (TicketChange?)body.Deserialize(changeType, Security.StrictJson.ActionBodies)
                ?? throw new JsonException("Empty body.", "$", null, null);
            return (change, expected);
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException("Malformed action body.", ex);
        }
    }
}
