using System.Text.RegularExpressions;
using Hotline.Tests.Notifications;

namespace Hotline.Tests.Knowledge;

/// <summary>
/// "仍需帮助" on /ask with an email address: the online ticket goes through intake like any registration, so the requester
/// gets the registration email (number, the access code the page showed, tracking link) through a real SMTP server.
/// </summary>
public sealed partial class AskHelpEmailTests
{
    [SmtpFact]
    public async Task An_online_ticket_with_an_email_address_sends_the_requester_the_registration_email()
    {
        await using var sink = await SmtpSink.StartAsync();
        var factory = Mail.Server(sink.Port);
        try
        {
            var client = factory.CreateClient();
            var form = await client.GetStringAsync($"/ask/help?q={Uri.EscapeDataString("公园里的健身器材坏了")}");
            var fields = new Dictionary<string, string>
            {
                ["_handler"] = "help", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AskPageTests.Token().Match(form).Groups[1].Value),
                ["Form.Key"] = WebUtility.HtmlDecode(AskPageTests.Key().Match(form).Groups[1].Value), ["Form.Question"] = "公园里的健身器材坏了",
                ["Form.Description"] = "红梅公园东门的健身器材断裂两周了，老人锻炼有危险。", ["Form.CategoryCode"] = "urban-management",
                ["Form.DistrictCode"] = "tianning", ["Form.Kind"] = "Citizen", ["Form.Name"] = "吴女士", ["Form.Phone"] = "13912345000",
                ["Form.Email"] = "wu.nvshi@example.com",
            };
            string number, shown;
            using (var registered = await client.PostAsync("/ask/help", new FormUrlEncodedContent(fields)))
            {
                var page = WebUtility.HtmlDecode(await registered.Content.ReadAsStringAsync());
                number = AskPageTests.Number().Match(page).Value;
                Assert.False(string.IsNullOrEmpty(number), page);
                shown = AskPageTests.ShownCode().Match(page).Groups[1].Value;
                Assert.Matches("^[0-9]{8}$", shown);
            }

            Assert.Equal(1, (await Mail.SendAsync(factory)).Sent);
            var message = Assert.Single(await sink.WaitForAsync(1));
            Assert.Equal(("wu.nvshi@example.com", number), (message.To.Mailboxes.Single().Address, message.Ticket()));
            Assert.Contains(".registered@", message.MessageId, StringComparison.Ordinal);
            Assert.Contains(number, message.Subject, StringComparison.Ordinal);
            Assert.Contains($"{Mail.PublicBaseUrl}/track?number={number}", message.Text(), StringComparison.Ordinal);
            var code = Code().Match(message.Text()).Groups[1].Value;
            Assert.Equal(shown, code);
            var (tracked, _) = await Hotline.Tests.Ratings.RatingStory.PostFormAsync(factory.CreateClient(), "/track", "track",
                new() { ["Lookup.Number"] = number, ["Lookup.Code"] = code });
            Assert.Equal(HttpStatusCode.OK, tracked); // the emailed code opens the ticket
        }
        finally
        {
            await factory.DisposeAsync();
            factory.DeleteData();
        }
    }

    [GeneratedRegex("(?:查询码：|Access code: )([0-9]{8})")]
    private static partial Regex Code();
}
