using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Hotline.Server.Live;

/// <summary>Someone with a ticket open: a console tab (Blazor circuit) or a hub connection.</summary>
public sealed record TicketViewer(string SessionId, string UserId, string UserName, bool Editing);

/// <summary>
/// Who is looking at which ticket right now, in this process (在线查看). The ticket page enters on open, marks itself
/// editing while a form is open, and leaves on close; anyone watching the same ticket is told through <see cref="Changed"/>,
/// so two people editing one ticket see a warning before one of them gets a 409.
/// </summary>
public sealed class TicketPresence
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, TicketViewer>> tickets = new(StringComparer.Ordinal);
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

    public void Enter(string number, TicketViewer viewer)
    {
        lock (changes)
            tickets.GetOrAdd(number, _ => new(StringComparer.Ordinal))[viewer.SessionId] = viewer;
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
        Raise(number);
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
        Raise(number);
    }

    /// <summary>Everyone on the ticket, one entry per session, oldest first not guaranteed.</summary>
    public IReadOnlyList<TicketViewer> Viewers(string number) =>
        tickets.TryGetValue(number, out var viewers) ? [.. viewers.Values] : [];

    /// <summary>The others editing this ticket besides <paramref name="sessionId"/>: the collision warning.</summary>
    public IReadOnlyList<TicketViewer> OtherEditors(string number, string sessionId) =>
        Viewers(number).Where(v => v.Editing && v.SessionId != sessionId).ToList();
}
