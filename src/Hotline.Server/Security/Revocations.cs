using System.Security.Claims;

namespace Hotline.Server.Security;

/// <summary>
/// Whose access ends now: every session and live connection of a person or an API key (<see cref="PrincipalId"/>:
/// the Identity user id, or <c>apikey:{id}</c>), or one console session (<see cref="SessionId"/>).
/// </summary>
public sealed record Revocation
{
    public string? PrincipalId { get; init; }
    public string? SessionId { get; init; }

    /// <summary>A revoked API key's prefix, so every node also forgets the key row it keeps in memory.</summary>
    public string? ApiKeyPrefix { get; init; }

    public static Revocation Principal(string id) => new() { PrincipalId = id };

    public static Revocation Session(string id) => new() { SessionId = id };

    public bool Matches(ClaimsPrincipal user) =>
        (PrincipalId is not null && user.FindFirstValue(ClaimTypes.NameIdentifier) == PrincipalId)
        || (SessionId is not null && user.FindFirstValue(SessionClaims.SessionId) == SessionId);
}

/// <summary>
/// Carries revocations to everything that holds access open: cached sessions and keys, hub connections, console
/// circuits. It calls this node's subscribers at once, and tells the other nodes over the node bus (Redis), whose
/// copies call theirs; on a single node the bus goes nowhere.
/// </summary>
public interface IRevocationBus
{
    ValueTask PublishAsync(Revocation revocation, CancellationToken ct);

    IDisposable Subscribe(Action<Revocation> handler);
}

public sealed class RevocationBus : IRevocationBus, IDisposable
{
    private const string Topic = "revocations";
    private readonly Lock gate = new();
    private readonly Nodes.INodeBus nodes;
    private readonly ILogger<RevocationBus> logger;
    private readonly IDisposable fromOtherNodes;
    private Action<Revocation>[] handlers = [];

    public RevocationBus(Nodes.INodeBus nodes, ILogger<RevocationBus> logger)
    {
        (this.nodes, this.logger) = (nodes, logger);
        fromOtherNodes = nodes.Subscribe(Topic, message =>
        {
            if (System.Text.Json.JsonSerializer.Deserialize<Revocation>(message) is { } revocation)
                CallSubscribers(revocation);
        });
    }

    public ValueTask PublishAsync(Revocation revocation, CancellationToken ct)
    {
        CallSubscribers(revocation);
        nodes.Publish(Topic, System.Text.Json.JsonSerializer.Serialize(revocation));
        return ValueTask.CompletedTask;
    }

    public void Dispose() => fromOtherNodes.Dispose();

    private void CallSubscribers(Revocation revocation)
    {
        foreach (var handler in handlers)
        {
            try
            {
                handler(revocation);
            }
            catch (Exception e) // one subscriber's fault must not keep the others from ending access
            {
                logger.LogError(e, "A revocation subscriber failed");
            }
        }
    }

    public IDisposable Subscribe(Action<Revocation> handler)
    {
        lock (gate)
            handlers = [.. handlers, handler];
        return new Subscription(() =>
        {
            lock (gate)
                handlers = handlers.Where(h => h != handler).ToArray();
        });
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
