using Hotline.Domain.Tickets;

namespace Hotline.Server.Ratings;

/// <summary>
/// One rating (评价) of one round of a ticket, kept beside the ticket's events in the same transaction so that scores per
/// department and period are plain SQL. The <c>rated</c> event stays the authoritative record; this row also carries
/// the appeal (申诉) and its decision.
/// </summary>
public sealed class RatingRow
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    /// <summary>For a ticket saved in the same unit of work as its rating (demo data): EF fills <see cref="TicketId"/>.</summary>
    public Ticket? Ticket { get; set; }
    public string TicketNumber { get; set; } = "";
    /// <summary>The ticket's reopen count when rated: one rating per round.</summary>
    public int Round { get; set; }
    public RatingLevel Level { get; set; }
    public bool Resolved { get; set; }
    public string? Comment { get; set; }
    public RatingChannel Channel { get; set; }
    /// <summary>The department whose answer was rated (null for an answer at intake).</summary>
    public string? DepartmentCode { get; set; }
    public DateTimeOffset RatedAt { get; set; }
    public string RatedBy { get; set; } = "";

    public AppealState? Appeal { get; set; }
    public string? AppealReason { get; set; }
    public DateTimeOffset? AppealedAt { get; set; }
    public string? AppealDecisionComment { get; set; }
    public DateTimeOffset? AppealDecidedAt { get; set; }

    /// <summary>An upheld appeal keeps the rating on record but out of the department's score.</summary>
    public bool CountsInScore => Appeal != AppealState.Upheld;
}
