using Hotline.Domain.Tickets;

namespace Hotline.Domain.Policies;

/// <summary>
/// One enterprise as an import file or an editor gives it, validated field by field (the import reports every
/// rejected row with its reasons; the good rows are taken).
/// </summary>
public sealed record EnterpriseRecord
{
    public string? CreditCode { get; init; }
    public string? Name { get; init; }
    public string? Industry { get; init; }
    public string? DistrictCode { get; init; }
    public string? Size { get; init; }
    public string? RegistrationType { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? ContactPerson { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public bool? Subscribed { get; init; }

    private static readonly Dictionary<string, EnterpriseSize> Sizes = new()
    {
        ["微型"] = EnterpriseSize.Micro, ["小型"] = EnterpriseSize.Small, ["中型"] = EnterpriseSize.Medium, ["大型"] = EnterpriseSize.Large,
    };

    private static readonly Dictionary<string, RegistrationType> Types = new()
    {
        ["有限责任公司"] = Policies.RegistrationType.LimitedLiability, ["股份有限公司"] = Policies.RegistrationType.JointStock,
        ["个体工商户"] = Policies.RegistrationType.IndividualBusiness, ["个人独资企业"] = Policies.RegistrationType.SoleProprietorship,
        ["合伙企业"] = Policies.RegistrationType.Partnership, ["有限合伙企业"] = Policies.RegistrationType.Partnership,
        ["农民专业合作社"] = Policies.RegistrationType.Cooperative, ["外商投资企业"] = Policies.RegistrationType.ForeignInvested, ["其他"] = Policies.RegistrationType.Other,
    };

    public static EnterpriseSize? ParseSize(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : Sizes.TryGetValue(value.Trim(), out var s) ? s
        : Enum.TryParse<EnterpriseSize>(value.Trim(), true, out var e) && Enum.IsDefined(e) ? e : null;

    public static RegistrationType? ParseType(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : Types.TryGetValue(value.Trim(), out var t) ? t
        : Enum.TryParse<RegistrationType>(value.Trim(), true, out var e) && Enum.IsDefined(e) ? e : null;

    public IReadOnlyList<FieldError> Validate(Func<string, bool> isDistrict)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(CreditCode))
            errors.Add(new("creditCode", ErrorCodes.Required));
        else if (!UnifiedSocialCreditCode.IsValid(CreditCode.Trim().ToUpperInvariant()))
            errors.Add(new("creditCode", ErrorCodes.InvalidCreditCode));
        if (string.IsNullOrWhiteSpace(Name))
            errors.Add(new("name", ErrorCodes.Required));
        else if (Name.Length > 200)
            errors.Add(new("name", ErrorCodes.TooLong, 200));
        if (!string.IsNullOrWhiteSpace(Industry) && Gb4754.Parse(Industry) is null)
            errors.Add(new("industry", PolicyErrors.UnknownIndustry, Industry));
        if (!string.IsNullOrWhiteSpace(DistrictCode) && !isDistrict(DistrictCode.Trim()))
            errors.Add(new("districtCode", ErrorCodes.UnknownDistrict, DistrictCode));
        if (!string.IsNullOrWhiteSpace(Size) && ParseSize(Size) is null)
            errors.Add(new("size", PolicyErrors.UnknownSize, Size));
        if (!string.IsNullOrWhiteSpace(RegistrationType) && ParseType(RegistrationType) is null)
            errors.Add(new("registrationType", PolicyErrors.UnknownRegistrationType, RegistrationType));
        if (!string.IsNullOrWhiteSpace(Email) && (Email.Length > 254 || !TicketDraftValidator.IsEmail(Email.Trim())))
            errors.Add(new("email", ErrorCodes.InvalidEmail));
        if (!string.IsNullOrWhiteSpace(Phone) && !TicketDraftValidator.IsPhone(Phone.Trim()))
            errors.Add(new("phone", ErrorCodes.InvalidPhone));
        if (ContactPerson is { Length: > 50 })
            errors.Add(new("contactPerson", ErrorCodes.TooLong, 50));
        if (Tags.Count > 20)
            errors.Add(new("tags", ErrorCodes.TooMany, 20));
        return errors;
    }
}

public static class PolicyErrors
{
    public const string UnknownIndustry = "UnknownIndustry";
    public const string UnknownSize = "UnknownSize";
    public const string UnknownRegistrationType = "UnknownRegistrationType";
    public const string ImportFormat = "ImportFormat";
    public const string PushRunning = "PushRunning";
}
