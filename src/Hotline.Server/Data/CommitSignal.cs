using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Hotline.Server.Data;

/// <summary>Raised after every successful SaveChanges, so the live publisher wakes at once instead of at its next poll.</summary>
public sealed class CommitSignal : SaveChangesInterceptor
{
    /// <summary>A commit here or, with several nodes, on another node (<see cref="Nodes.NodeWakeups"/>).</summary>
    public event Action? Committed;

    /// <summary>A commit made by this node only, raised just before <see cref="Committed"/>: what the other nodes are told.</summary>
    public event Action? CommittedHere;

    /// <summary>For commits made outside SaveChanges (<see cref="DirectWriter"/>).</summary>
    public void Notify()
    {
        CommittedHere?.Invoke();
        Committed?.Invoke();
    }

    /// <summary>Another node committed: wake what reads the database, but tell nobody else.</summary>
    public void NotifyFromAnotherNode() => Committed?.Invoke();

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Notify();
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Notify();
        return result;
    }
}
