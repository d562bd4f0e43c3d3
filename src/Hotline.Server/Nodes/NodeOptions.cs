using System.ComponentModel.DataAnnotations;

namespace Hotline.Server.Nodes;

/// <summary>
/// Redis between the nodes (<c>Redis:*</c>). Unset on a single node: nothing needs it. Set on every node of a
/// multi-node installation (with <c>Database:Provider=Postgres</c>).
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>redis1:6379,password=…</c>.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of the channels, so several installations (or test runs) can share one Redis.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.:-]{1,60}$")]
    public string ChannelPrefix { get; set; } = "hotline";
}

/// <summary>Who this node is: <c>Hotline:NodeId</c>, else the host name and process id (unique while it runs).</summary>
public sealed class NodeIdentity(string id)
{
    public const string Key = "Hotline:NodeId";

    public string Id { get; } = id;

    public static NodeIdentity From(IConfiguration configuration) =>
        new(configuration[Key] is { Length: > 0 } id ? id : $"{Environment.MachineName}-{Environment.ProcessId}");
}
