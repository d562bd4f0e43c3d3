using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Live;

/// <summary>
/// Reads the ticket events committed since the last one it sent, in sequence order, and pushes each to the centre and to
/// the departments on the ticket (main and co-handling), and to the console's own components through
/// <see cref="LiveTicketFeed"/>. Woken by <see cref="Notify"/> after every commit, and every
/// second anyway, so an event written by another instance or by a path that forgot to notify still goes out.
/// SignalR buffers per connection are bounded by the framework; a slow client is dropped and resumes with Since.
/// </summary>
public sealed class TicketEventPublisher : BackgroundService
{
    private readonly IDbContextFactory<HotlineDbContext> contexts;
    private readonly IHubContext<TicketsHub, ITicketsClient> hub;
    private readonly LiveTicketFeed feed;
    private readonly ILogger<TicketEventPublisher> logger;
    private readonly SemaphoreSlim signal = new(0);
    private long last = -1;

    public TicketEventPublisher(IDbContextFactory<HotlineDbContext> contexts, IHubContext<TicketsHub, ITicketsClient> hub, LiveTicketFeed feed,
        CommitSignal commits, ILogger<TicketEventPublisher> logger)
    {
        (this.contexts, this.hub, this.feed, this.logger) = (contexts, hub, feed, logger);
        commits.Committed += Notify;
    }

    /// <summary>Called after a commit that appended events.</summary>
    public void Notify()
    {
        if (signal.CurrentCount == 0)
            signal.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishAsync(stoppingToken);
                await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                logger.LogWarning(ex, "Publishing ticket events failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task PublishAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (last < 0)
            last = await db.TicketEvents.MaxAsync(e => (long?)e.Id, ct) ?? 0; // consoles catch up on their own with Since
        while (true)
        {
            var rows = await db.TicketEvents.AsNoTracking().Where(e => e.Id > last).OrderBy(e => e.Id).Take(500)
                .Join(db.Tickets, e => e.TicketId, t => t.Id, (e, t) => new { e.Id, t.Number, e.Action, e.FromStatus, e.ToStatus, t.AssignedDepartmentCode, t.CoHandlingDepartmentCodes, e.OccurredAt })
                .ToListAsync(ct);
            if (rows.Count == 0)
                return;
            foreach (var r in rows)
            {
                var message = new TicketEventMessage(1, r.Id, r.Number, TicketWorkflow.For(r.Action).RouteName, r.FromStatus, r.ToStatus, r.AssignedDepartmentCode, r.OccurredAt);
                var groups = new List<string> { LiveGroups.Centre };
                if (r.AssignedDepartmentCode is not null)
                    groups.Add(LiveGroups.Department(r.AssignedDepartmentCode));
                groups.AddRange(r.CoHandlingDepartmentCodes.Select(LiveGroups.Department));
                await hub.Clients.Groups(groups).TicketEvent(message);
                feed.Publish(message, r.AssignedDepartmentCode is null ? r.CoHandlingDepartmentCodes : [r.AssignedDepartmentCode, .. r.CoHandlingDepartmentCodes]);
                last = r.Id;
            }
        }
    }
}
