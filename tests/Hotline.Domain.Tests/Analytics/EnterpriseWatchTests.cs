using Hotline.Domain.Analytics;

namespace Hotline.Domain.Tests.Analytics;

public class EnterpriseWatchTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    private static EnterpriseMatter Matter(string number, string category, int daysAgo, bool unfinished = false, bool overdue = false,
        bool rated = false, bool unsatisfied = false, bool resolved = true) =>
        new(number, category, Today.AddDays(-daysAgo), unfinished, overdue, rated, unsatisfied, resolved);

    [Fact]
    public void An_enterprise_with_quiet_answered_matters_is_not_flagged() =>
        Assert.Empty(EnterpriseWatch.Reasons([Matter("1", "tax", 5, rated: true), Matter("2", "biz-startup", 30)], Today));

    [Fact]
    public void The_same_matter_twice_within_ninety_days_is_a_repeated_matter()
    {
        var reason = Assert.Single(EnterpriseWatch.Reasons([Matter("1", "tax", 5), Matter("2", "tax", 80), Matter("3", "tax", 120)], Today));
        Assert.Equal((EnterpriseWatch.RepeatedMatter, "tax"), (reason.Code, reason.CategoryCode));
        Assert.Equal(["1", "2"], reason.Numbers);
    }

    [Fact]
    public void An_unsatisfied_or_unresolved_answer_and_an_overdue_open_ticket_are_flagged()
    {
        var reasons = EnterpriseWatch.Reasons(
            [Matter("1", "tax", 5, rated: true, unsatisfied: true, resolved: false), Matter("2", "env", 10, rated: true, resolved: false),
             Matter("3", "labour", 200, unfinished: true, overdue: true)], Today);
        Assert.Equal([EnterpriseWatch.Unresolved, EnterpriseWatch.OverdueOpen], reasons.Select(r => r.Code));
        Assert.Equal(["1", "2"], reasons[0].Numbers);
        Assert.Equal(["3"], reasons[1].Numbers); // overdue counts whatever its age
    }
}
