using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Hotline.Tests.Access;

/// <summary>Outside Development there are no default passwords: the first admin comes from a setting or a command.</summary>
public sealed class FirstAdminTests
{
    [Fact]
    public async Task Outside_development_no_demo_user_exists()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
            using var login = await Api.PostAsync(browser, "/api/auth/login", new JsonObject { ["userName"] = "admin", ["password"] = "Hotline!2026" });
            Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        });
    }

    [Fact]
    public async Task The_initial_admin_setting_creates_an_admin_who_can_sign_in()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var configured = factory.WithWebHostBuilder(b => b
                .UseSetting("Hotline:InitialAdmin:UserName", "root-admin")
                .UseSetting("Hotline:InitialAdmin:Password", "A-long-first-password-2026"));
            var browser = configured.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
            using var login = await Api.PostAsync(browser, "/api/auth/login", new JsonObject { ["userName"] = "root-admin", ["password"] = "A-long-first-password-2026" });
            Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
            Assert.Equal("Admin", (await Api.GetAsync(browser, "/api/auth/me")).Str("role"));
            await configured.DisposeAsync();
        });
    }

    [Fact]
    public async Task The_create_admin_command_creates_the_first_admin_and_exits()
    {
        var data = Path.Combine(Path.GetTempPath(), "hotline-tests", Guid.NewGuid().ToString("N"));
        var postgres = TestDatabases.PostgresConnectionString is null ? null : $"hotline_test_{Guid.NewGuid():N}";
        try
        {
            var output = await RunServerCommandAsync(data, postgres, "create-admin", "--user", "ops", "--password", "Ops-password-2026");
            Assert.Contains("Admin 'ops' created.", output, StringComparison.Ordinal);
            var again = await RunServerCommandAsync(data, postgres, "create-admin", "--user", "ops", "--password", "Ops-password-2026");
            Assert.Contains("already exists", again, StringComparison.Ordinal);

            var factory = new HotlineFactory(data, postgres);
            var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
            using var login = await Api.PostAsync(browser, "/api/auth/login", new JsonObject { ["userName"] = "ops", ["password"] = "Ops-password-2026" });
            Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
            await factory.DisposeAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(data))
                Directory.Delete(data, recursive: true);
            if (postgres is not null)
                TestDatabases.DropPostgres(postgres);
        }
    }

    private static async Task<string> RunServerCommandAsync(string dataPath, string? postgresDatabase, params string[] args)
    {
        var server = Path.Combine(AppContext.BaseDirectory, "Hotline.Server.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(server);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Hotline__DataPath"] = dataPath;
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        if (postgresDatabase is not null)
        {
            start.Environment["Database__Provider"] = "Postgres";
            start.Environment["Database__ConnectionString"] = TestDatabases.ForDatabase(postgresDatabase);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        return await stdout;
    }
}
