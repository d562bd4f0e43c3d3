using Hotline.Server.Data;
using Hotline.Server.Notifications;

namespace Hotline.Server.Nodes;

/// <summary>
/// A commit here wakes the live publisher and the outbox sender of every other node at once (they read the database
/// themselves, in sequence order, so nothing travels but the wake-up). Commits coalesce: while one wake-up is on its
/// way, more commits add nothing to it. Without Redis each node still finds the others' commits by polling (1 s).
/// </summary>
public sealed class NodeWakeups : IHostedService
{
    public const string Topic = "commits";

    private readonly INodeBus bus;
    private readonly CommitSignal commits;
    private readonly Outbox outbox;
    private IDisposable? subscription;
    private int scheduled;
    private int outboxWritten;

    public NodeWakeups(INodeBus bus, CommitSignal commits, Outbox outbox) => (this.bus, this.commits, this.outbox) = (bus, commits, outbox);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!bus.IsShared)
            return Task.CompletedTask; // one node: a commit costs nothing more than before
        commits.CommittedHere += OnCommittedHere;
        subscription = bus.Subscribe(Topic, OnCommittedElsewhere);
        bus.Restored += commits.NotifyFromAnotherNode; // whatever was committed during the outage
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        commits.CommittedHere -= OnCommittedHere;
        bus.Restored -= commits.NotifyFromAnotherNode;
        subscription?.Dispose();
        return Task.CompletedTask;
    }

    private void OnCommittedHere()
    {
        // Read before this node's own sender takes the hint (it listens to Committed, raised after CommittedHere).
        if (outbox.HasWrittenHint)
            Volatile.Write(ref outboxWritten, 1);
        if (Interlocked.Exchange(ref scheduled, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(_ => Send(), null);
    }

    private void Send()
    {
        // Cleared before sending: a commit from now on schedules another wake-up, one before is covered by this one.
        Volatile.Write(ref scheduled, 0);
        bus.Publish(Topic, Interlocked.Exchange(ref outboxWritten, 0) == 1 ? "outbox" : "events");
    }

    private void OnCommittedElsewhere(string what)
    {
        if (what == "outbox")
            outbox.MarkWritten();
        commits.NotifyFromAnotherNode();
    }
}
