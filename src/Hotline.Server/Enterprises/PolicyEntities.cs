using Hotline.Domain.Policies;

namespace Hotline.Server.Enterprises;

/// <summary>涉企政策: a policy with its reading (政策解读) and who it is for.</summary>
public sealed class Policy
{
    public long Id { get; set; }
    public required string Title { get; set; }
    /// <summary>政策解读, in Markdown.</summary>
    public required string Summary { get; set; }
    public string? FullTextUrl { get; set; }
    /// <summary>发文单位: a department code from the reference data, or null with <see cref="IssuedBy"/> as free text.</summary>
    public string? DepartmentCode { get; set; }
    public string? IssuedBy { get; set; }
    public DateOnly? ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
    public List<string> Industries { get; set; } = [];
    public List<string> DistrictCodes { get; set; } = [];
    public List<EnterpriseSize> Sizes { get; set; } = [];
    public List<RegistrationType> RegistrationTypes { get; set; } = [];
    public List<string> Tags { get; set; } = [];
    public string? SeedKey { get; set; }
    /// <summary>Clicks on the policy link in push emails.</summary>
    public int Clicks { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }

    public PolicyAudience Audience() => new()
    {
        Industries = Industries, DistrictCodes = DistrictCodes, Sizes = Sizes, RegistrationTypes = RegistrationTypes, Tags = Tags,
    };
}

/// <summary>
/// 企业库: an enterprise by its 统一社会信用代码, from a ticket (every enterprise that contacted us) or an import, with
/// what policy matching needs and its consent (订阅/退订).
/// </summary>
public sealed class Enterprise
{
    public required string CreditCode { get; set; }
    public required string Name { get; set; }
    public string? Industry { get; set; }
    public string? DistrictCode { get; set; }
    public EnterpriseSize? Size { get; set; }
    public RegistrationType? RegistrationType { get; set; }
    public List<string> Tags { get; set; } = [];
    public string? ContactPerson { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public bool Subscribed { get; set; } = true;
    public DateTimeOffset? UnsubscribedAt { get; set; }
    /// <summary>A push to this address failed for good (the mail server refused it): no more pushes until the address changes.</summary>
    public DateTimeOffset? BouncedAt { get; set; }
    /// <summary>ticket or import.</summary>
    public required string Source { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public EnterpriseProfile Profile() => new(CreditCode, Industry, DistrictCode, Size, RegistrationType, Tags, Email, Subscribed, BouncedAt is not null);
}

public enum PushStatus
{
    Running,
    Completed,
    Cancelled,
}

/// <summary>
/// A push of a policy to the enterprises it matches. Written out in rate-limited batches by <see cref="PolicyPushWorker"/>;
/// <see cref="Cursor"/> (the last credit code done) makes it resumable after a restart.
/// </summary>
public sealed class PolicyPush
{
    public long Id { get; set; }
    public long PolicyId { get; set; }
    public PushStatus Status { get; set; }
    public string? Cursor { get; set; }
    public int Matched { get; set; }
    public int Queued { get; set; }
    /// <summary>Matched but not emailed: unsubscribed, bounced or without an address.</summary>
    public int Skipped { get; set; }
    /// <summary>Changed with every batch; the concurrency token that keeps two nodes from writing the same batch.</summary>
    public int Round { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public required string StartedBy { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One enterprise's email of one policy (unique per policy and enterprise): what it got, and whether it clicked.</summary>
public sealed class PolicyDelivery
{
    public long Id { get; set; }
    public long PolicyId { get; set; }
    public long PushId { get; set; }
    public required string CreditCode { get; set; }
    public required string Email { get; set; }
    public required string MessageId { get; set; }
    public DateTimeOffset QueuedAt { get; set; }
    public DateTimeOffset? ClickedAt { get; set; }
    public int Clicks { get; set; }
}
