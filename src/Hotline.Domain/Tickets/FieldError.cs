namespace Hotline.Domain.Tickets;

/// <summary>
/// One reason a request is refused, named by its JSON field path (e.g. "requester.creditCode") and a stable code.
/// The server turns the code into a localized message; the domain never formats text for people.
/// </summary>
public sealed record FieldError(string Field, string Code, params object[] Arguments);

public static class ErrorCodes
{
    public const string Required = "Required";
    public const string TooLong = "TooLong";
    public const string InvalidCreditCode = "InvalidCreditCode";
    public const string InvalidPhone = "InvalidPhone";
    public const string InvalidEmail = "InvalidEmail";
    public const string UnknownCategory = "UnknownCategory";
    public const string UnknownDistrict = "UnknownDistrict";
    public const string UnknownDepartment = "UnknownDepartment";
    public const string NotAllowedForCitizen = "NotAllowedForCitizen";
    public const string TooMany = "TooMany";
    public const string NoEnterpriseDesk = "NoEnterpriseDesk";
    public const string DuplicateDepartment = "DuplicateDepartment";
    public const string InvalidTicketNumber = "InvalidTicketNumber";
    public const string ForbiddenCharacter = "ForbiddenCharacter";
    public const string OutOfRange = "OutOfRange";
    public const string DayOutOfRange = "DayOutOfRange";
}
