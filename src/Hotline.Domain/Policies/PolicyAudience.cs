namespace Hotline.Domain.Policies;

/// <summary>企业规模 (划型), as the statistics bureau classifies enterprises.</summary>
public enum EnterpriseSize
{
    /// <summary>微型</summary>
    Micro,
    /// <summary>小型</summary>
    Small,
    /// <summary>中型</summary>
    Medium,
    /// <summary>大型</summary>
    Large,
}

/// <summary>登记注册类型: the legal form on the business licence.</summary>
public enum RegistrationType
{
    /// <summary>有限责任公司</summary>
    LimitedLiability,
    /// <summary>股份有限公司</summary>
    JointStock,
    /// <summary>个体工商户</summary>
    IndividualBusiness,
    /// <summary>个人独资企业</summary>
    SoleProprietorship,
    /// <summary>合伙企业</summary>
    Partnership,
    /// <summary>农民专业合作社</summary>
    Cooperative,
    /// <summary>外商投资企业</summary>
    ForeignInvested,
    /// <summary>其他</summary>
    Other,
}

/// <summary>国民经济行业分类 (GB/T 4754-2017): the 20 sections (门类), A to T.</summary>
public static class Gb4754
{
    public static readonly IReadOnlyDictionary<string, string> Sections = new Dictionary<string, string>
    {
        ["A"] = "农、林、牧、渔业",
        ["B"] = "采矿业",
        ["C"] = "制造业",
        ["D"] = "电力、热力、燃气及水生产和供应业",
        ["E"] = "建筑业",
        ["F"] = "批发和零售业",
        ["G"] = "交通运输、仓储和邮政业",
        ["H"] = "住宿和餐饮业",
        ["I"] = "信息传输、软件和信息技术服务业",
        ["J"] = "金融业",
        ["K"] = "房地产业",
        ["L"] = "租赁和商务服务业",
        ["M"] = "科学研究和技术服务业",
        ["N"] = "水利、环境和公共设施管理业",
        ["O"] = "居民服务、修理和其他服务业",
        ["P"] = "教育",
        ["Q"] = "卫生和社会工作",
        ["R"] = "文化、体育和娱乐业",
        ["S"] = "公共管理、社会保障和社会组织",
        ["T"] = "国际组织",
    };

    public static bool IsSection(string? code) => code is { Length: 1 } && Sections.ContainsKey(code);

    /// <summary>A section letter from what an import file holds: the letter, or the section's name.</summary>
    public static string? Parse(string? value)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v))
            return null;
        if (v.Length == 1 && Sections.ContainsKey(v.ToUpperInvariant()))
            return v.ToUpperInvariant();
        return Sections.FirstOrDefault(s => s.Value == v).Key;
    }
}

/// <summary>Who a policy is for (政策适用对象). An empty list means "any"; a non-empty one must contain the enterprise's value.</summary>
public sealed record PolicyAudience
{
    public IReadOnlyList<string> Industries { get; init; } = [];
    public IReadOnlyList<string> DistrictCodes { get; init; } = [];
    public IReadOnlyList<EnterpriseSize> Sizes { get; init; } = [];
    public IReadOnlyList<RegistrationType> RegistrationTypes { get; init; } = [];
    /// <summary>Any one shared tag is enough (高新技术企业, 外贸, 专精特新 …).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}

/// <summary>What the enterprise library knows about one enterprise, for matching.</summary>
public sealed record EnterpriseProfile(
    string CreditCode, string? Industry, string? DistrictCode, EnterpriseSize? Size, RegistrationType? RegistrationType,
    IReadOnlyList<string> Tags, string? Email, bool Subscribed, bool Bounced);

/// <summary>政策精准推送: which enterprises a policy concerns, and which of those may be emailed.</summary>
public static class PolicyMatching
{
    /// <summary>Whether the policy concerns the enterprise. An enterprise whose value is unknown does not match a criterion that is set.</summary>
    public static bool Matches(PolicyAudience audience, EnterpriseProfile e) =>
        (audience.Industries.Count == 0 || (e.Industry is not null && audience.Industries.Contains(e.Industry)))
        && (audience.DistrictCodes.Count == 0 || (e.DistrictCode is not null && audience.DistrictCodes.Contains(e.DistrictCode)))
        && (audience.Sizes.Count == 0 || (e.Size is { } size && audience.Sizes.Contains(size)))
        && (audience.RegistrationTypes.Count == 0 || (e.RegistrationType is { } type && audience.RegistrationTypes.Contains(type)))
        && (audience.Tags.Count == 0 || e.Tags.Any(t => audience.Tags.Contains(t)));

    /// <summary>Whether a push may email it: subscribed (not 退订), with an address that has not bounced.</summary>
    public static bool CanEmail(EnterpriseProfile e) => e.Subscribed && !e.Bounced && !string.IsNullOrWhiteSpace(e.Email);
}
