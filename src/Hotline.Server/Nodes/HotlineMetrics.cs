using System.Diagnostics.Metrics;

namespace Hotline.Server.Nodes;

/// <summary>
/// Hotline's own instruments (meter <c>Hotline</c>), per node. Requests come from ASP.NET Core's own meters
/// (<c>http.server.request.duration</c>), hub connections and drops from <see cref="NodeMetrics"/>. Exported at
/// <c>/metrics</c> (Prometheus) when <c>Metrics:Prometheus</c> is on; with nobody listening an Add costs a branch.
/// </summary>
public static class HotlineMetrics
{
    public const string MeterName = "Hotline";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Intake transactions committed (each holds one or more tickets: group commit).</summary>
    public static readonly Counter<long> IntakeCommits = Meter.CreateCounter<long>("hotline.intake.commits", description: "Intake transactions committed");

    public static readonly Counter<long> TicketsRegistered = Meter.CreateCounter<long>("hotline.intake.tickets", description: "Tickets registered");

    public static readonly Counter<long> OutboxFailures = Meter.CreateCounter<long>("hotline.outbox.failures", description: "Email sends that failed (retrying or for good)");

    public static readonly Histogram<double> SlaSweepLag = Meter.CreateHistogram<double>("hotline.sla.sweep.lag", "s", "How late an SLA sweep started after its trigger time");

    internal static Meter Shared => Meter;
}
