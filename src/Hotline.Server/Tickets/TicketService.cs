using System.Linq.Expressions;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Tickets;

/// <summary>Reads tickets as a viewer may see them, and checks an action against the domain's transition table. Actions are taken by <see cref="TicketActions"/>.</summary>
public sealed class TicketService(HotlineDbContext db, ReferenceData reference, CityClock clock)
{
    public const int MaxPageSize = 200;

    /// <summary>
    /// Department isolation lives in the query: a handler's view holds only tickets their department is on, as the main
    /// department (主办) or a co-handling one (协办).
    /// </summary>
    public static IQueryable<Ticket> VisibleTo(IQueryable<Ticket> tickets, Actor actor) =>
        HandlerSides(actor) is { } sides ? tickets.Where(Combine(Expression.OrElse, sides.Own, sides.CoHandled)) : tickets;

    /// <summary>
    /// <see cref="VisibleTo(IQueryable{Ticket}, Actor)"/> and <paramref name="filter"/>, the filter written into each side of
    /// a handler's OR: SQLite then reads the two sides as two index ranges (the department's own tickets by
    /// <c>(AssignedDepartmentCode, Status, …)</c>, its co-handled ones by the partial index on <see cref="Ticket.CoHandled"/>)
    /// instead of testing every open ticket of the city (73 ms for a department's inbox at 1M tickets).
    /// </summary>
    public static IQueryable<Ticket> VisibleTo(IQueryable<Ticket> tickets, Actor actor, Expression<Func<Ticket, bool>> filter)
    {
        if (HandlerSides(actor) is not { } sides)
            return tickets.Where(filter);
        var own = Combine(Expression.AndAlso, sides.Own, filter);
        var coHandled = Combine(Expression.AndAlso, sides.CoHandled, filter);
        return tickets.Where(Combine(Expression.OrElse, own, coHandled));
    }

    /// <summary>
    /// The sides of <paramref name="actor"/>'s view apart, for reads that take each side as a range of its own index: a
    /// handler's own and co-handled tickets (<see cref="HandlerSides"/>); every ticket, one side, for the centre's roles.
    /// </summary>
    public static IReadOnlyList<IQueryable<Ticket>> VisibleSides(IQueryable<Ticket> tickets, Actor actor) =>
        HandlerSides(actor) is { } sides ? [tickets.Where(sides.Own), tickets.Where(sides.CoHandled)] : [tickets];

    /// <summary>
    /// The two sides of a handler's view, the one definition of it: the tickets their department handles (主办) and those it
    /// co-handles (协办); null for the centre's roles, who see every ticket.
    /// </summary>
    public static (Expression<Func<Ticket, bool>> Own, Expression<Func<Ticket, bool>> CoHandled)? HandlerSides(Actor actor)
    {
        if (!actor.IsDepartmentHandler)
            return null;
        var department = actor.DepartmentCode!;
        return (t => t.AssignedDepartmentCode == department, t => t.CoHandled && t.CoHandlingDepartmentCodes.Contains(department));
    }

    private static Expression<Func<Ticket, bool>> Combine(
        Func<Expression, Expression, BinaryExpression> op, Expression<Func<Ticket, bool>> left, Expression<Func<Ticket, bool>> right)
    {
        var t = left.Parameters[0];
        return Expression.Lambda<Func<Ticket, bool>>(op(left.Body, Inline(right, t)), t);
    }

    private static Expression Inline(LambdaExpression lambda, ParameterExpression parameter) =>
        new Rebind(lambda.Parameters[0], parameter).Visit(lambda.Body);

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }

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

    /// <summary>Saves the unit of work; a lost race (version token or event index) becomes 409 with the current version.</summary>
    internal async Task SaveAsync(Ticket ticket, int readVersion, CancellationToken ct)
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
}
