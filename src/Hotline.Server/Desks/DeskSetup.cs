using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Hotline.Server.Desks;

public static class DeskSetup
{
    /// <summary>The four desks (派单台, 承办台, 督办台, 领导台): their queries, their actions and the circuit's reconnect signal.</summary>
    public static IServiceCollection AddDesks(this IServiceCollection services)
    {
        services.AddSingleton<DeskQueries>();
        services.AddSingleton<Tickets.ConsoleActions>();
        services.AddSingleton<Access.ConsolePreferences>();
        services.AddScoped<ConsoleCircuit>();
        services.AddScoped<CircuitHandler>(sp => sp.GetRequiredService<ConsoleCircuit>());
        return services;
    }
}
