using System.Globalization;
using Hotline.Server.Live;

namespace Hotline.Tests.Live;

/// <summary>
/// Bug: a supervisor reading a ticket in Chinese saw the page turn English when a dispatcher in English opened the same
/// ticket, because the dispatcher's circuit raised the presence change and its culture flowed into the supervisor's render.
/// </summary>
public sealed class PresenceCultureTests
{
    [Fact]
    public async Task A_presence_change_reaches_each_watcher_in_the_culture_it_subscribed_in_not_the_changers()
    {
        var presence = new TicketPresence();
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await Task.Run(() =>
        {
            // The supervisor's circuit, in Chinese, watches the ticket.
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = new CultureInfo("zh-CN");
            presence.Changed += _ => seen.TrySetResult(CultureInfo.CurrentUICulture.Name);
        });

        await Task.Run(() =>
        {
            // The dispatcher's circuit, in English, opens the same ticket.
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = new CultureInfo("en");
            presence.Enter("HL20261201000001", new TicketViewer("tab-2", "u2", "派单员 李强", Editing: false));
        });

        Assert.Equal("zh-CN", await seen.Task);
    }
}
