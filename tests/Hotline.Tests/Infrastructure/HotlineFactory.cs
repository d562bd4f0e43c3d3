using System.Net.Http.Headers;
using Hotline.Domain.Access;
using Hotline.Server.Access;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// The real server over a real database: a fresh SQLite file in a temp folder (WAL, restarts), or a fresh PostgreSQL
/// database when HOTLINE_TEST_POSTGRES holds a connection string. Time is a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class HotlineFactory : WebApplicationFactory<Program>
{
    /// <summary>10:00 China Standard Time on Monday 23 November 2026.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    private readonly string? postgresDatabase;

    public HotlineFactory(string? dataPath = null, string? postgresDatabase = null, bool kestrel = false, IReadOnlyDictionary<string, string?>? settings = null,
        bool productionLimits = false)
    {
        // Every test signs in and calls from the same address (127.0.0.1, or none in memory): the per-address back-offs
        // are set out of reach here. The security tests keep the production values (productionLimits) and prove them.
        if (!productionLimits)
        {
            Settings["Security:LoginPerClient:FreeFailures"] = "1000000";
            Settings["Security:ApiKeyPerClient:FreeFailures"] = "1000000";
            Settings["Security:TrackPerClient:FreeFailures"] = "1000000";
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            Settings[key] = value;
        if (kestrel)
            UseKestrel(0); // a real socket: body limits, browsers

        DataPath = dataPath ?? Path.Combine(Path.GetTempPath(), "hotline-tests", Guid.NewGuid().ToString("N"));
        this.postgresDatabase = postgresDatabase ?? (TestDatabases.PostgresConnectionString is null ? null : $"hotline_test_{Guid.NewGuid():N}");
    }

    public string DataPath { get; }
    public FakeTimeProvider Clock { get; } = new(Start);

    public bool UsesPostgres => postgresDatabase is not null;

    /// <summary>Extra configuration for this server (set before it starts).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>Extra service registrations for this server (set before it starts), e.g. a wrapped mail transport.</summary>
    public Action<IServiceCollection>? TestServices { get; set; }
    public string? PostgresDatabase => postgresDatabase;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseStaticWebAssets(); // MudBlazor's CSS and blazor.web.js from the build output, as in Development
        var settings = new Dictionary<string, string?>
        {
            ["Hotline:DataPath"] = DataPath,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Sla:SweepIntervalMilliseconds"] = "0", // tests sweep by hand after moving the fake clock
            ["Analytics:Reports"] = "false", // tests build analysis reports by hand
            // The test clock starts 38 days before the seeded calendar ends: no weekly reminder emails unless a test asks.
            ["Sla:CalendarReminder"] = "false",
            ["Knowledge:Seed"] = "false", // 726 articles to segment at every start: only the knowledge tests ask for them
            // Quartz keeps schedulers in a process-wide registry by name: test hosts side by side in this process each
            // need their own, or one host's clustered scheduler (PostgreSQL) is handed to another, on another database.
            ["Hotline:SchedulerName"] = $"test-{Guid.NewGuid():N}",
        };
        if (postgresDatabase is not null)
        {
            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = TestDatabases.ForDatabase(postgresDatabase);
        }
        foreach (var (key, value) in Settings)
            settings[key] = value;
        builder.UseSetting("Hotline:DataPath", DataPath);
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            TestServices?.Invoke(services);
        });
    }

    /// <summary>A client that acts through an API key with this role (and department, for handlers).</summary>
    public async Task<HttpClient> ClientAsync(string role, string? department = null, string? acceptLanguage = null)
    {
        var key = await ApiKeyAsync(role, department);
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
        if (acceptLanguage is not null)
            client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue(acceptLanguage));
        return client;
    }

    public async Task<string> ApiKeyAsync(string role, string? department = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var (_, key) = await scope.ServiceProvider.GetRequiredService<UserAdministration>()
            .CreateApiKeyAsync($"test {role} {department}", role, department, CancellationToken.None);
        return key;
    }

    public Task<HttpClient> AgentAsync() => ClientAsync(Roles.Agent);
    public Task<HttpClient> DispatcherAsync() => ClientAsync(Roles.Dispatcher);
    public Task<HttpClient> SupervisorAsync() => ClientAsync(Roles.Supervisor);
    public Task<HttpClient> HandlerAsync(string department) => ClientAsync(Roles.DepartmentHandler, department);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs a test against a server and data of its own, deleted afterwards.</summary>
    public static async Task RunAsync(Func<HotlineFactory, Task> test, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new HotlineFactory(settings: settings);
        try
        {
            await test(factory);
        }
        finally
        {
            await factory.DisposeAsync();
            factory.DeleteData();
        }
    }

    /// <summary>
    /// With HOTLINE_TEST_SERVER_ERRORS set to a file (./test.sh sets it), the server's Error and Fatal log entries are
    /// appended to it before the data folder goes, so a 500 in a failed test can be read from the CI log.
    /// </summary>
    private void KeepServerErrors()
    {
        var target = Environment.GetEnvironmentVariable("HOTLINE_TEST_SERVER_ERRORS");
        var logs = Path.Combine(DataPath, "logs");
        if (string.IsNullOrEmpty(target) || !Directory.Exists(logs))
            return;
        try
        {
            var errors = Directory.EnumerateFiles(logs).SelectMany(File.ReadLines)
                .Where(l => l.Contains("\"@l\":\"Error\"", StringComparison.Ordinal) || l.Contains("\"@l\":\"Fatal\"", StringComparison.Ordinal)).ToList();
            if (errors.Count > 0)
                File.AppendAllLines(target, errors.Prepend($"== {DataPath}"));
        }
        catch (IOException)
        {
            // Diagnostics only: a log still held open must not fail the test.
        }
    }

    /// <summary>Removes the data folder (and PostgreSQL database). Not done on dispose, so restart tests can reopen it.</summary>
    public void DeleteData()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        KeepServerErrors();
        if (Directory.Exists(DataPath))
            Directory.Delete(DataPath, recursive: true);
        if (postgresDatabase is not null)
            TestDatabases.DropPostgres(postgresDatabase);
    }
}

/// <summary>A fresh server per test class; its data is deleted afterwards.</summary>
public class HotlineFixture : IAsyncLifetime
{
    public HotlineFixture()
        : this(kestrel: false)
    {
    }

    protected HotlineFixture(bool kestrel) => Factory = new HotlineFactory(kestrel: kestrel);

    protected HotlineFixture(HotlineFactory factory) => Factory = factory;

    public HotlineFactory Factory { get; }

    public Task InitializeAsync()
    {
        Factory.StartServer(); // migrations and seed run now, not in the first test
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        Factory.DeleteData();
    }
}

/// <summary>The server on a real Kestrel socket, for what the in-memory test server does not do (body limits, browsers).</summary>
public sealed class KestrelHotlineFixture() : HotlineFixture(kestrel: true)
{
    public Uri BaseAddress => Factory.ClientOptions.BaseAddress;
}
