using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Hotline.Server.Live;

/// <summary>Someone with a ticket open: a console tab (Blazor circuit) or a hub connection.</summary>
public sealed record TicketViewer(string SessionId, string UserId, string UserName, bool Editing);

/// <summary>
/// Who is looking at which ticket right now (在线查看): in this process, and with several nodes also on the others. The ticket page enters on open, marks itself
/// editing while a form is open, and leaves on close; anyone watching the same ticket is told through <see cref="Changed"/>,
/// so two people editing one ticket see a warning before one of them gets a 409.
/// </summary>
public sealed class TicketPresence
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, TicketViewer>> tickets = new(StringComparer.Ordinal);

    // Viewers on the other nodes, by node and ticket, as each node last announced them (Nodes.NodePresence).
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, IReadOnlyList<TicketViewer>>> remote = new(StringComparer.Ordinal);
    private readonly Lock changes = new(); // an Enter must not land in a ticket's list that a Leave is dropping as empty

    private readonly Lock subscribers = new();
    private ImmutableArray<(Action<string> Handler, ExecutionContext? Context)> handlers = [];

    /// <summary>
    /// Raised with the ticket number whenever its viewers change. Each handler runs in the execution context it
    /// subscribed from, not in that of the session that changed: a console tab re-renders in its own reader's culture
    /// when someone in another language opens the ticket (the caller's context used to flow into the other circuit).
    /// </summary>
    public event Action<string>? Changed
    {
        add
        {
            if (value is null)
                return;
            lock (subscribers)
                handlers = handlers.Add((value, ExecutionContext.Capture()));
        }
        remove
        {
            lock (subscribers)
                handlers = handlers.RemoveAll(h => h.Handler == value);
        }
    }

    private void Raise(string number)
    {
        foreach (var (handler, context) in handlers)
        {
            if (context is null)
                handler(number);
            else
                ExecutionContext.Run(context, _ => handler(number), null);
        }
    }

    /// <summary>Raised with the ticket number when this node's own viewers of it change: what the other nodes are told.</summary>
    public event Action<string>? ChangedHere;

    public void Enter(string number, TicketViewer viewer)
    {
        lock (changes)
            tickets.GetOrAdd(number, _ => new(StringComparer.Ordinal))[viewer.SessionId] = viewer;
        RaiseHere(number);
    }

    private void RaiseHere(string number)
    {
        ChangedHere?.Invoke(number);
        Raise(number);
    }

    public void SetEditing(string number, string sessionId, bool editing)
    {
        lock (changes)
        {
            if (!tickets.TryGetValue(number, out var viewers) || !viewers.TryGetValue(sessionId, out var viewer) || viewer.Editing == editing)
                return;
            viewers[sessionId] = viewer with { Editing = editing };
        }
        RaiseHere(number);
    }

    public void Leave(string number, string sessionId)
    {
        lock (changes)
        {
            if (!tickets.TryGetValue(number, out var viewers) || !viewers.TryRemove(sessionId, out _))
                return;
            if (viewers.IsEmpty)
                tickets.TryRemove(number, out _);
        }
        RaiseHere(number);
    }

    /// <summary>This node's own viewers of the ticket.</summary>
    public IReadOnlyList<TicketViewer> ViewersHere(string number) =>
        tickets.TryGetValue(number, out var viewers) ? [.. viewers.Values] : [];

    /// <summary>The tickets someone on this node has open.</summary>
    public IReadOnlyList<string> TicketsHere() => [.. tickets.Keys];

    /// <summary>Another node's viewers of a ticket, replacing what it said before (empty: none left there).</summary>
    public void SetRemote(string node, string number, IReadOnlyList<TicketViewer> viewers)
    {
        var ofNode = remote.GetOrAdd(node, _ => new(StringComparer.Ordinal));
        if (viewers.Count == 0)
        {
            if (!ofNode.TryRemove(number, out _))
                return;
        }
        else
        {
            ofNode[number] = viewers;
        }
        Raise(number);
    }

    /// <summary>A node is gone (dead or silent): its viewers leave every ticket.</summary>
    public void DropNode(string node)
    {
        if (!remote.TryRemove(node, out var ofNode))
            return;
        foreach (var number in ofNode.Keys)
            Raise(number);
    }

    /// <summary>Everyone on the ticket, one entry per session, oldest first not guaranteed.</summary>
    public IReadOnlyList<TicketViewer> Viewers(string number)
    {
        var here = ViewersHere(number);
        if (remote.IsEmpty)
            return here;
        var all = new List<TicketViewer>(here);
        foreach (var (_, ofNode) in remote)
        {
            if (ofNode.TryGetValue(number, out var there))
                all.AddRange(there);
        }
        return all;
    }

    /// <summary>The others editing this ticket besides <paramref name="sessionId"/>: the collision warning.</summary>
    public IReadOnlyList<TicketViewer> OtherEditors(string number, string sessionId) =>
        Viewers(number).Where(v => v.Editing && v.SessionId != sessionId).ToList();
}
