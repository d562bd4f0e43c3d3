using Hotline.Domain.Access;
using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Live;

/// <summary>
/// 实时推送 (/hubs/tickets). The server puts each connection into its groups from its claims — its user, and the centre
/// and its role's queues, or for a department handler its department — so nobody can ask to hear another department.
/// A client may watch a ticket it can see (per-ticket group and presence, 在线查看). A console that reconnects calls
/// <see cref="Since"/> with the last sequence it saw and gets exactly the events it missed that it may see.
/// Messages go out through <see cref="LiveConnections"/>, never through SignalR's group sends (see there why).
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class TicketsHub(IDbContextFactory<HotlineDbContext> contexts, LiveConnections live, TicketPresence presence,
    TicketEventPublisher publisher, IOptions<LiveOptions> options) : Hub<ITicketsClient>
{
    public const int MaxCatchUp = 1000;

    public override async Task OnConnectedAsync()
    {
        var actor = Context.User!.ToActor();
        if (live.Find(Context.ConnectionId) is { } connection)
            connection.Actor = actor;
        foreach (var group in LiveGroups.OnConnect(actor))
            live.Join(Context.ConnectionId, group);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (live.Find(Context.ConnectionId) is { } connection)
        {
            foreach (var number in connection.Watching.ToArray())
                presence.Leave(number, Context.ConnectionId);
        }
        await base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// The events after <paramref name="sequence"/> this caller may see, oldest first (at most <see cref="MaxCatchUp"/>;
    /// call again for more). Never beyond what the publisher has sent, so a later live event cannot overtake a gap that
    /// is still being filled on PostgreSQL; a client may receive an event both here and live and keeps it once by sequence.
    /// </summary>
    public async Task<IReadOnlyList<TicketEventMessage>> Since(long sequence)
    {
        var actor = Context.User!.ToActor();
        var horizon = publisher.Published;
        await using var db = await contexts.CreateDbContextAsync(Context.ConnectionAborted);
        var visible = TicketService.VisibleTo(db.Tickets.AsNoTracking(), actor);
        var events = db.TicketEvents.AsNoTracking().Where(e => e.Id > sequence);
        if (horizon >= 0)
            events = events.Where(e => e.Id <= horizon);
        var rows = await events
            .Join(visible, e => e.TicketId, t => t.Id, (e, t) => new { e.Id, t.Number, e.Action, e.FromStatus, e.ToStatus, t.AssignedDepartmentCode, e.OccurredAt, e.Version, e.Change })
            .OrderBy(x => x.Id).Take(MaxCatchUp).ToListAsync(Context.ConnectionAborted);
        return rows.Select(r => TicketEventMessage.Create(r.Id, r.Number, r.Action, r.FromStatus, r.ToStatus, r.AssignedDepartmentCode, r.OccurredAt, r.Version, r.Change)).ToList();
    }

    /// <summary>
    /// Joins the ticket's group and its presence (with this connection as the session); the group is then told
    /// <see cref="ITicketsClient.PresenceChanged"/>. Only for a ticket the caller may see: anything else is refused as
    /// not found, the same answer as for a ticket that does not exist.
    /// </summary>
    public async Task<IReadOnlyList<LiveViewer>> WatchTicket(string number)
    {
        var actor = Context.User!.ToActor();
        var connection = live.Find(Context.ConnectionId) ?? throw new HubException("The connection is closing.");
        await using (var db = await contexts.CreateDbContextAsync(Context.ConnectionAborted))
        {
            if (string.IsNullOrEmpty(number) || !await TicketService.VisibleTo(db.Tickets, actor).AnyAsync(t => t.Number == number, Context.ConnectionAborted))
                throw new HubException($"Ticket '{number}' was not found.");
        }
        if (!connection.Watching.Contains(number) && connection.Watching.Count >= options.Value.MaxWatchedTicketsPerConnection)
            throw new HubException($"A connection may watch at most {options.Value.MaxWatchedTicketsPerConnection} tickets.");
        connection.Watching.Add(number);
        live.Join(Context.ConnectionId, LiveGroups.Ticket(number));
        presence.Enter(number, new TicketViewer(Context.ConnectionId, actor.Id, actor.Name, Editing: false));
        return LivePresence.Viewers(presence, number);
    }

    /// <summary>Leaves the ticket's group and its presence. Unwatching a ticket not watched does nothing.</summary>
    public Task UnwatchTicket(string number)
    {
        if (live.Find(Context.ConnectionId) is { } connection && connection.Watching.TryRemove(number))
        {
            live.Leave(Context.ConnectionId, LiveGroups.Ticket(number));
            presence.Leave(number, Context.ConnectionId);
        }
        return Task.CompletedTask;
    }

    /// <summary>Marks this connection as editing the ticket (a form open) or not; refused unless the ticket is watched.</summary>
    public Task SetEditing(string number, bool editing)
    {
        if (live.Find(Context.ConnectionId) is not { } connection || !connection.Watching.Contains(number))
            throw new HubException($"Watch ticket '{number}' before marking it as being edited.");
        presence.SetEditing(number, Context.ConnectionId, editing);
        return Task.CompletedTask;
    }
}

/// <summary>Tells each ticket's watchers who is on it, whenever <see cref="TicketPresence"/> changes (hub clients and console tabs alike).</summary>
public sealed class LivePresence : IDisposable
{
    private readonly LiveConnections live;
    private readonly TicketPresence presence;
    private readonly Lock gate = new();

    public LivePresence(LiveConnections live, TicketPresence presence)
    {
        (this.live, this.presence) = (live, presence);
        presence.Changed += OnChanged;
        live.Dropped += OnDropped;
    }

    public static IReadOnlyList<LiveViewer> Viewers(TicketPresence presence, string number) =>
        presence.Viewers(number).Select(v => new LiveViewer(v.UserId, v.UserName, v.Editing)).ToList();

    private void OnChanged(string number)
    {
        // One at a time, so an older list of viewers never overtakes a newer one (sending never waits).
        lock (gate)
            live.Send([LiveGroups.Ticket(number)], nameof(ITicketsClient.PresenceChanged), number, Viewers(presence, number));
    }

    private void OnDropped(string connectionId, IReadOnlyCollection<string> watched)
    {
        foreach (var number in watched)
            presence.Leave(number, connectionId);
    }

    public void Dispose()
    {
        presence.Changed -= OnChanged;
        live.Dropped -= OnDropped;
    }
}
