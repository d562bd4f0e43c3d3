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

    /// <summary>The fine day rollup this row adds to (its dimensions without the ticket); <see cref="RollupKey.Rows"/> gives all of them.</summary>
    public RollupKey Key => RollupKey.Fine(Day, Part, DepartmentCode, CategoryCode, DistrictCode, Type, Channel, RequesterKind);

    /// <summary>Same ticket, part and department, same values.</summary>
    public bool SameAs(TicketFact other) =>
        TicketId == other.TicketId && TicketNumber == other.TicketNumber && Key == other.Key && CreditCode == other.CreditCode
        && RequesterKey == other.RequesterKey && Exclusion == other.Exclusion && ReturnReason == other.ReturnReason && Level == other.Level
        && Measures.Equals(other.Measures);

    public override string ToString() => $"{TicketNumber} {Part} {DepartmentCode} {Day:yyyy-MM-dd} [{Measures}]";
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
