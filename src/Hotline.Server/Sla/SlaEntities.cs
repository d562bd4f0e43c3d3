using Hotline.Domain.Tickets;

namespace Hotline.Server.Sla;

/// <summary>办理时限: the time limits for one ticket type and priority. The SLA engine computes deadlines from these.</summary>
public sealed class SlaPolicy
{
    public int Id { get; set; }
    public TicketType TicketType { get; set; }
    public Priority Priority { get; set; }
    /// <summary>Null for the type × priority default; a category (or parent category) code for a stricter or looser limit where needed.</summary>
    public string? CategoryCode { get; set; }
    /// <summary>Raise an automatic supervision order (自动督办) when the sign-for or handling deadline passes.</summary>
    public bool AutoSupervise { get; set; } = true;
    /// <summary>The second breach level: working days after the deadline until the leaders' queue; null uses Sla:EscalateAfterBreachWorkingDays.</summary>
    public int? EscalateAfterBreachWorkingDays { get; set; }
    public int SignForAmount { get; set; }
    public required string SignForUnit { get; set; }
    public int HandlingAmount { get; set; }
    public required string HandlingUnit { get; set; }
    public int ReplyToRequesterAmount { get; set; }
    public required string ReplyToRequesterUnit { get; set; }
    public int RevisitAmount { get; set; }
    public required string RevisitUnit { get; set; }
    public List<double> WarningThresholds { get; set; } = [];
    public string? Note { get; set; }
}

public enum CalendarDayKind
{
    /// <summary>法定节假日 (including the weekend days folded into it).</summary>
    Holiday,
    /// <summary>调休上班日: a weekend day that is worked.</summary>
    MakeupWorkday,
}

/// <summary>An exception to the Monday–Friday week in the official calendar (State Council notice).</summary>
public sealed class CalendarDay
{
    public DateOnly Date { get; set; }
    public CalendarDayKind Kind { get; set; }
    public required string Name { get; set; }
    public int Year { get; set; }
}
