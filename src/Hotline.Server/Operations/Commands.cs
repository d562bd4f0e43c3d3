using Hotline.Server.Access;
using Hotline.Server.Demo;

namespace Hotline.Server.Operations;

/// <summary>
/// Maintenance commands run instead of the server:
/// <c>dotnet run --project src/Hotline.Server -- create-admin --user NAME --password SECRET</c> and
/// <c>dotnet run --project src/Hotline.Server -- seed-demo --tickets 100000</c>.
/// </summary>
public static class Commands
{
    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
            return false;
        var options = Options(args.Skip(1).ToArray());
        await using var scope = app.Services.CreateAsyncScope();
        switch (args[0])
        {
            case "create-admin":
                var user = options.GetValueOrDefault("user") ?? "admin";
                var password = options.GetValueOrDefault("password") ?? throw new ArgumentException("create-admin needs --password.");
                var created = await scope.ServiceProvider.GetRequiredService<UserAdministration>().EnsureAdminAsync(user, password);
                System.Console.WriteLine(created ? $"Admin '{user}' created." : $"User '{user}' already exists; nothing changed.");
                return true;
            case "seed-demo":
                var count = int.Parse(options.GetValueOrDefault("tickets") ?? "1000", System.Globalization.CultureInfo.InvariantCulture);
                var seed = int.Parse(options.GetValueOrDefault("seed") ?? "12345", System.Globalization.CultureInfo.InvariantCulture);
                var generator = scope.ServiceProvider.GetRequiredService<DemoTicketGenerator>();
                var made = await generator.GenerateAsync(count, seed, CancellationToken.None);
                System.Console.WriteLine($"{made} demo tickets generated.");
                foreach (var sample in generator.AccessCodeSamples)
                    System.Console.WriteLine($"  /track: ticket {sample.Number}, access code {sample.Code}");
                return true;
            default:
                throw new ArgumentException($"Unknown command '{args[0]}'. Known: create-admin, seed-demo.");
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
                result[args[i][2..]] = args[i + 1];
        }
        return result;
    }
}
