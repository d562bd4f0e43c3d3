using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Hotline.Server.Common;

/// <summary>
/// Tells the live views of a circuit that the browser came back after losing its connection. The circuit (and each
/// view's feed subscription) lived on meanwhile, so events were not lost, but a view re-reads anyway: what it rendered
/// while nobody was connected may not have reached the browser. A circuit the server had already dropped is not
/// reconnected at all: Blazor reloads the page, which reads everything afresh.
/// </summary>
public sealed class ConsoleCircuit : CircuitHandler
{
    private bool connectedBefore;

    public event Func<Task>? Reconnected;

    /// <summary>
    /// The browser's connection went (a tab closed, a network drop). The circuit lives on for a reconnect, up to minutes;
    /// what stands for "this person is here" (presence on a ticket) must end now, and come back on <see cref="Reconnected"/>.
    /// </summary>
    public event Action? ConnectionDown;

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        ConnectionDown?.Invoke();
        return Task.CompletedTask;
    }

    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (!connectedBefore)
        {
            connectedBefore = true; // the first connection is the circuit starting, not a reconnect
            return;
        }
        if (Reconnected is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
                await handler();
        }
    }
}
