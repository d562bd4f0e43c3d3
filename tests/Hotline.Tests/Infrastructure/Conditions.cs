namespace Hotline.Tests.Infrastructure;

/// <summary>A test that needs Debian's Chromium; skipped with a reason when it is not installed (./test.sh installs it).</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (!File.Exists(Chromium))
            Skip = $"Chromium is not installed at {Chromium}; ./test.sh installs it (apt: chromium).";
    }
}

/// <summary>A test about the PostgreSQL provider itself; skipped with a reason unless HOTLINE_TEST_POSTGRES is set.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabases.PostgresConnectionString is null)
            Skip = "HOTLINE_TEST_POSTGRES is not set; ./test.sh starts a throwaway PostgreSQL and sets it.";
    }
}

/// <summary>
/// A test that runs on SQLite only, skipped on PostgreSQL with the reason it names (each use says why, and
/// docs/testing.md lists the plan).
/// </summary>
public sealed class SqliteOnlyFactAttribute : FactAttribute
{
    public SqliteOnlyFactAttribute(string whyNotOnPostgres, bool needsBrowser = false)
    {
        if (TestDatabases.PostgresConnectionString is not null)
            Skip = whyNotOnPostgres;
        else if (needsBrowser && !File.Exists(BrowserFactAttribute.Chromium))
            Skip = $"Chromium is not installed at {BrowserFactAttribute.Chromium}; ./test.sh installs it (apt: chromium).";
    }
}
