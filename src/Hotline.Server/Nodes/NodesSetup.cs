using Hotline.Server.Data;
using Hotline.Server.Live;
using Microsoft.EntityFrameworkCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Quartz;

namespace Hotline.Server.Nodes;

/// <summary>
/// Several identical nodes on one PostgreSQL, coordinated through Redis (docs/operations.md, "Several nodes"). With
/// neither configured (the SQLite default) this adds a bus that tells nobody and changes nothing else.
/// </summary>
public static class NodesSetup
{
    public static IHostApplicationBuilder AddNodes(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var node = NodeIdentity.From(builder.Configuration);
        services.AddSingleton(node);
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{RedisOptions.Section}:{nameof(RedisOptions.Configuration)}"]))
        {
            services.AddSingleton<RedisNodeBus>();
            services.AddSingleton<INodeBus>(sp => sp.GetRequiredService<RedisNodeBus>());
            // Failed sign-ins, API keys and access codes, and the confidential-notice allowance, counted across the nodes;
            services.AddSingleton<Security.IAttemptLimiter, Security.RedisAttemptLimiter>();
            services.AddSingleton<Security.ILookupAllowance, Security.RedisLookupAllowance>();
            // The public pages' per-minute limits (Q&A, /track, /rate) too.
            services.AddSingleton<Security.RedisRateWindows>();
        }
        else
            services.AddSingleton<INodeBus, LocalNodeBus>();
        services.AddSingleton<SharedCaches>();
        services.AddHostedService(sp => sp.GetRequiredService<SharedCaches>());
        services.AddHostedService<NodeWakeups>();
        services.AddHostedService<NodePresence>();

        if (builder.Configuration.GetValue<bool>(MetricsKey))
        {
            services.AddSingleton<NodeMetrics>();
            services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("hotline", serviceInstanceId: node.Id))
                .WithMetrics(m => m
                    .AddMeter(HotlineMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections")
                    .AddPrometheusExporter());
        }
        return builder;
    }

    /// <summary><c>Metrics:Prometheus</c>: serve <c>/metrics</c> on this node (off by default; keep it off the public balancer).</summary>
    public const string MetricsKey = "Metrics:Prometheus";

    public static WebApplication MapNodes(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>(MetricsKey))
        {
            app.Services.GetRequiredService<NodeMetrics>();
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
        return app;
    }

    /// <summary>
    /// The scheduler's store: on PostgreSQL the clustered ADO.NET job store (tables from the Nodes migration), so each
    /// job runs on one node at a time and a dead node's triggers move to another within about ten seconds (check-in
    /// every 3 s, declared dead 4 s after a missed one); on SQLite the in-memory store of a single node.
    /// </summary>
    public static void UseNodeScheduler(this IQuartzBuilder quartz, IConfiguration configuration)
    {
        var db = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (db.Provider != DatabaseProvider.Postgres)
            return;
        quartz.ConfigureScheduler(s =>
        {
            // One cluster: the same name on every node (Hotline:SchedulerName, "Hotline" unless set). It also keys
            // Quartz's process-wide registry, so two hosts in one process (tests) need two names.
            s.InstanceName = configuration["Hotline:SchedulerName"] is { Length: > 0 } name ? name : "Hotline";
            s.InstanceId = NodeIdentity.From(configuration).Id; // and an id of its own
        });
        quartz.UsePersistentStore(store =>
        {
            store.UsePostgres(db.ConnectionString!);
            store.UseSystemTextJsonSerializer();
            store.UseClustering(c =>
            {
                // Worst case to take over: a missed check-in plus the threshold plus the survivor's own check-in period,
                // about 10 s, inside the 15 s goal even on a loaded machine. A node stalled past it is declared dead
                // wrongly at worst: the sweep and the outbox are safe with two runners (concurrency tokens, leases).
                c.CheckinInterval = TimeSpan.FromSeconds(3);
                c.CheckinMisfireThreshold = TimeSpan.FromSeconds(4);
            });
        });
    }
}

/// <summary>Gauges read when scraped: hub connections and drops, and the outbox backlog (one count, at most every 5 s).</summary>
public sealed class NodeMetrics
{
    private readonly IDbContextFactory<HotlineDbContext> contexts;
    private long backlog;
    private long backlogReadAt;

    public NodeMetrics(LiveConnections live, IDbContextFactory<HotlineDbContext> contexts)
    {
        this.contexts = contexts;
        var meter = HotlineMetrics.Shared;
        meter.CreateObservableGauge("hotline.hub.connections", () => live.Count, description: "Live hub connections on this node");
        meter.CreateObservableCounter("hotline.hub.drops", () => live.OverflowAborts, description: "Hub connections dropped because they stopped reading");
        meter.CreateObservableGauge("hotline.outbox.backlog", ReadBacklog, description: "Emails waiting to be sent (all nodes)");
    }

    private long ReadBacklog()
    {
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref backlogReadAt) > 5000)
        {
            Interlocked.Exchange(ref backlogReadAt, now);
            using var db = contexts.CreateDbContext();
            Interlocked.Exchange(ref backlog, db.OutboxEmails.LongCount(e => e.Status == Notifications.OutboxStatus.Pending));
        }
        return Interlocked.Read(ref backlog);
    }
}
