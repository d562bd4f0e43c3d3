using System.Diagnostics;

namespace Hotline.Tests.Notifications;

/// <summary>
/// A throwaway Dovecot IMAP server on loopback with one mailbox (user <see cref="User"/>), its configuration, mail and
/// sockets in a temp folder. Needs Debian's dovecot-imapd (./test.sh installs it).
/// </summary>
public sealed class ImapServer : IAsyncDisposable
{
    public const string Dovecot = "/usr/sbin/dovecot";
    public const string User = "hotline";
    public const string Password = "imap-Secret-1";

    private readonly string folder;

    private ImapServer(string folder, int port)
    {
        this.folder = folder;
        Port = port;
    }

    public int Port { get; }

    private string Config => Path.Combine(folder, "dovecot.conf");

    public static string? MissingReason => File.Exists(Dovecot) ? null : $"{Dovecot} is missing; ./test.sh installs dovecot-imapd.";

    public static async Task<ImapServer> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "hotline-imap", Guid.NewGuid().ToString("N"));
        var mail = Path.Combine(folder, "mail");
        Directory.CreateDirectory(mail);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(mail, (UnixFileMode)0x1FF); // 0777: written by Dovecot's mail user
        File.WriteAllText(Path.Combine(folder, "passwd"), $"{User}:{{PLAIN}}{Password}\n");
        var port = SmtpSink.FreePort();
        // As root, Dovecot runs its processes as the users its package created; otherwise all as the current user.
        var root = Environment.UserName == "root";
        var (internalUser, loginUser, mailUser) = root ? ("dovecot", "dovenull", "dovecot") : (Environment.UserName, Environment.UserName, Environment.UserName);
        File.WriteAllText(Path.Combine(folder, "dovecot.conf"), $$"""
            base_dir = {{folder}}/run
            state_dir = {{folder}}/state
            log_path = {{folder}}/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            default_internal_user = {{internalUser}}
            default_internal_group = {{internalUser}}
            default_login_user = {{loginUser}}
            mail_location = maildir:{{mail}}/%u
            first_valid_uid = 1
            passdb {
              driver = passwd-file
              args = {{folder}}/passwd
            }
            userdb {
              driver = static
              args = uid={{mailUser}} gid={{mailUser}} home={{mail}}/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service pop3-login {
              inet_listener pop3 {
                port = 0
              }
            }
            """);
        var server = new ImapServer(folder, port);
        await server.RunAsync();
        var until = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (System.Net.Sockets.SocketException) when (until.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task RunAsync(string? command = null)
    {
        // No redirected output: the daemon keeps its inherited handles open, so reading them would never end.
        var start = new ProcessStartInfo(Dovecot) { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Config);
        if (command is not null)
            start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (process.ExitCode != 0 && command is null)
            throw new InvalidOperationException($"Dovecot did not start (exit {process.ExitCode}); see {Path.Combine(folder, "dovecot.log")}");
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("stop");
        await Task.Delay(200);
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A test that needs Dovecot; skipped with a reason when it is not installed.</summary>
public sealed class ImapFactAttribute : FactAttribute
{
    public ImapFactAttribute()
    {
        if (ImapServer.MissingReason is { } reason)
            Skip = reason;
    }
}
