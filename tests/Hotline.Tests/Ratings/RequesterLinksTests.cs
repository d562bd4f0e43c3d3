using Hotline.Server.Ratings;
using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Ratings;

/// <summary>RequesterLinks, the seam the email helper writes links with: signed, expiring rating tokens and access codes.</summary>
public sealed class RequesterLinksTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private RequesterLinks Links => Service<RequesterLinks>(fixture.Factory);

    [Fact]
    public void A_token_reads_back_its_ticket_round_and_expiry()
    {
        var reading = Links.ReadRatingToken(Links.RatingToken("HL20261123000007", 2));

        Assert.Equal(new RatingTokenReading(RatingTokenStatus.Valid, "HL20261123000007", 2, fixture.Factory.Clock.GetUtcNow().AddDays(15)), reading with { ExpiresAt = reading.ExpiresAt });
        Assert.Equal(fixture.Factory.Clock.GetUtcNow().AddDays(15).ToUnixTimeSeconds(), reading.ExpiresAt.ToUnixTimeSeconds());
    }

    [Fact]
    public void A_tampered_token_is_invalid()
    {
        var token = Links.RatingToken("HL20261123000007", 0);
        for (var at = 0; at < token.Length - 1; at += 7) // not the last character, whose low bits may be padding
            Assert.Equal(RatingTokenStatus.Invalid, Links.ReadRatingToken(token[..at] + (token[at] == 'A' ? 'B' : 'A') + token[(at + 1)..]).Status);
        Assert.Equal(RatingTokenStatus.Invalid, Links.ReadRatingToken(token[..^4]).Status);
    }

    [Fact]
    public void A_token_is_a_data_protection_payload_with_nothing_readable_in_it()
    {
        var token = Links.RatingToken("HL20261123000007", 0);

        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.DoesNotContain("HL20261123000007", System.Text.Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(token)), StringComparison.Ordinal);
        var other = Service<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(fixture.Factory).CreateProtector("another purpose");
        Assert.Throws<System.Security.Cryptography.CryptographicException>(() => other.Unprotect(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(token)));
    }

    /// <summary>Links emailed before the move to Data Protection (HMAC under the secret) keep working until they expire.</summary>
    [Fact]
    public Task A_link_of_the_earlier_format_is_read_until_it_expires() => HotlineFactory.RunAsync(factory =>
    {
        var links = Service<RequesterLinks>(factory);
        var earlier = EarlierFormat(LegacySecret, "HL20261123000007", 1, factory.Clock.GetUtcNow().AddDays(15));

        Assert.Equal((RatingTokenStatus.Valid, "HL20261123000007", 1), (links.ReadRatingToken(earlier).Status, links.ReadRatingToken(earlier).Number, links.ReadRatingToken(earlier).Round));
        Assert.Equal(RatingTokenStatus.Invalid, links.ReadRatingToken(Tampered(earlier, "HL20261123000008")).Status);
        Assert.Equal(RatingTokenStatus.Invalid, links.ReadRatingToken(earlier.Split('.')[0] + "." + earlier.Split('.')[0]).Status);
        factory.Clock.Advance(TimeSpan.FromDays(15));
        Assert.Equal(RatingTokenStatus.Expired, links.ReadRatingToken(earlier).Status);
        return Task.CompletedTask;
    }, new Dictionary<string, string?> { ["Hotline:RequesterLinks:Secret"] = LegacySecret });

    private const string LegacySecret = "a-secret-shared-by-the-nodes-0123456789";

    [Fact]
    public void A_forged_token_is_invalid() =>
        Assert.Equal(RatingTokenStatus.Invalid, Links.ReadRatingToken(Forged("HL20261123000007", 0, DateTimeOffset.UnixEpoch.AddYears(60))).Status);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    [InlineData("!!!.???")]
    public void Malformed_tokens_are_invalid(string? token) =>
        Assert.Equal(RatingTokenStatus.Invalid, Links.ReadRatingToken(token).Status);

    [Fact]
    public void The_token_carries_its_round_so_a_link_of_an_earlier_round_is_recognised() =>
        Assert.Equal(0, Links.ReadRatingToken(Links.RatingToken("HL20261123000007", 0)).Round);

    /// <summary>The code emailed for a ticket registered before codes were stored, while the legacy secret exists.</summary>
    [Fact]
    public Task The_legacy_access_code_is_eight_digits_stable_per_ticket_and_differs_between_tickets() => HotlineFactory.RunAsync(factory =>
    {
        var links = Service<RequesterLinks>(factory);
        var code = links.LegacyAccessCode("HL20261123000007")!;

        Assert.Matches("^[0-9]{8}$", code);
        Assert.Equal(code, links.LegacyAccessCode("HL20261123000007"));
        Assert.NotEqual(code, links.LegacyAccessCode("HL20261123000008"));
        Assert.True(links.CheckLegacyAccessCode("HL20261123000007", $" {code} "));
        Assert.False(links.CheckLegacyAccessCode("HL20261123000008", code));
        Assert.False(links.CheckLegacyAccessCode("HL20261123000007", null));
        Assert.False(links.CheckLegacyAccessCode("HL20261123000007", code[..7]));
        return Task.CompletedTask;
    }, new Dictionary<string, string?> { ["Hotline:RequesterLinks:Secret"] = LegacySecret });

    [Fact]
    public void Without_the_legacy_secret_there_is_no_legacy_access_code()
    {
        Assert.Null(Links.LegacyAccessCode("HL20261123000007"));
        Assert.False(Links.CheckLegacyAccessCode("HL20261123000007", "12345678"));
    }

    [Fact]
    public async Task The_rating_url_is_for_the_tickets_current_round_on_the_public_address()
    {
        var number = await RepliedTicketAsync(fixture.Factory);
        var path = await RatingPathAsync(fixture.Factory, number);

        var reading = Links.ReadRatingToken(path["/rate/".Length..]);
        Assert.Equal((RatingTokenStatus.Valid, number, 0), (reading.Status, reading.Number, reading.Round));
        Assert.Equal(new Uri($"http://localhost:5080/track?number={number}"), Links.SelfServiceUrl(number));
    }
}
