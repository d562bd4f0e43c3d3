using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Data;

/// <summary>
/// Turns at SQLite's one write lock for ticket intake and the writers that run beside it at a steady rate for long
/// stretches (a policy push's batches; the outbox sender's claims and sent marks while mail flows). Two connections writing to one file otherwise meet in SQLite's busy handler, which sleeps 1, 2,
/// 5, 10 … ms between tries instead of waking when the lock is free: a registration that found a push batch's transaction
/// open waited for the handler's next try, not for the batch. Here it waits on an async FIFO lock, handed over the moment
/// the other transaction ends. Off on PostgreSQL, where writers take row locks and several may commit at once.
/// </summary>
public sealed class SqliteWriteGate(bool enabled) : IDisposable
{
    private readonly SemaphoreSlim turn = new(1, 1);

    /// <summary>Waits for the turn; disposing the result gives it back. Hold it only around one transaction, never nested.</summary>
    public async ValueTask<Turn> EnterAsync(CancellationToken ct)
    {
        if (!enabled)
            return default;
        await turn.WaitAsync(ct);
        return new Turn(turn);
    }

    /// <summary>
    /// The turn for a write whose loss in a power failure is recovered by design: an outbox claim (its lease would lapse
    /// anyway), a sent mark (the message is sent again: delivery is at least once, with the same Message-ID), a policy
    /// push's batch (its emails, deliveries and cursor go together, and the push writes the batch again), an analytics
    /// projector batch (derived rows and their checkpoint go together; the events are projected again). Its commit on
    /// <paramref name="db"/>'s connection skips the fsync (synchronous=NORMAL; WAL keeps the file consistent, and a
    /// crash of the process loses nothing, only the power going off before the next fsync does), so it holds the write
    /// lock for a fraction of a millisecond instead of an fsync's few. The next open of a pooled connection sets FULL
    /// again (<see cref="SqlitePragmas"/>), and so does the turn's end, so a registration is never committed without one.
    /// </summary>
    public async ValueTask<RelaxedTurn> EnterRelaxedAsync(DbContext db, CancellationToken ct)
    {
        if (!enabled)
            return default;
        await turn.WaitAsync(ct);
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            await SetSynchronousAsync(db, "NORMAL", ct);
            return new RelaxedTurn(turn, db);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            turn.Release();
            throw;
        }
    }

    private static async Task SetSynchronousAsync(DbContext db, string level, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA synchronous={level};";
        await command.ExecuteNonQueryAsync(ct);
    }

    public void Dispose() => turn.Dispose();

    public readonly struct RelaxedTurn(SemaphoreSlim? held, DbContext? db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (held is null)
                return;
            try
            {
                await SetSynchronousAsync(db!, "FULL", CancellationToken.None);
                await db!.Database.CloseConnectionAsync();
            }
            finally
            {
                held.Release();
            }
        }
    }

    public readonly struct Turn(SemaphoreSlim? held) : IDisposable
    {
        public void Dispose() => held?.Release();
    }
}
