using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hotline.Tests.Data;

/// <summary>
/// One node at a time at a piece of work (the analytics projector): on PostgreSQL an advisory lock per work and
/// database, given back at the turn's end or when the holder's connection dies; on SQLite (one node) always granted.
/// </summary>
public sealed class NodeTurnTests
{
    [Fact]
    public Task A_turn_is_one_nodes_until_it_ends_or_its_connection_dies_and_other_work_is_not_held_up() =>
        HotlineFactory.RunAsync(async f =>
        {
            await using var scope = f.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
            await using var other = scope.ServiceProvider.GetRequiredService<IDbContextFactory<HotlineDbContext>>().CreateDbContext();

            var first = await NodeTurn.TryTakeAsync(db, "test-work", CancellationToken.None);
            Assert.NotNull(first);
            var second = await NodeTurn.TryTakeAsync(other, "test-work", CancellationToken.None);
            if (!f.UsesPostgres)
            {
                Assert.NotNull(second); // one node: nobody to wait for
                await first.DisposeAsync();
                await second!.DisposeAsync();
                return;
            }

            Assert.Null(second); // another "node" asks while the first has it
            await using (var unrelated = await NodeTurn.TryTakeAsync(other, "other-work", CancellationToken.None))
                Assert.NotNull(unrelated); // each work has its own turn

            await first.DisposeAsync();
            var third = await NodeTurn.TryTakeAsync(other, "test-work", CancellationToken.None);
            Assert.NotNull(third); // given back at the end of the turn

            // The holder dies (its backend ends, as when a node's process is killed): the turn is free again.
            await using (var admin = new NpgsqlConnection(TestDatabases.ForDatabase(f.PostgresDatabase!)))
            {
                await admin.OpenAsync();
                await using var kill = new NpgsqlCommand(
                    """
                    SELECT pg_terminate_backend(pid) FROM pg_locks
                    WHERE locktype = 'advisory' AND objsubid = 1 AND classid = (($1 >> 32) & 4294967295)::oid AND objid = ($1 & 4294967295)::oid
                      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """,
                    admin) { Parameters = { new() { Value = NodeTurn.KeyOf("test-work") } } };
                Assert.Equal(true, await kill.ExecuteScalarAsync());
            }
            await third!.DisposeAsync(); // its connection is gone: ending the turn must not throw
            await using var fourth = await NodeTurn.TryTakeAsync(db, "test-work", CancellationToken.None);
            Assert.NotNull(fourth);
        });
}
