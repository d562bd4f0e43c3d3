namespace Hotline.Domain.Analytics;

/// <summary>
/// The counters of one <see cref="TicketFact"/> row, and of a rollup (the sum of many rows). Every counter except
/// <see cref="HandlingMinutes"/> is 0 or 1 on a fact row, so "how many tickets" is the sum of a counter and the
/// tickets behind it are the rows where it is 1. Which counters a row carries depends on its <see cref="FactPart"/>:
/// ticket-level ones on the centre row, a department's work on its main row (主办), co-handling on its co-handling
/// row (协办); so the sum over all rows of a ticket never counts one thing twice.
/// </summary>
public sealed class FactMeasures
{
    // The centre row (one per ticket): the ticket as the centre received it.
    /// <summary>受理量: the ticket was registered (centre row only).</summary>
    public int Registered { get; set; }
    /// <summary>一次办结: answered by the agent at intake.</summary>
    public int ResolvedAtIntake { get; set; }
    /// <summary>重复投诉: the same requester raised the same matter (category) within the scheme's window before.</summary>
    public int Repeat { get; set; }
    /// <summary>Not finished: registered, with a department, returned or reopened.</summary>
    public int Unfinished { get; set; }
    /// <summary>Not finished and a deadline has passed.</summary>
    public int UnfinishedOverdue { get; set; }
    /// <summary>Left out of every rate: a duplicate (counted with its master) or withdrawn by the requester.</summary>
    public int Excluded { get; set; }

    // A department's main row (主办): its work on the ticket.
    /// <summary>The department was the main department at least once (承办量).</summary>
    public int Tickets { get; set; }
    /// <summary>The same requester's repeat of a matter, handled by this department.</summary>
    public int RepeatHandled { get; set; }
    /// <summary>A ticket the department handled that is left out of its rates (duplicate, withdrawn).</summary>
    public int ExcludedHandled { get; set; }
    /// <summary>The department's response is settled: it signed, returned, or let the sign-for limit pass.</summary>
    public int ResponseSettled { get; set; }
    /// <summary>Signed for within the sign-for limit (latest round).</summary>
    public int SignedOnTime { get; set; }
    /// <summary>Signed for or returned within the sign-for limit (latest round).</summary>
    public int RespondedOnTime { get; set; }
    /// <summary>退单: the department returned the ticket (any round).</summary>
    public int Returned { get; set; }
    /// <summary>Handling is settled: the department answered, or let the handling limit pass.</summary>
    public int HandlingSettled { get; set; }
    /// <summary>答复: the department answered.</summary>
    public int Replied { get; set; }
    /// <summary>Answered within the handling limit (latest round).</summary>
    public int RepliedOnTime { get; set; }
    /// <summary>延期: an extension was approved.</summary>
    public int Extended { get; set; }
    /// <summary>重办: the department's answer was reopened (by a supervisor or for rectification).</summary>
    public int Reopened { get; set; }
    /// <summary>整改: the department's answer was rated unsatisfied and sent back for rectification.</summary>
    public int Rectified { get; set; }
    /// <summary>With the department now, unfinished.</summary>
    public int Open { get; set; }
    /// <summary>With the department now, unfinished, and a deadline has passed.</summary>
    public int Overdue { get; set; }
    /// <summary>Working minutes from the department's latest dispatch to its latest answer.</summary>
    public long HandlingMinutes { get; set; }

    // Ratings (好差评): on the row of whoever gave the rated answer (the centre row for answers at intake).
    /// <summary>A rating counts: the latest rating of this party's answer, not overturned by an upheld appeal.</summary>
    public int Rated { get; set; }
    public int VerySatisfied { get; set; }
    public int Satisfied { get; set; }
    public int BasicallySatisfied { get; set; }
    public int Dissatisfied { get; set; }
    public int VeryDissatisfied { get; set; }
    /// <summary>The requester said the matter is resolved (已解决), with a counted rating.</summary>
    public int Resolved { get; set; }
    /// <summary>申诉成立: the latest rating was overturned on appeal and does not count.</summary>
    public int AppealUpheld { get; set; }

    // A co-handling row (协办).
    /// <summary>The department was a co-handling department.</summary>
    public int CoHandled { get; set; }
    /// <summary>It contributed its part (协办意见).</summary>
    public int Contributed { get; set; }

    /// <summary>The names of the counters, for drill-down links and exports.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(FactMeasures)
        .GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public)
        .Where(p => p.CanWrite && (p.PropertyType == typeof(int) || p.PropertyType == typeof(long))).Select(p => p.Name).ToList();

    public static bool IsName(string name) => Names.Contains(name, StringComparer.Ordinal);

    public long Get(string name) => Convert.ToInt64(typeof(FactMeasures).GetProperty(name)!.GetValue(this)!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Adds <paramref name="other"/> times <paramref name="sign"/> (+1 to add a row, -1 to take it out).</summary>
    public void Add(FactMeasures other, int sign = 1)
    {
        Registered += sign * other.Registered;
        ResolvedAtIntake += sign * other.ResolvedAtIntake;
        Repeat += sign * other.Repeat;
        Unfinished += sign * other.Unfinished;
        UnfinishedOverdue += sign * other.UnfinishedOverdue;
        Excluded += sign * other.Excluded;
        Tickets += sign * other.Tickets;
        RepeatHandled += sign * other.RepeatHandled;
        ExcludedHandled += sign * other.ExcludedHandled;
        ResponseSettled += sign * other.ResponseSettled;
        SignedOnTime += sign * other.SignedOnTime;
        RespondedOnTime += sign * other.RespondedOnTime;
        Returned += sign * other.Returned;
        HandlingSettled += sign * other.HandlingSettled;
        Replied += sign * other.Replied;
        RepliedOnTime += sign * other.RepliedOnTime;
        Extended += sign * other.Extended;
        Reopened += sign * other.Reopened;
        Rectified += sign * other.Rectified;
        Open += sign * other.Open;
        Overdue += sign * other.Overdue;
        HandlingMinutes += sign * other.HandlingMinutes;
        Rated += sign * other.Rated;
        VerySatisfied += sign * other.VerySatisfied;
        Satisfied += sign * other.Satisfied;
        BasicallySatisfied += sign * other.BasicallySatisfied;
        Dissatisfied += sign * other.Dissatisfied;
        VeryDissatisfied += sign * other.VeryDissatisfied;
        Resolved += sign * other.Resolved;
        AppealUpheld += sign * other.AppealUpheld;
        CoHandled += sign * other.CoHandled;
        Contributed += sign * other.Contributed;
    }

    public bool IsZero => Names.All(n => Get(n) == 0);

    public FactMeasures Copy()
    {
        var copy = new FactMeasures();
        copy.Add(this);
        return copy;
    }

    public override bool Equals(object? obj) => obj is FactMeasures other && Names.All(n => Get(n) == other.Get(n));

    public override int GetHashCode() => HashCode.Combine(Registered, Tickets, Rated, Replied);

    public override string ToString() => string.Join(", ", Names.Where(n => Get(n) != 0).Select(n => $"{n}={Get(n)}"));
}
