using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using MimeKit;

namespace Hotline.Tests.Notifications;

/// <summary>
/// A real SMTP server on loopback (smtp_sink.py over python3-aiosmtpd) that keeps every message it accepts as a file.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";
    private static readonly Lazy<string?> Missing = new(FindMissing);
    private readonly Process process;

    private SmtpSink(Process process, int port, string folder, string? certificateSha256)
    {
        this.process = process;
        Port = port;
        Folder = folder;
        CertificateSha256 = certificateSha256;
    }

    public int Port { get; }

    /// <summary>With TLS: the fingerprint of the sink's self-signed certificate (for <c>Notifications:Smtp:ServerCertificateSha256</c>).</summary>
    public string? CertificateSha256 { get; }
    public string Folder { get; }

    /// <summary>Why the sink cannot run here, or null.</summary>
    public static string? MissingReason => Missing.Value;

    public static string Script([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "smtp_sink.py");

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <param name="tls">Offer (and require) STARTTLS with a fresh self-signed certificate.</param>
    public static async Task<SmtpSink> StartAsync(int? port = null, bool tls = false)
    {
        var p = port ?? FreePort();
        var folder = Path.Combine(Path.GetTempPath(), "hotline-smtp", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string? fingerprint = null;
        var tlsFiles = Path.Combine(folder, "..", Path.GetFileName(folder) + "-tls");
        if (tls)
        {
            Directory.CreateDirectory(tlsFiles);
            using var key = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key,
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30));
            await File.WriteAllTextAsync(Path.Combine(tlsFiles, "cert.pem"), certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(tlsFiles, "key.pem"), key.ExportPkcs8PrivateKeyPem());
            fingerprint = certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        }
        var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script());
        start.ArgumentList.Add(p.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(folder);
        if (tls)
        {
            start.ArgumentList.Add(Path.Combine(tlsFiles, "cert.pem"));
            start.ArgumentList.Add(Path.Combine(tlsFiles, "key.pem"));
        }
        var process = Process.Start(start)!;
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready != "ready")
            throw new InvalidOperationException($"SMTP sink did not start: {await process.StandardError.ReadToEndAsync()}");
        return new SmtpSink(process, p, folder, fingerprint);
    }

    /// <summary>Holds every message after the <paramref name="count"/>-th at its DATA, unanswered, until <see cref="Release"/>.</summary>
    public void HoldAfter(int count) => File.WriteAllText(Path.Combine(Folder, "hold-after"), count.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Release() => File.Delete(Path.Combine(Folder, "hold-after"));

    public IReadOnlyList<MimeMessage> Messages() =>
        Directory.EnumerateFiles(Folder, "*.eml").Order(StringComparer.Ordinal).Select(f => MimeMessage.Load(f)).ToList();

    /// <summary>How many client connections delivered the messages so far.</summary>
    public int Sessions =>
        File.Exists(Path.Combine(Folder, "sessions.log")) ? File.ReadAllLines(Path.Combine(Folder, "sessions.log")).Distinct().Count() : 0;

    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var until = Stopwatch.StartNew();
        while (true)
        {
            var messages = Messages();
            if (messages.Count >= count || until.Elapsed > (timeout ?? TimeSpan.FromSeconds(30)))
                return messages;
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
        }
        process.Dispose();
        Directory.Delete(Folder, recursive: true);
        if (Directory.Exists(Folder + "-tls"))
            Directory.Delete(Folder + "-tls", recursive: true);
    }

    private static string? FindMissing()
    {
        if (!File.Exists(Python))
            return $"{Python} is missing; ./test.sh installs python3-aiosmtpd.";
        using var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true, UseShellExecute = false })!;
        check.WaitForExit();
        return check.ExitCode == 0 ? null : "python3-aiosmtpd is not installed; ./test.sh installs it (apt: python3-aiosmtpd).";
    }
}

/// <summary>A test that needs the loopback SMTP server; skipped with a reason when python3-aiosmtpd is missing.</summary>
public sealed class SmtpFactAttribute : FactAttribute
{
    public SmtpFactAttribute()
    {
        if (SmtpSink.MissingReason is { } reason)
            Skip = reason;
    }
}
