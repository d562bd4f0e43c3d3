using System.Data.Common;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// The real server as a child process (<c>dotnet Hotline.Server.dll</c>, Production environment) on its own port and
/// data: started, waited for until ready, killed with SIGKILL (no shutdown code runs, as in a power cut or an OOM kill),
/// started again on the same data. One <see cref="ServerData"/> holds the data across the processes; several processes
/// may run on it at once (the multi-node tests). Output goes to <c>{DataPath}/process-N.log</c>.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>How long a start may take on a loaded machine before the test gives up (a wait, not a measurement).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly Process process;

    private ServerProcess(Process process, Uri baseAddress) => (this.process, BaseAddress) = (process, baseAddress);

    public Uri BaseAddress { get; }

    public bool HasExited => process.HasExited;

    /// <summary>Starts a server on <paramref name="data"/> with extra settings, and waits until /health/ready answers 200.</summary>
    public static async Task<ServerProcess> StartAsync(ServerData data, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Hotline.Server.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_gcServer"] = "0"; // a small process: several may run on two cores
        foreach (var (key, value) in data.Settings.Concat(settings ?? new Dictionary<string, string?>()))
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(start)!;
        var log = new StreamWriter(Path.Combine(data.DataPath, $"process-{Interlocked.Increment(ref data.Starts)}.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { lock (log) { if (e.Data is not null) log.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { if (e.Data is not null) log.WriteLine(e.Data); } };
        process.Exited += (_, _) => { lock (log) log.Dispose(); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The server exited with {process.ExitCode} while starting; see {data.DataPath}/process-*.log");
            try
            {
                using var ready = await client.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode)
                    return server;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (waited.Elapsed > StartTimeout)
            {
                server.Kill();
                throw new TimeoutException($"The server did not get ready within {StartTimeout}; see {data.DataPath}/process-*.log");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: the process ends at once, mid-whatever, and is gone when this returns.</summary>
    public void Kill()
    {
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>A client for this server, optionally with an API key.</summary>
    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null)
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>Signs in as the data's first admin and creates an API key with this role.</summary>
    public async Task<string> ApiKeyAsync(ServerData data, string role, string? department = null)
    {
        using var admin = Client();
        using var login = await admin.PostAsJsonAsync("/api/auth/login", new { userName = ServerData.AdminName, password = ServerData.AdminPassword });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("hotline.auth=", StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/api-keys")
        {
            Content = JsonContent.Create(new { name = $"{role} {department}", role, departmentCode = department }),
        };
        request.Headers.Add("Cookie", cookie);
        using var created = await admin.SendAsync(request);
        return (await Api.ExpectAsync(created, HttpStatusCode.Created)).Str("key");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The data one or more <see cref="ServerProcess"/>es run on: a temp folder (attachments, keys, logs and the SQLite
/// file), or a PostgreSQL database of its own when HOTLINE_TEST_POSTGRES is set. The test reads and changes it directly
/// through <see cref="OpenAsync"/>.
/// </summary>
public sealed class ServerData : IDisposable
{
    public const string AdminName = "crash-admin";
    public const string AdminPassword = "Crash-admin-password-1";

    internal int Starts;

    public ServerData(string? postgresDatabase = null)
    {
        DataPath = Path.Combine(Path.GetTempPath(), "hotline-process", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataPath);
        PostgresDatabase = postgresDatabase ?? (TestDatabases.PostgresConnectionString is null ? null : $"hotline_proc_{Guid.NewGuid():N}");
    }

    public string DataPath { get; }

    public string? PostgresDatabase { get; }

    public bool UsesPostgres => PostgresDatabase is not null;

    /// <summary>What every process on this data is started with.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Hotline:DataPath"] = DataPath,
        ["Hotline:InitialAdmin:UserName"] = AdminName,
        ["Hotline:InitialAdmin:Password"] = AdminPassword,
        ["Serilog:MinimumLevel:Default"] = "Warning",
        ["Database:Provider"] = UsesPostgres ? "Postgres" : "Sqlite",
        ["Database:ConnectionString"] = UsesPostgres ? TestDatabases.ForDatabase(PostgresDatabase!) : null,
    };

    /// <summary>A connection to the data's database, for the test to read or change it behind the server's back.</summary>
    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = UsesPostgres
            ? new NpgsqlConnection(TestDatabases.ForDatabase(PostgresDatabase!))
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(DataPath, "hotline.db"), Pooling = false, DefaultTimeout = 60 }.ToString());
        await connection.OpenAsync();
        if (!UsesPostgres)
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout=60000;";
            await pragma.ExecuteNonQueryAsync();
        }
        return connection;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        return await ScalarAsync(connection, sql);
    }

    /// <summary>The first column of the first row as a number, 0 for a statement that returns none.</summary>
    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<List<object?[]>> RowsAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add(row.Select(v => v is DBNull ? null : v).ToArray());
        }
        return rows;
    }

    /// <summary>
    /// Makes work fall due (<paramref name="dueSql"/>), and kills a server once it has committed some of that work
    /// (<paramref name="countSql"/> above 0); returns the count at the kill. Each look holds the database's write lock
    /// (SQLite's BEGIN IMMEDIATE; on PostgreSQL an EXCLUSIVE lock on ticket_events, which every ticket step writes): the
    /// work falls due in the first look's transaction, so none of it can commit before the test is watching, and the
    /// kill happens under the lock, so nothing commits between the count and the kill. Without the lock a quiet machine
    /// swept a whole SLA herd in under 100 ms, between two looks or before the first, and the kill found nothing left to
    /// interrupt. <paramref name="killer"/> names the kill once it knows whom to kill (null: not yet; asked again under the lock).
    /// </summary>
    public async Task<long> KillOnceCommittedAsync(string dueSql, string countSql, Func<Task<Action?>> killer)
    {
        await using var connection = await OpenAsync();
        if (connection is SqliteConnection)
            await ScalarAsync(connection, "PRAGMA busy_timeout=0");
        async Task WriteLockAsync()
        {
            if (connection is SqliteConnection sqlite)
            {
                // Asked again at once, not after SQLite's busy wait: that wait grows to 100 ms between tries, and the
                // sweep's next batch takes the lock again a few ms after each commit, so the test would look only after
                // the whole herd.
                while (SQLitePCL.raw.sqlite3_exec(sqlite.Handle, "BEGIN IMMEDIATE") == SQLitePCL.raw.SQLITE_BUSY)
                    await Task.Yield();
            }
            else
                await ScalarAsync(connection, "BEGIN; LOCK TABLE ticket_events IN EXCLUSIVE MODE");
        }
        await WriteLockAsync();
        await ScalarAsync(connection, dueSql);
        await ScalarAsync(connection, "COMMIT");
        long count = 0;
        await Nodes.Waits.UntilAsync(async () =>
        {
            await WriteLockAsync();
            count = await ScalarAsync(connection, countSql);
            if (count == 0)
            {
                await ScalarAsync(connection, "ROLLBACK"); // a short window for the server's next commit
                return false;
            }
            // Work committed but whom to kill not known yet (between two runs of a job): the lock stays, so nothing more
            // commits, until the killer knows.
            Action? kill = null;
            await Nodes.Waits.UntilAsync(async () => (kill = await killer()) is not null, "whom to kill", poll: TimeSpan.FromMilliseconds(2));
            kill!(); // with the lock still held: what was counted is exactly what the killed server committed
            await ScalarAsync(connection, "ROLLBACK");
            return true;
        }, "the first commit", cap: TimeSpan.FromMinutes(3), poll: TimeSpan.FromMilliseconds(2));
        return count;
    }

    /// <summary>A copy of this data as it is now (no server may be running on it): the same folder, the same database.</summary>
    public async Task<ServerData> CopyAsync()
    {
        var copy = new ServerData(UsesPostgres ? $"hotline_proc_{Guid.NewGuid():N}" : null);
        foreach (var file in Directory.EnumerateFiles(DataPath, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".log", StringComparison.Ordinal)))
        {
            var target = Path.Combine(copy.DataPath, Path.GetRelativePath(DataPath, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        if (UsesPostgres)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(TestDatabases.PostgresConnectionString);
            await connection.OpenAsync();
            await using (var terminate = connection.CreateCommand())
            {
                // A killed server's sessions may linger for a moment; a template must have none.
                terminate.CommandText = $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{PostgresDatabase}'";
                await terminate.ExecuteNonQueryAsync();
            }
            await using var create = connection.CreateCommand();
            create.CommandText = $"CREATE DATABASE \"{copy.PostgresDatabase}\" TEMPLATE \"{PostgresDatabase}\"";
            await create.ExecuteNonQueryAsync();
        }
        return copy;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (PostgresDatabase is not null)
            TestDatabases.DropPostgres(PostgresDatabase);
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // a file still being closed by a process just killed: the temp folder is cleaned up by the system
        }
    }
}
