using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Hotline.Server.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For SQLite, optional: defaults to {DataPath}/hotline.db. Required for PostgreSQL.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>Where Hotline keeps its files: the SQLite database, attachments and logs.</summary>
public sealed class HotlineOptions
{
    public const string Section = "Hotline";

    [Required]
    public string DataPath { get; set; } = "data";

    /// <summary>Time zone of registration dates, working days and ticket numbers.</summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Largest JSON request body, in bytes; larger requests get 413.</summary>
    [Range(1024, 10 * 1024 * 1024)]
    public long MaxJsonBodyBytes { get; set; } = 64 * 1024;
}

public static class DatabaseSetup
{
    public static string ResolveDataPath(IHostEnvironment env, HotlineOptions options) =>
        Path.GetFullPath(Path.Combine(env.ContentRootPath, options.DataPath));

    public static IHostApplicationBuilder AddHotlineDatabase(this IHostApplicationBuilder builder)
    {
        var db = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var hotline = builder.Configuration.GetSection(HotlineOptions.Section).Get<HotlineOptions>() ?? new HotlineOptions();
        var dataPath = ResolveDataPath(builder.Environment, hotline);
        var commits = new CommitSignal();
        builder.Services.AddSingleton(commits);

        if (db.Provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(db.ConnectionString))
                throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.");
            builder.Services.AddPooledDbContextFactory<PostgresHotlineDbContext>(o => o
                .UseNpgsql(db.ConnectionString, n => n.MigrationsAssembly(typeof(DatabaseSetup).Assembly.FullName))
                .AddInterceptors(commits));
            builder.Services.AddSingleton<IDbContextFactory<HotlineDbContext>, ProviderContextFactory<PostgresHotlineDbContext>>();
        }
        else
        {
            Directory.CreateDirectory(dataPath);
            var connectionString = string.IsNullOrWhiteSpace(db.ConnectionString)
                ? new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(dataPath, "hotline.db"),
                    ForeignKeys = true,
                    Pooling = true,
                    DefaultTimeout = 30,
                }.ToString()
                : db.ConnectionString;
            builder.Services.AddPooledDbContextFactory<SqliteHotlineDbContext>(o => o
                .UseSqlite(connectionString)
                .AddInterceptors(SqlitePragmas.Instance, commits));
            builder.Services.AddSingleton<IDbContextFactory<HotlineDbContext>, ProviderContextFactory<SqliteHotlineDbContext>>();
        }

        // Cookies and antiforgery tokens survive restarts: the key ring lives with the data. On PostgreSQL it lives in
        // the database, so what one node protects (cookies, antiforgery, rating links) every node can read.
        if (db.Provider == DatabaseProvider.Postgres)
        {
            builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PostgresHotlineDbContext>>().CreateDbContext());
            builder.Services.AddDataProtection().PersistKeysToDbContext<PostgresHotlineDbContext>().SetApplicationName("Hotline");
        }
        else
        {
            builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataPath, "keys"))).SetApplicationName("Hotline");
        }

        builder.Services.AddSingleton(new SqliteWriteGate(enabled: db.Provider != DatabaseProvider.Postgres));

        // One context per request for endpoints and Identity; background work asks the factory.
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<HotlineDbContext>>().CreateDbContext());
        return builder;
    }

    private sealed class ProviderContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<HotlineDbContext>
        where TContext : HotlineDbContext
    {
        public HotlineDbContext CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>
/// Every SQLite connection: WAL (readers never block the writer), synchronous=FULL (a committed ticket survives power
/// loss before its 201 is sent), foreign keys on, and a busy timeout so concurrent writers wait instead of failing.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }
}
