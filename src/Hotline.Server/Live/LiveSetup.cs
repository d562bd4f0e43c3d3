using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;

namespace Hotline.Server.Live;

/// <summary>Registration of the live hub, its connections, the publisher and presence.</summary>
public static class LiveSetup
{
    public static IServiceCollection AddLive(this IServiceCollection services)
    {
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSignalR().AddJsonProtocol(o => Security.StrictJson.Apply(o.PayloadSerializerOptions).Converters.Add(new JsonStringEnumConverter()));
        services.AddSingleton<LiveConnections>();
        services.AddSingleton<HubLifetimeManager<TicketsHub>, TicketsHubLifetimeManager>();
        services.AddSingleton<LiveTicketFeed>();
        services.AddSingleton<TicketPresence>();
        services.AddSingleton<LivePresence>();
        services.AddSingleton<TicketEventPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<TicketEventPublisher>());
        return services;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        app.MapHub<TicketsHub>("/hubs/tickets");
        return app;
    }
}

/// <summary>Settings of the live hub (<c>Live:*</c>).</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>
    /// Messages one connection may have waiting behind a write the network has not taken yet. A connection over it is
    /// aborted; its client reconnects and catches up with Since.
    /// </summary>
    [Range(4, 100_000)]
    public int MaxPendingMessagesPerConnection { get; set; } = 1000;

    /// <summary>Tickets one connection may watch at a time.</summary>
    [Range(1, 10_000)]
    public int MaxWatchedTicketsPerConnection { get; set; } = 100;

    /// <summary>
    /// PostgreSQL only: the longest the publisher holds back later events while a lower sequence number may still commit
    /// (a transaction still in progress). After it, the gap is passed and logged; connected clients miss such an event live.
    /// </summary>
    [Range(100, 600_000)]
    public int SequenceGapTimeoutMilliseconds { get; set; } = 5000;
}
