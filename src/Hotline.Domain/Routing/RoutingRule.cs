using Hotline.Domain.Tickets;

namespace Hotline.Domain.Routing;

/// <summary>
/// 派单规则: when a ticket matches every criterion the rule names, propose its main department (主办) and co-handling
/// departments (协办). Criteria left empty match anything. Rules are data: seeded from seed/routing-rules.json and
/// edited by admins.
/// </summary>
public sealed record RoutingRule
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    /// <summary>Lower runs first and wins ties; an explicit order for overlapping rules.</summary>
    public int Priority { get; init; } = 100;
    public bool Enabled { get; init; } = true;

    /// <summary>Matches this category or any of its children.</summary>
    public string? CategoryCode { get; init; }
    public string? DistrictCode { get; init; }
    public TicketType? TicketType { get; init; }
    public RequesterKind? RequesterKind { get; init; }
    /// <summary>Any one of these in the title or description matches.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    public required string MainDepartmentCode { get; init; }
    public IReadOnlyList<string> CoHandlingDepartmentCodes { get; init; } = [];

    public IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(Code))
            errors.Add(new("code", ErrorCodes.Required));
        if (string.IsNullOrWhiteSpace(Name))
            errors.Add(new("name", ErrorCodes.Required));
        if (CategoryCode is not null && !codes.IsCategory(CategoryCode))
            errors.Add(new("categoryCode", ErrorCodes.UnknownCategory, CategoryCode));
        if (DistrictCode is not null && !codes.IsDistrict(DistrictCode))
            errors.Add(new("districtCode", ErrorCodes.UnknownDistrict, DistrictCode));
        if (string.IsNullOrWhiteSpace(MainDepartmentCode))
            errors.Add(new("mainDepartmentCode", ErrorCodes.Required));
        else if (!codes.IsDepartment(MainDepartmentCode))
            errors.Add(new("mainDepartmentCode", ErrorCodes.UnknownDepartment, MainDepartmentCode));
        for (var i = 0; i < CoHandlingDepartmentCodes.Count; i++)
        {
            if (!codes.IsDepartment(CoHandlingDepartmentCodes[i]))
                errors.Add(new($"coHandlingDepartmentCodes[{i}]", ErrorCodes.UnknownDepartment, CoHandlingDepartmentCodes[i]));
        }
        for (var i = 0; i < Keywords.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Keywords[i]))
                errors.Add(new($"keywords[{i}]", ErrorCodes.Required));
        }
        if (CategoryCode is null && DistrictCode is null && TicketType is null && RequesterKind is null && Keywords.Count == 0)
            errors.Add(new("categoryCode", "NoCriteria")); // a rule that matches everything would swallow every ticket
        return errors;
    }
}
