using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Hotline.Server.Data;

/// <summary>Raised after every successful SaveChanges, so the live publisher wakes at once instead of at its next poll.</summary>
public sealed class CommitSignal : SaveChangesInterceptor
{
    public event Action? Committed;

    /// <summary>For commits made outside SaveChanges (<see cref="DirectWriter"/>).</summary>
    public void Notify() => Committed?.Invoke();

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Committed?.Invoke();
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Committed?.Invoke();
        return result;
    }
}
