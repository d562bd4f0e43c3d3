using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;

namespace Hotline.Server.Live;

/// <summary>Registration of the live hub, its connections, the publisher and presence.</summary>
public static class LiveSetup
{
    public static IServiceCollection AddLive(this IServiceCollection services)
    {
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
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
