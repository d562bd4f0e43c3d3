using System.Text.Json;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Tickets;

/// <summary>Reads tickets as a viewer may see them and takes lifecycle actions through the domain's transition table.</summary>
public sealed class TicketService(HotlineDbContext db, ReferenceData reference, CityClock clock, ILogger<TicketService> logger)
{
    public const int MaxPageSize = 200;

    /// <summary>Department isolation lives in the query: a handler's view holds only their department's tickets.</summary>
    public static IQueryable<Ticket> VisibleTo(IQueryable<Ticket> tickets, Actor actor) =>
        actor.IsDepartmentHandler ? tickets.Where(t => t.AssignedDepartmentCode == actor.DepartmentCode) : tickets;

    public async Task<Ticket> FindAsync(string number, Actor actor, CancellationToken ct, bool track = false)
    {
        var query = VisibleTo(track ? db.Tickets : db.Tickets.AsNoTracking(), actor);
        return await query.FirstOrDefaultAsync(t => t.Number == number, ct) ?? throw new TicketNotFoundException(number);
    }

    public TicketView View(Ticket t, Actor viewer) => new(
        t.Number, t.Type, t.Channel, t.Priority, t.Status,
        t.Requester.ForViewer(viewer.SeesConfidentialRequesters),
        t.Title, t.Description, t.CategoryCode,
        reference.Categories.GetValueOrDefault(t.CategoryCode)?.Name,
        t.DistrictCode, t.Address, t.Tags,
        new PersonRef(t.OwnerId, t.OwnerName),
        t.AssignedDepartmentCode is null ? null : new DepartmentRef(t.AssignedDepartmentCode, reference.Departments.GetValueOrDefault(t.AssignedDepartmentCode)?.Name ?? t.AssignedDepartmentCode),
        t.AtEnterpriseDesk, t.IntakeAnswer, t.ReplyResult, t.Resolution, t.ReturnCount, t.ReopenCount,
        t.RegisteredAt, t.DispatchedAt, t.SignedForAt, t.RepliedAt, t.ClosedAt, t.UpdatedAt, t.Version,
        TicketWorkflow.AllowedActions(t.Status, t.AssignedDepartmentCode, viewer));

    public async Task<IReadOnlyList<TicketEventView>> HistoryAsync(string number, Actor actor, CancellationToken ct)
    {
        var ticket = await FindAsync(number, actor, ct);
        var events = await db.TicketEvents.AsNoTracking().Where(e => e.TicketId == ticket.Id).OrderBy(e => e.Version).ToListAsync(ct);
        var unmasked = !ticket.RequesterConfidential || actor.SeesConfidentialRequesters;
        return events.Select(e => new TicketEventView(
            e.Id, e.Version, TicketWorkflow.For(e.Action).RouteName, e.FromStatus, e.ToStatus,
            new PersonRef(e.ActorId, e.ActorName), e.ActorRole, e.OccurredAt,
            unmasked || e.Change is not Registered r ? e.Change : r with { Draft = r.Draft with { Requester = r.Draft.Requester.ForViewer(false) } }))
            .ToList();
    }

    /// <summary>
    /// Takes one lifecycle action. The body is the action's change plus <c>expectedVersion</c>; a stale version is
    /// refused with 409 before anything is written, and a race after reading is caught by the version token.
    /// </summary>
    public async Task<Ticket> ActAsync(string number, string actionName, JsonElement body, Actor actor, CancellationToken ct)
    {
        var transition = TicketWorkflow.ForRoute(actionName);
        if (transition is null || transition.Action is TicketAction.Register or TicketAction.AttachFile)
            throw new UnknownActionException(actionName);

        var (change, expectedVersion) = ReadBody(body, transition.ChangeType);
        var ticket = await FindAsync(number, actor, ct, track: true);
        var errors = change.Validate(reference).ToList();
        if (expectedVersion is null)
            errors.Add(new("expectedVersion", ErrorCodes.Required));
        if (errors.Count > 0)
            throw new RequestValidationException(errors);

        // Role first (403), then staleness (the caller must reload), then whether the state allows it.
        if (TicketWorkflow.Check(transition.Action, ticket.Status, ticket.AssignedDepartmentCode, actor) == TransitionVerdict.RoleNotAllowed)
            throw new ActionForbiddenException(transition.Action);
        if (expectedVersion != ticket.Version)
            throw new ConcurrencyConflictException(expectedVersion!.Value, ticket.Version);
        Check(ticket, transition.Action, actor);

        var e = ticket.Act(change, actor, clock.Now);
        db.TicketEvents.Add(e);
        await SaveAsync(ticket, expectedVersion.Value, ct);
        logger.LogInformation("Ticket {TicketNumber} {Action} → {Status}", ticket.Number, transition.Action, ticket.Status);
        return ticket;
    }

    /// <summary>Records a non-status change (an attachment) on the latest version, retrying if someone acted meanwhile.</summary>
    public async Task AppendAsync(string number, Actor actor, Func<Ticket, TicketChange> change, CancellationToken ct)
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
            catch (ConcurrencyConflictException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    public void Check(Ticket ticket, TicketAction action, Actor actor)
    {
        switch (TicketWorkflow.Check(action, ticket.Status, ticket.AssignedDepartmentCode, actor))
        {
            case TransitionVerdict.RoleNotAllowed:
                throw new ActionForbiddenException(action);
            case TransitionVerdict.NotAllowedInStatus:
                throw new TransitionNotAllowedException(ticket.Status, action, TicketWorkflow.AllowedActions(ticket.Status, ticket.AssignedDepartmentCode, actor));
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
            var change = (TicketChange?)body.Deserialize(changeType, HotlineDbContext.PayloadJson)
                ?? throw new JsonException("Empty body.", "$", null, null);
            return (change, expected);
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException("Malformed action body.", ex);
        }
    }
}
