namespace Hotline.Server.Data.Migrations.Postgres;

/// <summary>
/// The tables of Quartz.NET's clustered ADO.NET job store on PostgreSQL, from the script Quartz 4.7.3 embeds for
/// itself (create_postgres.sql, copied verbatim into quartz-4.7.3-postgres.sql beside this file): statements
/// separated by <c>--;;</c>, <c>{0}</c> and <c>{1}</c> being the table prefix. Applied by the Nodes migration, so
/// the schema is in place before any node starts its scheduler; a later Quartz that changes it gets a migration of its own.
/// </summary>
internal static class QuartzSchema
{
    public const string Prefix = "qrtz_";

    public static readonly string[] Tables =
    [
        "fired_triggers", "paused_trigger_grps", "paused_job_grps", "scheduler_state", "locks", "simprop_triggers", "simple_triggers",
        "cron_triggers", "blob_triggers", "triggers", "job_details", "calendars", "execution_history", "misfire_history", "job_status",
    ];

    public static IEnumerable<string> Statements()
    {
        using var stream = typeof(QuartzSchema).Assembly.GetManifestResourceStream("Hotline.Quartz.Postgres.sql")
            ?? throw new InvalidOperationException("The Quartz schema script is not embedded.");
        using var reader = new StreamReader(stream);
        var script = reader.ReadToEnd().Replace("{0}", Prefix, StringComparison.Ordinal).Replace("{1}", Prefix, StringComparison.Ordinal);
        // A separator is a line reading exactly --;; (the header mentions it in a sentence too).
        return System.Text.RegularExpressions.Regex.Split(script.ReplaceLineEndings("\n"), "^--;;$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(s => s.Trim())
            .Where(s => s.Split('\n').Any(line => line.Length > 0 && !line.StartsWith("--", StringComparison.Ordinal)))
            .ToList();
    }
}
