using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Hotline.Server.Data;

/// <summary>
/// A turn at work that one node of an installation does at a time although every node may (the analytics projector):
/// on PostgreSQL a session advisory lock named after the work, on a connection of its own, held for the turn and
/// released at its end, or by the server when the node dies and its connection closes. Without it every node would
/// read and build the same batch and all but one would throw their work away at the checkpoint. SQLite is one node:
/// the turn is always granted and costs nothing. Advisory locks belong to one database, so installations (and test
/// databases) on one server do not wait for each other.
/// </summary>
public sealed class NodeTurn : IAsyncDisposable
{
    private static readonly NodeTurn Granted = new(null, 0);
    private readonly NpgsqlConnection? connection;
    private readonly long key;

    private NodeTurn(NpgsqlConnection? connection, long key) => (this.connection, this.key) = (connection, key);

    /// <summary>This node's turn at <paramref name="work"/>, or null while another node has it.</summary>
    public static async Task<NodeTurn?> TryTakeAsync(HotlineDbContext db, string work, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
            return Granted;
        var key = KeyOf(work);
        var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } };
            if (await command.ExecuteScalarAsync(ct) is true)
                return new NodeTurn(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>The lock's number: the first 8 bytes of the work's name hashed, so names need no registry.</summary>
    public static long KeyOf(string work) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("hotline:" + work)), 0);

    public async ValueTask DisposeAsync()
    {
        if (connection is null)
            return;
        try
        {
            // Pooled connections keep their session: unlock before handing it back (the pool's reset would too).
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection) { Parameters = { new() { Value = key } } };
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The connection broke: the server ended its session, and with it the lock.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}
