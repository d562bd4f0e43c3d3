using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Security;

/// <summary>
/// Everything in this process that holds access open after its sign-in was checked once: live hub connections and
/// console circuits. A revocation aborts the matching connections and signs the matching circuits out, which sends
/// their pages to the sign-in form (a circuit signed out shows nothing but that: every page requires a sign-in). Revocations of the last minutes are
/// remembered, so a connection that authenticated just before its revocation and registers just after is ended too.
/// </summary>
public sealed class LiveAccess : IDisposable
{
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, HubCallerContext> connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ConsoleAuthenticationState, byte> circuits = new();
    private readonly ConcurrentQueue<(Revocation Revocation, DateTimeOffset At)> recent = new();
    private readonly TimeProvider time;
    private readonly ILogger<LiveAccess> logger;
    private readonly IDisposable subscription;

    public LiveAccess(IRevocationBus revocations, TimeProvider time, ILogger<LiveAccess> logger)
    {
        (this.time, this.logger) = (time, logger);
        subscription = revocations.Subscribe(Revoke);
    }

    public int Connections => connections.Count;

    public void Add(HubCallerContext connection)
    {
        connections[connection.ConnectionId] = connection;
        if (connection.User is { } user && RecentlyRevoked(user))
            End(connection);
    }

    public void Remove(HubCallerContext connection) => connections.TryRemove(connection.ConnectionId, out _);

    public void Add(ConsoleAuthenticationState circuit, ClaimsPrincipal user)
    {
        circuits[circuit] = 0;
        if (RecentlyRevoked(user))
            circuit.SignOut();
    }

    public void Remove(ConsoleAuthenticationState circuit) => circuits.TryRemove(circuit, out _);

    private void Revoke(Revocation revocation)
    {
        recent.Enqueue((revocation, time.GetUtcNow()));
        while (recent.TryPeek(out var oldest) && time.GetUtcNow() - oldest.At > Remember)
            recent.TryDequeue(out _);

        var ended = 0;
        foreach (var connection in connections.Values)
        {
            if (connection.User is { } user && revocation.Matches(user))
            {
                End(connection);
                ended++;
            }
        }
        foreach (var circuit in circuits.Keys)
        {
            if (circuit.Current is { } user && revocation.Matches(user))
            {
                circuit.SignOut();
                ended++;
            }
        }
        if (ended > 0)
            logger.LogInformation("Access revoked for {PrincipalId} {SessionId}: {Ended} live connections and circuits ended",
                revocation.PrincipalId, revocation.SessionId is null ? null : revocation.SessionId[..8], ended);
    }

    private bool RecentlyRevoked(ClaimsPrincipal user) => recent.Any(r => time.GetUtcNow() - r.At <= Remember && r.Revocation.Matches(user));

    private void End(HubCallerContext connection)
    {
        connections.TryRemove(connection.ConnectionId, out _);
        connection.Abort();
    }

    public void Dispose() => subscription.Dispose();
}

/// <summary>
/// The live hub's connections register with <see cref="LiveAccess"/>, so a revocation can end them (a console circuit's
/// connection is ended through its circuit, see <see cref="ConsoleAuthenticationState"/>). Refused hub calls (a <see cref="HubException"/>: a ticket the caller may not see, a limit)
/// are answers, logged as information without a stack trace; anything else is a fault and stays an error.
/// </summary>
public sealed class HubAccessFilter(LiveAccess access, ILogger<HubAccessFilter> logger) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // A console circuit's own connection is left to its circuit: signed out, the page navigates to the sign-in form
        // over that connection (aborting it would lose the navigation), and the circuit holds nothing but that page.
        if (!IsCircuitHub(context.Hub))
            access.Add(context.Context);
        await next(context);
    }

    private static bool IsCircuitHub(Hub hub) => hub.GetType().FullName == "Microsoft.AspNetCore.Components.Server.ComponentHub";

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        access.Remove(context.Context);
        await next(context, exception);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (HubException refused)
        {
            logger.LogInformation("Hub call {HubMethod} refused for {UserId}: {Reason}", invocation.HubMethodName,
                invocation.Context.UserIdentifier ?? invocation.Context.User?.FindFirstValue(ClaimTypes.NameIdentifier), refused.Message);
            throw;
        }
    }
}

/// <summary>
/// A console circuit's sign-in: checked again every minute against the server-side session (still there, account still
/// active), and signed out at once when <see cref="LiveAccess"/> hears a matching revocation. Signed out, the page's
/// authorization fails and the browser goes to the sign-in form.
/// </summary>
public sealed class ConsoleAuthenticationState : RevalidatingServerAuthenticationStateProvider
{
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());

    private readonly LiveAccess access;
    private readonly IServiceScopeFactory scopes;

    public ConsoleAuthenticationState(ILoggerFactory loggers, LiveAccess access, IServiceScopeFactory scopes) : base(loggers)
    {
        (this.access, this.scopes) = (access, scopes);
        AuthenticationStateChanged += OnChanged;
    }

    /// <summary>The circuit's user as last set (null until Blazor sets it).</summary>
    public ClaimsPrincipal? Current { get; private set; }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    public void SignOut() => SetAuthenticationState(Task.FromResult(new AuthenticationState(Anonymous)));

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PrincipalCheck>().IsStillValidAsync(state.User, ct);
    }

    private void OnChanged(Task<AuthenticationState> task) => _ = TrackAsync(task);

    private async Task TrackAsync(Task<AuthenticationState> task)
    {
        var user = (await task).User;
        Current = user;
        if (user.Identity?.IsAuthenticated == true)
            access.Add(this, user);
        else
            access.Remove(this);
    }

    protected override void Dispose(bool disposing)
    {
        AuthenticationStateChanged -= OnChanged;
        access.Remove(this);
        base.Dispose(disposing);
    }
}

/// <summary>Whether a principal that signed in earlier may still act: its session exists and its account is active, or its API key is not revoked.</summary>
public sealed class PrincipalCheck(ConsoleSessionStore sessions, Access.ApiKeyCache keys, Microsoft.AspNetCore.Identity.UserManager<Access.HotlineUser> users)
{
    public async Task<bool> IsStillValidAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.FindFirstValue(SessionClaims.SessionId) is { } session)
        {
            if (!await sessions.ExistsAsync(session, ct))
                return false;
            var account = await users.FindByIdAsync(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "");
            return account is { DeactivatedAt: null };
        }
        if (user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && id.StartsWith("apikey:", StringComparison.Ordinal)
            && user.FindFirstValue(Access.HotlineClaims.ApiKeyPrefix) is { } prefix)
            return await keys.FindAsync(prefix, ct) is { RevokedAt: null };
        return false;
    }
}
