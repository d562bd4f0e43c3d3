using Hotline.Domain.Access;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

/// <summary>The people, reference codes and drafts the specifications talk about.</summary>
internal static class Given
{
    public const string MarketRegulation = "scjg"; // 市场监管局
    public const string HousingBureau = "zjj";     // 住建局

    public static readonly Actor Agent = new("u1", "王芳", Roles.Agent, null);
    public static readonly Actor Dispatcher = new("d1", "李强", Roles.Dispatcher, null);
    public static readonly Actor MarketHandler = new("h1", "张敏", Roles.DepartmentHandler, MarketRegulation);
    public static readonly Actor HousingHandler = new("h2", "赵磊", Roles.DepartmentHandler, HousingBureau);
    public static readonly Actor Supervisor = new("s1", "陈静", Roles.Supervisor, null);
    public static readonly Actor Leader = new("l1", "刘洋", Roles.Leader, null);
    public static readonly Actor Admin = new("a1", "周杰", Roles.Admin, null);
    /// <summary>诉求人, acting through the rating link or the self-service page.</summary>
    public static readonly Actor Requester = RatingRules.Requester();

    /// <summary>2026-11-22 09:00 China Standard Time.</summary>
    public static readonly DateTimeOffset Morning = new(2026, 11, 22, 9, 0, 0, TimeSpan.FromHours(8));

    public static readonly IReferenceCodes Codes = new FakeReferenceCodes(
        categories: ["food-safety", "housing"],
        districts: ["320402", "320404"],
        departments: [MarketRegulation, HousingBureau]);

    public static Requester Citizen() => new()
    {
        Kind = RequesterKind.Citizen,
        Name = "张三丰",
        Phone = "13812345678",
        Email = "zhang@example.com",
    };

    public static Requester Enterprise() => new()
    {
        Kind = RequesterKind.Enterprise,
        Name = "小米科技有限责任公司",
        Phone = "0519-86001234",
        CreditCode = "91110108551385082Q",
        ContactPerson = "林斌",
        Email = "contact@example.com",
    };

    public static TicketDraft Draft() => new()
    {
        Type = TicketType.Complaint,
        Channel = Channel.Phone,
        Priority = Priority.Normal,
        Requester = Citizen(),
        Title = "超市出售过期牛奶",
        Description = "11月21日在某超市购买的牛奶已过保质期，要求处理。",
        CategoryCode = "food-safety",
        DistrictCode = "320402",
        Address = "常州市天宁区某路1号",
        Tags = ["食品", "过期"],
    };
}

internal sealed class FakeReferenceCodes(
    IReadOnlyCollection<string> categories,
    IReadOnlyCollection<string> districts,
    IReadOnlyCollection<string> departments) : IReferenceCodes
{
    public bool IsCategory(string code) => categories.Contains(code);
    public bool IsDistrict(string code) => districts.Contains(code);
    public bool IsDepartment(string code) => departments.Contains(code);
}
