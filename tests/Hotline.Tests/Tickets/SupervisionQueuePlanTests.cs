using System.Globalization;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Queues;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Tests.Tickets;

/// <summary>
/// The supervision queue is a range of its partial index, never a walk through every ticket: SQLite's plan for the SQL EF
/// generates (EXPLAIN QUERY PLAN on a migrated file) reads <c>IX_tickets_InSupervisionQueue</c>. Before the stored flag the
/// queue's filter tested the JSON list of open orders on every row (<c>SCAN t</c>), about 1.5 s at 1M tickets.
/// </summary>
public sealed class SupervisionQueuePlanTests : IAsyncLifetime
{
    private const string Index = "IX_tickets_InSupervisionQueue";
    private static readonly Actor Supervisor = new("s1", "陈静", Roles.Supervisor, null);
    private readonly string folder = Path.Combine(Path.GetTempPath(), "hotline-tests", Guid.NewGuid().ToString("N"));
    private SqliteHotlineDbContext Context() => new(new DbContextOptionsBuilder<SqliteHotlineDbContext>()
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

    /// <summary>The plan's lines for the SQL EF generates for <paramref name="query"/>, its parameters bound.</summary>
    private static async Task<string[]> PlanAsync(HotlineDbContext db, IQueryable<Ticket> query)
    {
        var text = query.ToQueryString();
        var connection = db.Database.GetDbConnection();
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
                parameter.Value = long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : parts[3].Trim('\'');
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

    private static void AssertReadsTheQueuesIndexOnly(string[] plan)
    {
        Assert.Contains(plan, line => line.Contains($"USING INDEX {Index}", StringComparison.Ordinal)
            || line.Contains($"USING COVERING INDEX {Index}", StringComparison.Ordinal));
        // No walk through the tickets table, and no sort of what was read: the index is already in Id order.
        Assert.DoesNotContain(plan, line => line.Trim() == "SCAN t" || line.Contains("USE TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_supervision_queue_oldest_first_reads_the_queues_partial_index()
    {
        await using var db = Context();
        var queue = WorkQueues.Supervision.Of(db.Tickets.AsNoTracking(), Supervisor).OrderBy(t => t.Id).Take(200);

        AssertReadsTheQueuesIndexOnly(await PlanAsync(db, queue));
    }

    [Fact]
    public async Task The_search_list_newest_first_reads_the_queues_partial_index()
    {
        await using var db = Context();
        var list = db.Tickets.AsNoTracking().Where(TicketLists.For(TicketLists.Supervision, Supervisor)!).OrderByDescending(t => t.Id).Take(21);

        AssertReadsTheQueuesIndexOnly(await PlanAsync(db, list));
    }
}
