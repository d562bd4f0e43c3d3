using System.Collections.Concurrent;

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

    /// <summary>Raised with the ticket number whenever its viewers change.</summary>
    public event Action<string>? Changed;

    public void Enter(string number, TicketViewer viewer)
    {
        lock (changes)
            tickets.GetOrAdd(number, _ => new(StringComparer.Ordinal))[viewer.SessionId] = viewer;
        Changed?.Invoke(number);
    }

    public void SetEditing(string number, string sessionId, bool editing)
    {
        lock (changes)
        {
            if (!tickets.TryGetValue(number, out var viewers) || !viewers.TryGetValue(sessionId, out var viewer) || viewer.Editing == editing)
                return;
            viewers[sessionId] = viewer with { Editing = editing };
        }
        Changed?.Invoke(number);
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
        Changed?.Invoke(number);
    }

    /// <summary>Everyone on the ticket, one entry per session, oldest first not guaranteed.</summary>
    public IReadOnlyList<TicketViewer> Viewers(string number) =>
        tickets.TryGetValue(number, out var viewers) ? [.. viewers.Values] : [];

    /// <summary>The others editing this ticket besides <paramref name="sessionId"/>: the collision warning.</summary>
    public IReadOnlyList<TicketViewer> OtherEditors(string number, string sessionId) =>
        Viewers(number).Where(v => v.Editing && v.SessionId != sessionId).ToList();
}
