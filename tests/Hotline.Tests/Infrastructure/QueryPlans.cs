using System.Globalization;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Tests.Infrastructure;

/// <summary>SQLite's plan (EXPLAIN QUERY PLAN) for the SQL EF generates, on a migrated file: which index a query reads.</summary>
public static class QueryPlans
{
    /// <summary>The plan's lines for the SQL EF generates for <paramref name="query"/>, its parameters bound.</summary>
    public static async Task<string[]> ExplainAsync<T>(HotlineDbContext db, IQueryable<T> query)
    {
        var text = query.ToQueryString();
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
            await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        var sql = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            // EF writes the parameters as sqlite3 shell commands: .param set @p 200
            if (line.StartsWith(".param set ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 4);
                var parameter = command.CreateParameter();
                parameter.ParameterName = parts[2];
                parameter.Value = long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : parts[3].Trim().Trim('\'');
                command.Parameters.Add(parameter);
            }
            else if (!line.StartsWith("--", StringComparison.Ordinal))
                sql.Add(line);
        }
        command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', sql);
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            plan.Add(reader.GetString(reader.GetOrdinal("detail")));
        return [.. plan];
    }
}

/// <summary>A test class on its own migrated SQLite file (no pooling), deleted afterwards: for reading plans of the real schema.</summary>
public abstract class MigratedSqliteFile : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "hotline-tests", Guid.NewGuid().ToString("N"));

    protected SqliteHotlineDbContext Context() => new(new DbContextOptionsBuilder<SqliteHotlineDbContext>()
        .UseSqlite($"Data Source={Path.Combine(folder, "hotline.db")};Pooling=False").Options);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        await using var db = Context();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}
