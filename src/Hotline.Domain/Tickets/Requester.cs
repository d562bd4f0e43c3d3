namespace Hotline.Domain.Tickets;

/// <summary>
/// 诉求人: a citizen (name, phone, optional email) or an enterprise (name, 统一社会信用代码, contact person, email, phone).
/// A reporter (举报人) may ask for confidentiality: every field that identifies them (name, phone, email, credit code,
/// contact person) is then masked for everyone but supervisors and admins.
/// </summary>
public sealed record Requester
{
    public required RequesterKind Kind { get; init; }
    /// <summary>Citizen's name, or the enterprise's registered name.</summary>
    [RequesterContact(ContactKind.Name)]
    public required string Name { get; init; }
    [RequesterContact(ContactKind.Phone)]
    public required string Phone { get; init; }
    [RequesterContact(ContactKind.Email)]
    public string? Email { get; init; }
    /// <summary>Enterprise only. Masked too for a confidential requester: the public registry would name the enterprise.</summary>
    [RequesterContact(ContactKind.CreditCode)]
    public string? CreditCode { get; init; }
    /// <summary>Enterprise only: the person who speaks for it.</summary>
    [RequesterContact(ContactKind.Name)]
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
                CreditCode = CreditCode is null ? null : Masking.MaskCreditCode(CreditCode),
                ContactPerson = ContactPerson is null ? null : Masking.MaskName(ContactPerson),
            };
}

/// <summary>What a piece of a requester's contact data is, so it is masked the same way wherever it appears.</summary>
public enum ContactKind
{
    Name,
    Phone,
    Email,
    CreditCode,
}

/// <summary>
/// Marks a property that holds a requester's contact data: for a confidential requester it is masked for viewers who may
/// not see them, whatever its value (<see cref="RequesterRedaction"/>). A new change type that carries contact data
/// marks its property; a domain test fails for a property named like contact data without the mark.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequesterContactAttribute(ContactKind kind) : Attribute
{
    public ContactKind Kind { get; } = kind;
}

public static class Masking
{
    /// <summary>张三丰 → 张**</summary>
    public static string MaskName(string name) =>
        name.Length <= 1 ? "*" : string.Concat(name.AsSpan(0, 1), new string('*', Math.Min(name.Length - 1, 8)));

    /// <summary>13812345678 → 138****5678</summary>
    public static string MaskPhone(string phone) =>
        phone.Length < 7 ? new string('*', phone.Length) : string.Concat(phone.AsSpan(0, 3), "****", phone.AsSpan(phone.Length - 4));

    /// <summary>91320400MA1X2Y3K5Q → 91****************: the kind of organisation, not which one.</summary>
    public static string MaskCreditCode(string code) => code.Length <= 2 ? new string('*', code.Length) : string.Concat(code.AsSpan(0, 2), new string('*', code.Length - 2));

    public static string Mask(string value, ContactKind kind) => kind switch
    {
        ContactKind.Name => MaskName(value),
        ContactKind.Phone => MaskPhone(value),
        ContactKind.Email => MaskEmail(value),
        _ => MaskCreditCode(value),
    };

    /// <summary>zhang@example.com → z***@example.com</summary>
    public static string MaskEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : string.Concat(email.AsSpan(0, 1), "***", email.AsSpan(at));
    }
}
