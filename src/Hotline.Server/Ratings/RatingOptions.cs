using System.ComponentModel.DataAnnotations;
using Hotline.Domain.Tickets;

namespace Hotline.Server.Ratings;

/// <summary><c>Ratings:*</c>: the rating scale (好差评), the rectification limit and the public pages' rate limit.</summary>
public sealed class RatingOptions
{
    public const string Section = "Ratings";

    /// <summary><c>Three</c> (满意/基本满意/不满意, the default of many 12345 centres) or <c>Five</c> (the national scale).</summary>
    [EnumDataType(typeof(RatingScale))]
    public RatingScale Scale { get; set; } = RatingScale.Three;

    /// <summary>Rounds of rectification (整改) after which another unsatisfied rating goes to the leaders' queue.</summary>
    [Range(0, 10)]
    public int MaxRectificationRounds { get; set; } = WorkflowPolicy.Default.MaxRectificationRounds;

    /// <summary>Requests per minute and client IP address to the public pages (<c>/rate</c>, <c>/track</c>).</summary>
    [Range(1, 10_000)]
    public int PublicRequestsPerMinute { get; set; } = 30;

    public WorkflowPolicy Apply(WorkflowPolicy policy) => policy with { RatingScale = Scale, MaxRectificationRounds = MaxRectificationRounds };
}
