using System.ComponentModel.DataAnnotations;
using Hotline.Server.Notifications;

namespace Hotline.Tests.Notifications;

/// <summary>The sender's pace is checked against its lease when the options are read: a round must end inside its lease.</summary>
public sealed class NotificationOptionsTests
{
    [Fact]
    public void The_shipped_options_are_valid()
    {
        var options = new NotificationOptions();

        Assert.Empty(Errors(options));
        Assert.Equal(100, options.MaxMessagesPerSecond);
    }

    [Fact]
    public void A_batch_that_cannot_be_sent_at_the_pace_within_half_its_lease_is_refused_naming_the_pace()
    {
        var options = new NotificationOptions { BatchSize = 1000, MaxMessagesPerSecond = 10, LeaseSeconds = 120 }; // 100 s > 60 s

        var error = Assert.Single(Errors(options));

        Assert.Contains(nameof(NotificationOptions.MaxMessagesPerSecond), error.MemberNames);
    }

    [Fact]
    public void No_pace_never_conflicts_with_the_lease()
    {
        Assert.Empty(Errors(new NotificationOptions { BatchSize = 1000, MaxMessagesPerSecond = 0, LeaseSeconds = 5 }));
    }

    private static List<ValidationResult> Errors(NotificationOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
