using Hotline.Domain.Tickets;

namespace Hotline.Domain.Analytics;

/// <summary>Whose row a <see cref="TicketFact"/> is.</summary>
public enum FactPart
{
    /// <summary>The centre's row: one per ticket, with what concerns the ticket as a whole.</summary>
    Centre,
    /// <summary>A department that was main department (主办) of the ticket at some point.</summary>
    Main,
    /// <summary>A co-handling department (协办).</summary>
    CoHandling,
}

/// <summary>Why a ticket or a rating does not count (考核排除), shown to departments with the ticket.</summary>
public static class Exclusions
{
    /// <summary>重复件: counted once, with its master.</summary>
    public const string Duplicate = "Duplicate";
    /// <summary>撤件: withdrawn by the requester.</summary>
    public const string Withdrawn = "Withdrawn";
    /// <summary>申诉成立: the rating was overturned on appeal.</summary>
    public const string AppealUpheld = "AppealUpheld";

    public static IReadOnlyList<string> All { get; } = [Duplicate, Withdrawn, AppealUpheld];
}

/// <summary>
/// One ticket's part in the figures (分析事实): the centre's row, one row per department that was main department,
/// one per co-handling department. The dimensions come from the registration and the department; the counters say
/// what counts for whom. Rows are rebuilt from the ticket's events (<see cref="TicketFacts.Build"/>), so they can always
/// be recomputed, and rollups are sums of them.
/// </summary>
public sealed class TicketFact : IFactDimensions
{
    public long TicketId { get; set; }
    public string TicketNumber { get; set; } = "";
    public FactPart Part { get; set; }
    /// <summary>The department of a main or co-handling row; empty on the centre row.</summary>
    public string DepartmentCode { get; set; } = "";
    /// <summary>The local day the ticket was registered: a ticket counts in the period it was received in.</summary>
    public DateOnly Day { get; set; }
    public string CategoryCode { get; set; } = "";
    /// <summary>Empty when the ticket has no district.</summary>
    public string DistrictCode { get; set; } = "";
    public TicketType Type { get; set; }
    public Channel Channel { get; set; }
    public RequesterKind RequesterKind { get; set; }
    /// <summary>统一社会信用代码 of an enterprise requester (企业画像).</summary>
    public string? CreditCode { get; set; }
    /// <summary>Who asked: the credit code of an enterprise, the phone of a citizen (repeat complaints).</summary>
    public string RequesterKey { get; set; } = "";
    /// <summary>Why the ticket (or its rating) does not count: <see cref="Exclusions"/>.</summary>
    public string? Exclusion { get; set; }
    /// <summary>The department's latest return reason (退单原因).</summary>
    public ReturnReason? ReturnReason { get; set; }
    /// <summary>The counted rating's level.</summary>
    public RatingLevel? Level { get; set; }
    public FactMeasures Measures { get; set; } = new();

    /// <summary>The rollup this row adds to: its dimensions without the ticket.</summary>
    public RollupKey Key => new(Day, Part, DepartmentCode, CategoryCode, DistrictCode, Type, Channel, RequesterKind);

    /// <summary>Same ticket, part and department, same values.</summary>
    public bool SameAs(TicketFact other) =>
        TicketId == other.TicketId && TicketNumber == other.TicketNumber && Key == other.Key && CreditCode == other.CreditCode
        && RequesterKey == other.RequesterKey && Exclusion == other.Exclusion && ReturnReason == other.ReturnReason && Level == other.Level
        && Measures.Equals(other.Measures);

    public override string ToString() => $"{TicketNumber} {Part} {DepartmentCode} {Day:yyyy-MM-dd} [{Measures}]";
}

/// <summary>
/// The dimensions of a rollup row (日汇总): day × part × department × category × district × type × channel × requester
/// kind. A <see cref="Coarse"/> key keeps only day × part × department (the other dimensions at their defaults): the
/// rows a dashboard without those filters reads, a fraction of the fine ones.
/// </summary>
public sealed record RollupKey(DateOnly Day, FactPart Part, string DepartmentCode, string CategoryCode, string DistrictCode, TicketType Type, Channel Channel, RequesterKind RequesterKind, bool Coarse = false)
{
    /// <summary>One string for a unique index and IN-list lookups.</summary>
    public string Text => string.Join('|', Coarse ? "C" : "F", Day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), Part, DepartmentCode, CategoryCode, DistrictCode, Type, Channel, RequesterKind);

    /// <summary>The coarse key this fine key adds to.</summary>
    public RollupKey ToCoarse() => new(Day, Part, DepartmentCode, "", "", default, default, default, Coarse: true);
}

/// <summary>What fact rows and rollup rows share: the dimensions figures are filtered by, and the counters.</summary>
public interface IFactDimensions
{
    DateOnly Day { get; }
    FactPart Part { get; }
    string DepartmentCode { get; }
    string CategoryCode { get; }
    string DistrictCode { get; }
    TicketType Type { get; }
    Channel Channel { get; }
    RequesterKind RequesterKind { get; }
    FactMeasures Measures { get; }
}
