using Hotline.Server.Access;
using Hotline.Server.Data;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Operations;

public sealed class InitialAdminOptions
{
    public const string Section = "Hotline:InitialAdmin";
    public string? UserName { get; set; }
    public string? Password { get; set; }
}

/// <summary>Brings the database to the current schema and reference data before the server takes requests.</summary>
public static class StartupTasks
{
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Hotline.Startup");

        var db = sp.GetRequiredService<HotlineDbContext>();
        await db.Database.MigrateAsync(ct);

        await sp.GetRequiredService<SeedLoader>().LoadAsync(SeedLoader.DefaultSeedPath, ct);
        await sp.GetRequiredService<ReferenceData>().RefreshAsync(ct);
        await sp.GetRequiredService<Routing.TicketRouting>().RefreshAsync(ct);
        await sp.GetRequiredService<Sla.SlaRules>().RefreshAsync(ct);
        await sp.GetRequiredService<Notifications.EmailTemplates>().SeedAndRefreshAsync(SeedLoader.DefaultSeedPath, ct);
        await sp.GetRequiredService<Analytics.SchemeStore>().RefreshAsync(ct);

        var users = sp.GetRequiredService<UserAdministration>();
        await users.EnsureRolesAsync();
        var env = sp.GetRequiredService<IHostEnvironment>();
        if (env.IsDevelopment())
        {
            await users.SeedDemoUsersAsync(Path.Combine(SeedLoader.DefaultSeedPath, "demo-users.json"));
            // A first run in Development has something to look at: a few hundred demo tickets, once, on an empty database.
            var demoTickets = sp.GetRequiredService<IConfiguration>().GetValue("Hotline:DemoTicketsOnFirstRun", 300);
            if (demoTickets > 0 && !await db.Tickets.AnyAsync(ct))
            {
                var generator = sp.GetRequiredService<Demo.DemoTicketGenerator>();
                var made = await generator.GenerateAsync(demoTickets, 12345, ct);
                logger.LogInformation("First run: {Count} demo tickets generated", made);
                foreach (var sample in generator.AccessCodeSamples)
                    logger.LogInformation("Demo ticket {Number} opens /track with access code {Code}", sample.Number, sample.Code);
            }
        }

        var admin = sp.GetRequiredService<IConfiguration>().GetSection(InitialAdminOptions.Section).Get<InitialAdminOptions>();
        if (!string.IsNullOrWhiteSpace(admin?.UserName) && !string.IsNullOrWhiteSpace(admin.Password)
            && await users.EnsureAdminAsync(admin.UserName, admin.Password))
            logger.LogInformation("Initial admin {UserName} created from configuration", admin.UserName);
    }
}
