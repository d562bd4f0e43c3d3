using System.Text.RegularExpressions;

namespace Hotline.Domain.Tickets;

/// <summary>The codes a draft may refer to; the server fills it from the seeded reference data.</summary>
public interface IReferenceCodes
{
    bool IsCategory(string code);
    bool IsDistrict(string code);
    bool IsDepartment(string code);

    /// <summary>Whether the department runs an enterprise-service desk (企业服务专席).</summary>
    bool HasEnterpriseDesk(string departmentCode) => false;
}

public static partial class TicketDraftValidator
{
    public const int MaxTitle = 100;
    public const int MaxDescription = 4000;
    public const int MaxName = 100;
    public const int MaxAddress = 200;
    public const int MaxTags = 10;
    public const int MaxTag = 20;

    public static IReadOnlyList<FieldError> Validate(TicketDraft draft, IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        Text(errors, "title", draft.Title, MaxTitle, required: true);
        Text(errors, "description", draft.Description, MaxDescription, required: true);
        Text(errors, "address", draft.Address, MaxAddress, required: false);

        if (string.IsNullOrWhiteSpace(draft.CategoryCode))
            errors.Add(new("categoryCode", ErrorCodes.Required));
        else if (!codes.IsCategory(draft.CategoryCode))
            errors.Add(new("categoryCode", ErrorCodes.UnknownCategory, draft.CategoryCode));

        if (!string.IsNullOrEmpty(draft.DistrictCode) && !codes.IsDistrict(draft.DistrictCode))
            errors.Add(new("districtCode", ErrorCodes.UnknownDistrict, draft.DistrictCode));

        if (draft.Tags.Count > MaxTags)
            errors.Add(new("tags", ErrorCodes.TooMany, MaxTags));
        for (var i = 0; i < draft.Tags.Count; i++)
            Text(errors, $"tags[{i}]", draft.Tags[i], MaxTag, required: true);

        ValidateRequester(errors, draft.Requester);
        return errors;
    }

    private static void ValidateRequester(List<FieldError> errors, Requester r)
    {
        Text(errors, "requester.name", r.Name, MaxName, required: true);
        if (string.IsNullOrWhiteSpace(r.Phone))
            errors.Add(new("requester.phone", ErrorCodes.Required));
        else if (!IsPhone(r.Phone))
            errors.Add(new("requester.phone", ErrorCodes.InvalidPhone));
        if (!string.IsNullOrEmpty(r.Email) && (!EmailPattern().IsMatch(r.Email) || !TextRules.IsClean(r.Email) || r.Email.Length > MaxName))
            errors.Add(new("requester.email", ErrorCodes.InvalidEmail));

        if (r.Kind == RequesterKind.Enterprise)
        {
            if (string.IsNullOrWhiteSpace(r.CreditCode))
                errors.Add(new("requester.creditCode", ErrorCodes.Required));
            else if (!UnifiedSocialCreditCode.IsValid(r.CreditCode))
                errors.Add(new("requester.creditCode", ErrorCodes.InvalidCreditCode));
            Text(errors, "requester.contactPerson", r.ContactPerson, MaxName, required: true);
        }
        else if (!string.IsNullOrEmpty(r.CreditCode))
        {
            errors.Add(new("requester.creditCode", ErrorCodes.NotAllowedForCitizen));
        }
    }

    /// <summary>Mainland mobile (11 digits from 13–19) or a landline with area code (0519-86001234).</summary>
    public static bool IsPhone(string phone) => PhonePattern().IsMatch(phone);

    public static bool IsEmail(string email) => EmailPattern().IsMatch(email);

    private static void Text(List<FieldError> errors, string field, string? value, int max, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
                errors.Add(new(field, ErrorCodes.Required));
        }
        else if (TextRules.Check(field, value, max) is { } error)
        {
            errors.Add(error);
        }
    }

    // [0-9] not \d (which takes full-width digits) and \z not $ (which allows a trailing newline).
    [GeneratedRegex(@"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})\z")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+\z")]
    private static partial Regex EmailPattern();
}
