namespace Hotline.Domain.Tickets;

/// <summary>
/// 诉求人: a citizen (name, phone, optional email) or an enterprise (name, 统一社会信用代码, contact person, email, phone).
/// A reporter (举报人) may ask for confidentiality: name, contact and phone are then masked for everyone but supervisors and admins.
/// </summary>
public sealed record Requester
{
    public required RequesterKind Kind { get; init; }
    /// <summary>Citizen's name, or the enterprise's registered name.</summary>
    public required string Name { get; init; }
    public required string Phone { get; init; }
    public string? Email { get; init; }
    /// <summary>Enterprise only.</summary>
    public string? CreditCode { get; init; }
    /// <summary>Enterprise only: the person who speaks for it.</summary>
    public string? ContactPerson { get; init; }
    public bool Confidential { get; init; }

    /// <summary>What a viewer may see: confidential requesters are masked unless the viewer is privileged.</summary>
    public Requester ForViewer(bool seesConfidential) =>
        !Confidential || seesConfidential
            ? this
            : this with
            {
                Name = Masking.MaskName(Name),
                Phone = Masking.MaskPhone(Phone),
                Email = Email is null ? null : Masking.MaskEmail(Email),
                ContactPerson = ContactPerson is null ? null : Masking.MaskName(ContactPerson),
            };
}

public static class Masking
{
    /// <summary>张三丰 → 张**</summary>
    public static string MaskName(string name) =>
        name.Length <= 1 ? "*" : string.Concat(name.AsSpan(0, 1), new string('*', Math.Min(name.Length - 1, 8)));

    /// <summary>13812345678 → 138****5678</summary>
    public static string MaskPhone(string phone) =>
        phone.Length < 7 ? new string('*', phone.Length) : string.Concat(phone.AsSpan(0, 3), "****", phone.AsSpan(phone.Length - 4));

    /// <summary>zhang@example.com → z***@example.com</summary>
    public static string MaskEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }
}
