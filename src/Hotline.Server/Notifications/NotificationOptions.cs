using System.ComponentModel.DataAnnotations;

namespace Hotline.Server.Notifications;

/// <summary><c>Notifications:*</c>: who gets which email, and how the outbox retries.</summary>
public sealed class NotificationOptions : IValidatableObject
{
    public const string Section = "Notifications";

    /// <summary>The language of requester emails unless the ticket carries a <c>lang:</c> tag (zh-CN or en).</summary>
    [Required]
    public string DefaultLanguage { get; set; } = Languages.Chinese;

    /// <summary>Attempts before an email is marked failed (the first send counts).</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Back-off before the second attempt; it doubles per attempt (with jitter) up to <see cref="MaxRetrySeconds"/>.</summary>
    [Range(1, 3600)]
    public int FirstRetrySeconds { get; set; } = 30;

    [Range(1, 86400)]
    public int MaxRetrySeconds { get; set; } = 3600;

    /// <summary>How long a claimed email is reserved for one sender; a crashed sender's emails are taken again after it.</summary>
    [Range(5, 3600)]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>How often the sender looks for due emails when no commit wakes it; 0 turns the background sender off.</summary>
    [Range(0, 60000)]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>Emails claimed at once by one sender.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// The most messages one sender hands to the SMTP server per second; 0 sends as fast as the server takes them. At
    /// full speed the sender and a local relay took most of two cores (about 800 a second) and doubled the p99 of ticket
    /// registrations meanwhile (docs/benchmarks.md, email); 100 a second is 360,000 an hour, far above what a centre
    /// sends, and leaves the CPU to the requests.
    /// </summary>
    [Range(0, 100_000)]
    public int MaxMessagesPerSecond { get; set; } = 100;

    /// <summary>Email the head of the department whose sign-for or handling deadline passed (超时通报).</summary>
    public bool BreachEmailToDepartmentHead { get; set; } = true;

    /// <summary>Which clocks' breaches are emailed to the department head.</summary>
    public List<string> BreachEmailClocks { get; set; } = ["SignFor", "Handling"];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Languages.IsKnown(DefaultLanguage))
            yield return new($"DefaultLanguage must be one of {string.Join(", ", Languages.All)}.", [nameof(DefaultLanguage)]);
        if (MaxMessagesPerSecond > 0 && (double)BatchSize / MaxMessagesPerSecond > LeaseSeconds / 2.0)
            yield return new($"BatchSize ({BatchSize}) at MaxMessagesPerSecond ({MaxMessagesPerSecond}) takes longer than half of LeaseSeconds ({LeaseSeconds}): a round would outlive its lease.",
                [nameof(MaxMessagesPerSecond)]);
        if (MaxRetrySeconds < FirstRetrySeconds)
            yield return new("MaxRetrySeconds must not be below FirstRetrySeconds.", [nameof(MaxRetrySeconds)]);
        foreach (var clock in BreachEmailClocks.Where(c => !Enum.TryParse<Domain.Sla.SlaClockKind>(c, out _)))
            yield return new($"Unknown clock {clock} in BreachEmailClocks.", [nameof(BreachEmailClocks)]);
    }
}

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    None,
    /// <summary>Plain connection upgraded with STARTTLS (usually port 587); refused if the server does not offer it.</summary>
    StartTls,
    /// <summary>TLS from the first byte (usually port 465).</summary>
    Ssl,
}

/// <summary><c>Notifications:Smtp:*</c>. Without a <see cref="Host"/> nothing is sent: emails stay pending in the outbox.</summary>
public sealed class SmtpOptions : IValidatableObject
{
    public const string Section = "Notifications:Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? UserName { get; set; }
    public string? Password { get; set; }

    [EmailAddress]
    public string FromAddress { get; set; } = "12345@example.cn";

    public string FromName { get; set; } = "12345 政务服务便民热线";

    /// <summary>The domain in our Message-IDs (<c>&lt;hotline.{guid}@domain&gt;</c>); replies are matched against it.</summary>
    [Required]
    public string MessageIdDomain { get; set; } = "hotline.example.cn";

    /// <summary>
    /// SHA-256 fingerprint (hex) of a relay certificate to accept even when the system does not trust it (an internal
    /// relay with its own certificate). Other certificates must be trusted as usual.
    /// </summary>
    [RegularExpression("^[0-9A-Fa-f:]{64,95}$")]
    public string? ServerCertificateSha256 { get; set; }

    /// <summary>Timeout of one SMTP command.</summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>A connection idle longer than this is checked with NOOP before use (servers drop idle clients).</summary>
    [Range(1, 3600)]
    public int IdleSeconds { get; set; } = 30;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(UserName) && string.IsNullOrEmpty(Password))
            yield return new("Password is required with UserName.", [nameof(Password)]);
    }
}

/// <summary><c>Notifications:Imap:*</c>: replies by email (optional). Without a <see cref="Host"/> the inbox is not read.</summary>
public sealed class ImapOptions : IValidatableObject
{
    public const string Section = "Notifications:Imap";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 993;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Ssl;

    public string? UserName { get; set; }
    public string? Password { get; set; }

    /// <summary>After reading, messages are marked seen; with a folder name they are also moved there.</summary>
    public string? ProcessedFolder { get; set; }

    /// <summary>How often the inbox is read; 0 reads it only when called (tests).</summary>
    [Range(0, 3600)]
    public int PollSeconds { get; set; } = 60;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && (string.IsNullOrEmpty(UserName) || string.IsNullOrEmpty(Password)))
            yield return new("UserName and Password are required when Host is set.", [nameof(UserName)]);
    }
}

/// <summary>The languages emails are written in.</summary>
public static class Languages
{
    public const string Chinese = "zh-CN";
    public const string English = "en";
    public static readonly IReadOnlyList<string> All = [Chinese, English];

    public static bool IsKnown(string language) => All.Contains(language, StringComparer.Ordinal);
}
