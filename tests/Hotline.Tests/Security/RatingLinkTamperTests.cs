using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Security;

/// <summary>
/// A rating link (好差评) is the only door a stranger has into a ticket. Whatever is done to the link the requester was
/// emailed, the page answers a 4xx, never a fault and never the ticket. The test takes the link from the email itself and
/// does not depend on how tokens are made.
/// </summary>
public sealed partial class RatingLinkTamperTests()
{
    private const string Secret = "a-test-secret-of-at-least-thirty-two-characters";

    [Fact]
    public Task Every_tampered_link_is_a_client_error() => HotlineFactory.RunAsync(async factory =>
    {
        var number = await RepliedTicketAsync(factory);
        var token = await EmailedTokenAsync(factory, number);
        var client = factory.CreateClient();

        foreach (var bad in Tampered(token))
        {
            using var response = await client.GetAsync("/rate/" + Uri.EscapeDataString(bad));
            var html = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"'{bad}': {(int)response.StatusCode}");
            Assert.DoesNotContain("超市出售过期牛奶", html, StringComparison.Ordinal);
        }
        using var genuine = await client.GetAsync("/rate/" + token);
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode); // the link itself still works
    }, new Dictionary<string, string?> { ["Hotline:RequesterLinks:Secret"] = Secret, ["Ratings:PublicRequestsPerMinute"] = "10000" });

    [Fact]
    public Task A_link_signed_with_an_expiry_no_clock_can_hold_is_a_client_error() => HotlineFactory.RunAsync(async factory =>
    {
        var number = await RepliedTicketAsync(factory);
        // Today's token format, signed with the configured secret, expiring past the year 9999; any other format is refused anyway.
        var payload = $"{number}|0|{long.MaxValue}";
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("rating:" + payload));
        var token = $"{Base64Url(Encoding.UTF8.GetBytes(payload))}.{Base64Url(mac)}";

        using var response = await factory.CreateClient().GetAsync("/rate/" + token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }, new Dictionary<string, string?> { ["Hotline:RequesterLinks:Secret"] = Secret });

    /// <summary>The token of the rating link in the reply email the requester got.</summary>
    private static async Task<string> EmailedTokenAsync(HotlineFactory factory, string number)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var bodies = await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().OutboxEmails
            .Where(e => e.TicketNumber == number).Select(e => e.TextBody).ToListAsync();
        return bodies.Select(b => RateLink().Match(b)).First(m => m.Success).Groups[1].Value;
    }

    /// <summary>Each character changed, cut short, lengthened, doubled, emptied, huge, with path tricks (an encoded NUL: <c>OriginTests</c>).</summary>
    private static IEnumerable<string> Tampered(string token)
    {
        for (var i = 0; i < token.Length; i += Math.Max(1, token.Length / 40))
            yield return token[..i] + Flip(token[i]) + token[(i + 1)..];
        foreach (var length in new[] { 0, 1, token.Length / 2, token.Length - 1 })
            yield return token[..length];
        yield return token + "A";
        yield return token + token;
        yield return token + "." + token;
        yield return string.Concat(token.Reverse());
        yield return new string('A', 4000);
        yield return "..%2F..%2Fetc%2Fpasswd";
        yield return "999999999999999999999999999999.999";
    }

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>
    /// Another character whose top bit (as a base64url digit) differs: a change no decoder can ignore (flipping only the
    /// low bits of a last digit may decode to the same bytes, which is the same link, not a tampered one).
    /// </summary>
    private static char Flip(char c) => Alphabet.IndexOf(c, StringComparison.Ordinal) is >= 0 and var i ? Alphabet[i ^ 32] : 'A';

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex(@"/rate/([A-Za-z0-9_\-\.~%]+)")]
    private static partial Regex RateLink();
}
