using Hotline.Server.Access;
using Hotline.Server.Notifications;
using Hotline.Server.Reference;
using Hotline.Server.Routing;
using Hotline.Server.Sla;
using Microsoft.Extensions.Caching.Memory;

namespace Hotline.Server.Nodes;

/// <summary>The in-memory copies each node keeps of data an admin edits.</summary>
public enum SharedCache
{
    /// <summary>Routing rules (<see cref="TicketRouting"/>).</summary>
    Routing,

    /// <summary>SLA policies, working hours and the working-day calendar (<see cref="SlaRules"/>).</summary>
    SlaRules,

    /// <summary>Departments, categories, districts (<see cref="ReferenceData"/>).</summary>
    Reference,

    /// <summary>Email templates (<see cref="EmailTemplates"/>).</summary>
    EmailTemplates,
}

/// <summary>
/// An edit reloads this node's copy at once and tells the other nodes to reload theirs (a message over Redis, within
/// milliseconds); a revoked API key travels on the `RevocationBus` over the same Redis. When Redis comes back after an outage every
/// node reloads everything and forgets every cached key, since messages sent meanwhile were lost.
/// </summary>
public sealed class SharedCaches : IHostedService
{
    private const string CacheTopic = "caches";

    private readonly IServiceProvider services;
    private readonly INodeBus bus;
    private readonly ILogger<SharedCaches> logger;
    private readonly List<IDisposable> subscriptions = [];

    public SharedCaches(IServiceProvider services, INodeBus bus, ILogger<SharedCaches> logger) => (this.services, this.bus, this.logger) = (services, bus, logger);

    /// <summary>Reloads <paramref name="cache"/> here, then on every other node.</summary>
    public async Task RefreshAsync(SharedCache cache, CancellationToken ct)
    {
        await ReloadHereAsync(cache, ct);
        bus.Publish(CacheTopic, cache.ToString());
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscriptions.Add(bus.Subscribe(CacheTopic, name =>
        {
            if (Enum.TryParse<SharedCache>(name, out var cache))
                Reload([cache]);
        }));
        bus.Restored += OnRestored;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        bus.Restored -= OnRestored;
        subscriptions.ForEach(s => s.Dispose());
        return Task.CompletedTask;
    }

    private void OnRestored()
    {
        (services.GetRequiredService<IMemoryCache>() as MemoryCache)?.Clear(); // cached API keys: a revocation may have been missed
        Reload(Enum.GetValues<SharedCache>());
    }

    private void Reload(IReadOnlyList<SharedCache> caches) => _ = Task.Run(async () =>
    {
        foreach (var cache in caches)
        {
            try
            {
                await ReloadHereAsync(cache, CancellationToken.None);
            }
            catch (Exception ex) // the database is down too: the next edit or reconnect reloads it
            {
                logger.LogWarning(ex, "Reloading {Cache} after a change on another node failed", cache);
            }
        }
    });

    private Task ReloadHereAsync(SharedCache cache, CancellationToken ct) => cache switch
    {
        SharedCache.Routing => services.GetRequiredService<TicketRouting>().RefreshAsync(ct),
        SharedCache.SlaRules => services.GetRequiredService<SlaRules>().RefreshAsync(ct),
        SharedCache.Reference => services.GetRequiredService<ReferenceData>().RefreshAsync(ct),
        SharedCache.EmailTemplates => services.GetRequiredService<EmailTemplates>().RefreshAsync(ct),
        _ => throw new ArgumentOutOfRangeException(nameof(cache), cache, null),
    };
}
