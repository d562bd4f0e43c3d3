using Npgsql;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// Integration tests run on SQLite files by default. With HOTLINE_TEST_POSTGRES set to a connection string (test.sh
/// sets it when it can start PostgreSQL), every test server gets its own PostgreSQL database instead.
/// </summary>
public static class TestDatabases
{
    public static string? PostgresConnectionString { get; } =
        Environment.GetEnvironmentVariable("HOTLINE_TEST_POSTGRES") is { Length: > 0 } s ? s : null;

    public static string ForDatabase(string database) =>
        new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = database }.ToString();

    public static void DropPostgres(string database)
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(PostgresConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)";
        command.ExecuteNonQuery();
    }
}
