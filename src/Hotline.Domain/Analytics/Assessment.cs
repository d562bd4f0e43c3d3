namespace Hotline.Domain.Analytics;

/// <summary>Centre-wide figures or one department's.</summary>
public enum FigureScope
{
    Centre,
    Department,
}

/// <summary>
/// One figure of the assessment: a count, a rate (numerator ÷ denominator) or an average, defined by the counters of
/// <see cref="FactMeasures"/> it reads. <see cref="ListCounter"/> is the counter whose rows are the tickets behind the
/// figure (a rate's denominator), so the number shown and the list it links to are one definition.
/// </summary>
public sealed record FigureDefinition(string Key, FigureKind Kind, string? Numerator, string ListCounter)
{
    /// <summary>The denominator of a rate or an average (the list's counter).</summary>
    public string Denominator => ListCounter;
}

public enum FigureKind
{
    Count,
    Rate,
    /// <summary>满意率: weighted by the scheme's level weights.</summary>
    WeightedRate,
    /// <summary>Working hours per answered ticket.</summary>
    AverageHours,
    /// <summary>综合得分: Σ weight × rate, out of 100.</summary>
    Composite,
}

/// <summary>A computed figure.</summary>
/// <param name="Value">The rate (0 to 1), the count, the hours or the score; null when there is nothing to divide by.</param>
/// <param name="Numerator">What was counted on top (for a weighted rate: the weighted sum, rounded to 2 decimals).</param>
/// <param name="Denominator">How many tickets the figure is about: the length of its list.</param>
public sealed record Figure(string Key, FigureKind Kind, double? Value, double Numerator, long Denominator);

/// <summary>
/// The assessment's formulas (考核公式) over summed counters. Each function is the documented formula and nothing else;
/// docs/analytics.md states the same in words.
/// </summary>
public static class Assessment
{
    /// <summary>A pseudo-counter: 不满意 + 非常不满意 (the rows with either).</summary>
    public const string Unsatisfied = "Unsatisfied";

    private static readonly IReadOnlyList<FigureDefinition> Shared =
    [
        new("ResponseRate", FigureKind.Rate, nameof(FactMeasures.SignedOnTime), nameof(FactMeasures.ResponseSettled)),
        new("ResolutionRate", FigureKind.Rate, nameof(FactMeasures.Resolved), nameof(FactMeasures.Rated)),
        new("SatisfactionRate", FigureKind.WeightedRate, null, nameof(FactMeasures.Rated)),
        new("CompositeScore", FigureKind.Composite, null, nameof(FactMeasures.Rated)),
        new("OnTimeSignForRate", FigureKind.Rate, nameof(FactMeasures.RespondedOnTime), nameof(FactMeasures.ResponseSettled)),
        new("OnTimeHandlingRate", FigureKind.Rate, nameof(FactMeasures.RepliedOnTime), nameof(FactMeasures.HandlingSettled)),
        new("AverageHandlingHours", FigureKind.AverageHours, nameof(FactMeasures.HandlingMinutes), nameof(FactMeasures.Replied)),
        new("Rated", FigureKind.Count, null, nameof(FactMeasures.Rated)),
        new("Unsatisfied", FigureKind.Count, null, Unsatisfied),
        new("AppealUpheld", FigureKind.Count, null, nameof(FactMeasures.AppealUpheld)),
        new("Replied", FigureKind.Count, null, nameof(FactMeasures.Replied)),
        new("Rectified", FigureKind.Count, null, nameof(FactMeasures.Rectified)),
    ];

