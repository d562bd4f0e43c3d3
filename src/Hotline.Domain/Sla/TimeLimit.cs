namespace Hotline.Domain.Sla;

/// <summary>How a time limit is counted. The names match the <c>unit</c> values in seed/sla-policies.json.</summary>
public enum TimeUnit
{
    /// <summary>自然时: wall-clock hours; holidays, nights and weekends all count.</summary>
    NaturalHours,
    /// <summary>工作时: hours inside the working periods of working days.</summary>
    WorkingHours,
    /// <summary>工作日: the day of registration is not counted; due at the end of business on the Nth working day after it.</summary>
    WorkingDays,
}

/// <summary>办理时限: an amount of a <see cref="TimeUnit"/>, e.g. 5 working days or 2 natural hours.</summary>
public sealed record TimeLimit
{
    public TimeLimit(int amount, TimeUnit unit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(amount, 1);
        if (!Enum.IsDefined(unit))
            throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown time unit.");
        Amount = amount;
        Unit = unit;
    }

    public int Amount { get; }
    public TimeUnit Unit { get; }

    public static TimeLimit NaturalHours(int amount) => new(amount, TimeUnit.NaturalHours);
    public static TimeLimit WorkingHours(int amount) => new(amount, TimeUnit.WorkingHours);
    public static TimeLimit WorkingDays(int amount) => new(amount, TimeUnit.WorkingDays);

    public override string ToString() => $"{Amount} {Unit}";
}
