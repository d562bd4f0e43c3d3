using Hotline.Domain.Tickets;

namespace Hotline.Domain.Analytics;

/// <summary>
/// 考核方案: how the centre scores departments, as data. Versioned by the first day it applies from; the scheme in
/// force for a period is the latest one starting on or before the period's first day. Admins edit it; the default is
/// what many centres publish: 响应率 30 %, 解决率 35 %, 满意率 35 %, 基本满意 counted at 0.8.
/// </summary>
public sealed record AssessmentScheme
{
    /// <summary>The first local day this version applies to.</summary>
    public DateOnly ValidFrom { get; init; } = new(2000, 1, 1);

    public string Name { get; init; } = "默认考核方案";

    /// <summary>Weight of each rating level in 满意率 (0 to 1). 满意 and 非常满意 are 1, 基本满意 is k, 不满意 0.</summary>
    public IReadOnlyDictionary<RatingLevel, double> LevelWeights { get; init; } = new Dictionary<RatingLevel, double>
    {
        [RatingLevel.VerySatisfied] = 1.0,
        [RatingLevel.Satisfied] = 1.0,
        [RatingLevel.BasicallySatisfied] = 0.8,
        [RatingLevel.Dissatisfied] = 0.0,
        [RatingLevel.VeryDissatisfied] = 0.0,
    };

    /// <summary>Weights of the composite score (综合得分), in points out of their sum (default 30 / 35 / 35).</summary>
    public double ResponseWeight { get; init; } = 30;
    public double ResolutionWeight { get; init; } = 35;
    public double SatisfactionWeight { get; init; } = 35;

    /// <summary>重复投诉: the same requester and category again within this many days.</summary>
    public int RepeatWindowDays { get; init; } = 30;

    public static AssessmentScheme Default { get; } = new();

    public double WeightOf(RatingLevel level) => LevelWeights.TryGetValue(level, out var w) ? w : 0;

    /// <summary>Field errors of an edited scheme (weights in range, at least one composite weight).</summary>
    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (Days.Check("validFrom", ValidFrom) is { } outOfRange) // a first day in 9999 would never take effect
            errors.Add(outOfRange);
        foreach (var level in Enum.GetValues<RatingLevel>())
        {
            if (!LevelWeights.TryGetValue(level, out var w))
                errors.Add(new($"levelWeights.{level}", ErrorCodes.Required));
            else if (w is < 0 or > 1 || double.IsNaN(w))
                errors.Add(new($"levelWeights.{level}", "OutOfRange", 0, 1));
        }
        foreach (var (field, value) in new[] { ("responseWeight", ResponseWeight), ("resolutionWeight", ResolutionWeight), ("satisfactionWeight", SatisfactionWeight) })
        {
            if (value is < 0 or > 100 || double.IsNaN(value))
                errors.Add(new(field, "OutOfRange", 0, 100));
        }
        if (ResponseWeight + ResolutionWeight + SatisfactionWeight <= 0)
            errors.Add(new("responseWeight", "OutOfRange", 0, 100));
        if (RepeatWindowDays is < 1 or > 365)
            errors.Add(new("repeatWindowDays", "OutOfRange", 1, 365));
        if (string.IsNullOrWhiteSpace(Name))
            errors.Add(new("name", ErrorCodes.Required));
        return errors;
    }

    /// <summary>The version in force on <paramref name="day"/>: the latest starting on or before it (the default before any).</summary>
    public static AssessmentScheme InForce(IEnumerable<AssessmentScheme> versions, DateOnly day) =>
        versions.Where(v => v.ValidFrom <= day).OrderByDescending(v => v.ValidFrom).FirstOrDefault() ?? Default;
}
