namespace Hotline.Server.Reference;

/// <summary>承办单位: a responsible unit with its 12345 contact point and, optionally, an enterprise-service desk (企业服务专席).</summary>
public sealed class Department
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    /// <summary>Government, PublicService, Judicial or District.</summary>
    public required string Kind { get; set; }
    public string? HotlinePhone { get; set; }
    public bool HasEnterpriseDesk { get; set; }
    /// <summary>The department's own working hours for its clocks, e.g. "08:30-12:00,14:00-17:30"; null means the standard hours.</summary>
    public string? WorkingHours { get; set; }
    /// <summary>The department head (负责人) who is emailed when the department misses a deadline (超时通报).</summary>
    public string? HeadName { get; set; }
    public string? HeadEmail { get; set; }
}

/// <summary>诉求分类: a node of the category tree, mapped to the department that answers it by default.</summary>
public sealed class Category
{
    public required string Code { get; set; }
    public string? ParentCode { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    /// <summary>Pinyin initials for the agent's category search (企业开办 → qykb).</summary>
    public required string Pinyin { get; set; }
    public required string DepartmentCode { get; set; }
    public int SortOrder { get; set; }
}

/// <summary>行政区划: a district of the city, answered by its district government.</summary>
public sealed class District
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    public required string Pinyin { get; set; }
    public required string DepartmentCode { get; set; }
}