    /// <summary>The figures of a scope, in display order.</summary>
    public static IReadOnlyList<FigureDefinition> Definitions(FigureScope scope) => scope == FigureScope.Centre
        ?
        [
            new("Volume", FigureKind.Count, null, nameof(FactMeasures.Registered)),
            .. Shared,
            new("ResolvedAtIntake", FigureKind.Count, null, nameof(FactMeasures.ResolvedAtIntake)),
            new("ReturnRate", FigureKind.Rate, nameof(FactMeasures.Returned), nameof(FactMeasures.Tickets)),
            new("ExtensionRate", FigureKind.Rate, nameof(FactMeasures.Extended), nameof(FactMeasures.Tickets)),
            new("ReopenRate", FigureKind.Rate, nameof(FactMeasures.Reopened), nameof(FactMeasures.Replied)),
            new("RepeatRate", FigureKind.Rate, nameof(FactMeasures.Repeat), nameof(FactMeasures.Registered)),
            new("Open", FigureKind.Count, null, nameof(FactMeasures.Unfinished)),
            new("Overdue", FigureKind.Count, null, nameof(FactMeasures.UnfinishedOverdue)),
            new("Excluded", FigureKind.Count, null, nameof(FactMeasures.Excluded)),
        ]
        :
        [
            new("Volume", FigureKind.Count, null, nameof(FactMeasures.Tickets)),
            .. Shared,
            new("ReturnRate", FigureKind.Rate, nameof(FactMeasures.Returned), nameof(FactMeasures.Tickets)),
            new("ExtensionRate", FigureKind.Rate, nameof(FactMeasures.Extended), nameof(FactMeasures.Tickets)),
            new("ReopenRate", FigureKind.Rate, nameof(FactMeasures.Reopened), nameof(FactMeasures.Replied)),
            new("RepeatRate", FigureKind.Rate, nameof(FactMeasures.RepeatHandled), nameof(FactMeasures.Tickets)),
            new("Open", FigureKind.Count, null, nameof(FactMeasures.Open)),
            new("Overdue", FigureKind.Count, null, nameof(FactMeasures.Overdue)),
            new("Excluded", FigureKind.Count, null, nameof(FactMeasures.ExcludedHandled)),
            new("CoHandled", FigureKind.Count, null, nameof(FactMeasures.CoHandled)),
            new("Contributed", FigureKind.Count, null, nameof(FactMeasures.Contributed)),
        ];

    public static FigureDefinition? Definition(FigureScope scope, string key) => Definitions(scope).FirstOrDefault(d => d.Key == key);

    /// <summary>The value of a counter or pseudo-counter in summed measures.</summary>
    public static long Count(FactMeasures m, string counter) =>
        counter == Unsatisfied ? m.Dissatisfied + m.VeryDissatisfied : m.Get(counter);

    /// <summary>Every figure of a scope from summed counters.</summary>
    public static IReadOnlyList<Figure> Compute(FactMeasures m, FigureScope scope, AssessmentScheme scheme) =>
        Definitions(scope).Select(d => Compute(d, m, scheme)).ToList();

    public static Figure Compute(FigureDefinition d, FactMeasures m, AssessmentScheme scheme)
    {
        var denominator = Count(m, d.ListCounter);
        switch (d.Kind)
        {
            case FigureKind.Count:
                return new(d.Key, d.Kind, denominator, denominator, denominator);
            case FigureKind.Rate:
                var numerator = Count(m, d.Numerator!);
                return new(d.Key, d.Kind, Ratio(numerator, denominator), numerator, denominator);
            case FigureKind.WeightedRate:
                var weighted = WeightedSatisfied(m, scheme);
                return new(d.Key, d.Kind, Ratio(weighted, denominator), Math.Round(weighted, 2), denominator);
            case FigureKind.AverageHours:
                var minutes = Count(m, d.Numerator!);
                return new(d.Key, d.Kind, denominator == 0 ? null : Math.Round(minutes / 60.0 / denominator, 1), minutes, denominator);
            default:
                var score = CompositeScore(m, scheme);
                return new(d.Key, d.Kind, score, score ?? 0, denominator);
        }
    }

    /// <summary>响应率 = signed for within the limit ÷ dispatched tickets whose response is settled.</summary>
    public static double? ResponseRate(FactMeasures m) => Ratio(m.SignedOnTime, m.ResponseSettled);

