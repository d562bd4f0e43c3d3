namespace Hotline.Server.Data;

/// <summary>
/// Turns at SQLite's one write lock for ticket intake and the writer that runs beside it at a steady rate all day (a
/// policy push's batches). Two connections writing to one file otherwise meet in SQLite's busy handler, which sleeps 1, 2,
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

    public void Dispose() => turn.Dispose();

    public readonly struct Turn(SemaphoreSlim? held) : IDisposable
    {
        public void Dispose() => held?.Release();
    }
}
