using Hotline.Domain.Routing;
using Hotline.Domain.Tickets;

namespace Hotline.Server.Routing;

/// <summary>How a <see cref="RoutingRule"/> is stored (routing_rules).</summary>
public sealed class RoutingRuleRow
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public int Priority { get; set; }
    public bool Enabled { get; set; } = true;
    public string? CategoryCode { get; set; }
    public string? DistrictCode { get; set; }
    public TicketType? TicketType { get; set; }
    public RequesterKind? RequesterKind { get; set; }
    public List<string> Keywords { get; set; } = [];
    public required string MainDepartmentCode { get; set; }
    public List<string> CoHandlingDepartmentCodes { get; set; } = [];

    public RoutingRule ToRule() => new()
    {
        Code = Code, Name = Name, Priority = Priority, Enabled = Enabled, CategoryCode = CategoryCode, DistrictCode = DistrictCode,
        TicketType = TicketType, RequesterKind = RequesterKind, Keywords = [.. Keywords], MainDepartmentCode = MainDepartmentCode,
        CoHandlingDepartmentCodes = [.. CoHandlingDepartmentCodes],
    };

    public void CopyFrom(RoutingRule rule)
    {
        Name = rule.Name;
        Priority = rule.Priority;
        Enabled = rule.Enabled;
        CategoryCode = rule.CategoryCode;
        DistrictCode = rule.DistrictCode;
        TicketType = rule.TicketType;
        RequesterKind = rule.RequesterKind;
        Keywords = [.. rule.Keywords];
        MainDepartmentCode = rule.MainDepartmentCode;
        CoHandlingDepartmentCodes = [.. rule.CoHandlingDepartmentCodes];
    }

    public static RoutingRuleRow From(RoutingRule rule)
    {
        var row = new RoutingRuleRow { Code = rule.Code, Name = rule.Name, MainDepartmentCode = rule.MainDepartmentCode };
        row.CopyFrom(rule);
        return row;
    }
}