    /// <summary>解决率 = rated tickets whose requester says 已解决 ÷ rated tickets (upheld appeals left out).</summary>
    public static double? ResolutionRate(FactMeasures m) => Ratio(m.Resolved, m.Rated);

    /// <summary>满意率 = Σ weight(level) × ratings ÷ counted ratings; by default (满意 + 非常满意 + 0.8 × 基本满意) ÷ ratings.</summary>
    public static double? SatisfactionRate(FactMeasures m, AssessmentScheme scheme) => Ratio(WeightedSatisfied(m, scheme), m.Rated);

    public static double WeightedSatisfied(FactMeasures m, AssessmentScheme scheme) =>
        m.VerySatisfied * scheme.WeightOf(Tickets.RatingLevel.VerySatisfied)
        + m.Satisfied * scheme.WeightOf(Tickets.RatingLevel.Satisfied)
        + m.BasicallySatisfied * scheme.WeightOf(Tickets.RatingLevel.BasicallySatisfied)
        + m.Dissatisfied * scheme.WeightOf(Tickets.RatingLevel.Dissatisfied)
        + m.VeryDissatisfied * scheme.WeightOf(Tickets.RatingLevel.VeryDissatisfied);

    /// <summary>
    /// 综合得分 = Σ weight × rate over 响应率, 解决率 and 满意率, scaled to 100. A rate with nothing to divide by is left
    /// out and the other weights scaled up, so a department is not punished for having no ratings yet; null when all are.
    /// </summary>
    public static double? CompositeScore(FactMeasures m, AssessmentScheme scheme)
    {
        var parts = new[]
        {
            (Rate: ResponseRate(m), Weight: scheme.ResponseWeight),
            (Rate: ResolutionRate(m), Weight: scheme.ResolutionWeight),
            (Rate: SatisfactionRate(m, scheme), Weight: scheme.SatisfactionWeight),
        }.Where(p => p.Rate is not null && p.Weight > 0).ToList();
        var weights = parts.Sum(p => p.Weight);
        return weights <= 0 ? null : Math.Round(100 * parts.Sum(p => p.Rate!.Value * p.Weight) / weights, 2);
    }

    /// <summary>排名: departments by composite score (highest first), then satisfaction, then volume, then code.</summary>
    public static IReadOnlyList<(string Department, int Rank, double? Score)> Rank(IEnumerable<(string Department, FactMeasures Measures)> departments, AssessmentScheme scheme)
    {
        var ordered = departments
            .Select(d => (d.Department, d.Measures, Score: CompositeScore(d.Measures, scheme), Satisfaction: SatisfactionRate(d.Measures, scheme)))
            .OrderByDescending(d => d.Score ?? -1).ThenByDescending(d => d.Satisfaction ?? -1).ThenByDescending(d => d.Measures.Tickets)
            .ThenBy(d => d.Department, StringComparer.Ordinal)
            .ToList();
        var ranked = new List<(string, int, double?)>();
        for (var i = 0; i < ordered.Count; i++)
        {
            // Equal scores share a rank (1, 2, 2, 4).
            var rank = i > 0 && ordered[i].Score == ordered[i - 1].Score ? ranked[i - 1].Item2 : i + 1;
            ranked.Add((ordered[i].Department, rank, ordered[i].Score));
        }
        return ranked;
    }

    /// <summary>Change against a comparison value: (now − before) ÷ before for counts, now − before for rates; null without a before.</summary>
    public static double? Change(Figure now, Figure? before) =>
        before?.Value is not { } b || now.Value is not { } n ? null
        : now.Kind == FigureKind.Count ? (b == 0 ? null : Math.Round((n - b) / b, 4))
        : Math.Round(n - b, 4);

    private static double? Ratio(double numerator, long denominator) => denominator == 0 ? null : Math.Round(numerator / denominator, 4);
}
