using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Data;

/// <summary>
/// The SQLite write gate: writers take turns in order, and a relaxed turn (outbox claims and marks, push batches) commits
/// without an fsync while every other commit, a registration's above all, keeps synchronous=FULL.
/// </summary>
public sealed class SqliteWriteGateTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task A_second_writer_waits_until_the_first_gives_its_turn_back()
    {
        using var gate = new SqliteWriteGate(enabled: true);
        var first = await gate.EnterAsync(default);
        var second = gate.EnterAsync(default).AsTask();

        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second).Dispose();
    }

    [Fact]
    public async Task Turns_are_free_on_PostgreSQL_where_writers_lock_rows_not_the_file()
    {
        using var gate = new SqliteWriteGate(enabled: false);
        using var first = await gate.EnterAsync(default);

        var second = gate.EnterAsync(default).AsTask();
        Assert.True(second.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_relaxed_turn_commits_without_an_fsync_and_every_later_connection_syncs_in_full()
    {
        var contexts = Factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
        var gate = Factory.Services.GetRequiredService<SqliteWriteGate>();
        string full;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            full = await SynchronousAsync(db);
            Assert.Equal(Factory.UsesPostgres ? full : "2", full); // SQLite: FULL on every connection the app opens
            await using (await gate.EnterRelaxedAsync(db, default))
                Assert.Equal(Factory.UsesPostgres ? full : "1", await SynchronousAsync(db)); // SQLite NORMAL: no fsync at this commit

            Assert.Equal(full, await SynchronousAsync(db)); // FULL again on the same context, its connection reopened
        }
        for (var i = 0; i < 3; i++) // the pool hands the same physical connection out again
        {
            await using var next = await contexts.CreateDbContextAsync();
            Assert.Equal(full, await SynchronousAsync(next));
        }
    }

    [Fact]
    public async Task A_relaxed_turn_whose_write_fails_gives_its_turn_back_and_leaves_full_sync()
    {
        var contexts = Factory.Services.GetRequiredService<IDbContextFactory<HotlineDbContext>>();
        var gate = Factory.Services.GetRequiredService<SqliteWriteGate>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await using (await gate.EnterRelaxedAsync(db, default))
                    await db.Database.ExecuteSqlRawAsync("INSERT INTO no_such_table VALUES (1)");
            });
            if (!Factory.UsesPostgres)
                Assert.Equal("2", await SynchronousAsync(db)); // FULL, though the turn ended in an exception
        }

        using var after = await gate.EnterAsync(default).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SQLite's synchronous (2 FULL, 1 NORMAL), or PostgreSQL's synchronous_commit, which the gate leaves alone.</summary>
    private async Task<string> SynchronousAsync(HotlineDbContext db) => Factory.UsesPostgres
        ? await db.Database.SqlQueryRaw<string>("SELECT current_setting('synchronous_commit') AS \"Value\"").SingleAsync()
        : (await db.Database.SqlQueryRaw<long>("SELECT synchronous AS \"Value\" FROM pragma_synchronous").SingleAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
