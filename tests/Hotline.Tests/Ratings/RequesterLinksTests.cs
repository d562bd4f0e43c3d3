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
        Assert.Equal(RatingTokenStatus.Invalid, Links.ReadRatingToken(Tampered(token, "HL20261123000008")).Status);
        Assert.Equal(RatingTokenStatus.Invalid, Links.ReadRatingToken(token.Split('.')[0] + "." + token.Split('.')[0]).Status);
    }

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

    [Fact]
    public void The_access_code_is_eight_digits_stable_per_ticket_and_differs_between_tickets()
    {
        var code = Links.AccessCode("HL20261123000007");

        Assert.Matches("^[0-9]{8}$", code);
        Assert.Equal(code, Links.AccessCode("HL20261123000007"));
        Assert.NotEqual(code, Links.AccessCode("HL20261123000008"));
        Assert.True(Links.CheckAccessCode("HL20261123000007", $" {code} "));
        Assert.False(Links.CheckAccessCode("HL20261123000008", code));
        Assert.False(Links.CheckAccessCode("HL20261123000007", null));
        Assert.False(Links.CheckAccessCode("HL20261123000007", code[..7]));
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
