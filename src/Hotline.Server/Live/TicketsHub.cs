using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Live;

/// <summary>One ticket event as consoles and integrations receive it: small, versioned, with its global sequence number.</summary>
public sealed record TicketEventMessage(
    int V, long Sequence, string Number, string Action, TicketStatus? From, TicketStatus To, string? DepartmentCode, DateTimeOffset OccurredAt);

/// <summary>What the server calls on a connected client.</summary>
public interface ITicketsClient
{
    Task TicketEvent(TicketEventMessage message);

    /// <summary>来电弹屏: a call is ringing at this user's seat (sent to the user's own connections only).</summary>
    Task IncomingCall(Telephony.IncomingCallMessage message);
}

/// <summary>
/// 实时推送 (/hubs/tickets). The server puts each connection into its groups from its claims — its role, its user, and for
/// a department handler its department — so nobody can ask to hear another department. A console that reconnects
/// calls <see cref="Since"/> with the last sequence it saw and gets exactly the events it missed that it may see.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class TicketsHub(IDbContextFactory<HotlineDbContext> contexts) : Hub<ITicketsClient>
{
    public const int MaxCatchUp = 1000;

    public override async Task OnConnectedAsync()
    {
        var actor = Context.User!.ToActor();
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.User(actor.Id));
        await Groups.AddToGroupAsync(Context.ConnectionId, actor.IsDepartmentHandler
            ? LiveGroups.Department(actor.DepartmentCode!)
            : LiveGroups.Centre);
        await base.OnConnectedAsync();
    }

    /// <summary>The events after <paramref name="sequence"/> this caller may see, oldest first (at most <see cref="MaxCatchUp"/>; call again for more).</summary>
    public async Task<IReadOnlyList<TicketEventMessage>> Since(long sequence)
    {
        var actor = Context.User!.ToActor();
        await using var db = await contexts.CreateDbContextAsync(Context.ConnectionAborted);
        var visible = TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor);
        var rows = await db.TicketEvents.AsNoTracking()
            .Where(e => e.Id > sequence)
            .Join(visible, e => e.TicketId, t => t.Id, (e, t) => new { e.Id, t.Number, e.Action, e.FromStatus, e.ToStatus, t.AssignedDepartmentCode, e.OccurredAt })
            .OrderBy(x => x.Id).Take(MaxCatchUp).ToListAsync(Context.ConnectionAborted);
        return rows.Select(r => new TicketEventMessage(1, r.Id, r.Number, TicketWorkflow.For(r.Action).RouteName, r.FromStatus, r.ToStatus, r.AssignedDepartmentCode, r.OccurredAt)).ToList();
    }
}

/// <summary>Group names chosen by the server, never by clients.</summary>
public static class LiveGroups
{
    /// <summary>Everyone at the centre who may see every ticket (agents, dispatchers, supervisors, leaders, admins).</summary>
    public const string Centre = "centre";

    public static string Department(string code) => $"dept:{code}";

    public static string User(string id) => $"user:{id}";
}
