using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

public class UnifiedSocialCreditCodeTests
{
    // Check characters verified by hand with GB 32100-2015: weights 3^i mod 31, check = (31 - Σ mod 31) mod 31.
    [Theory]
    [InlineData("91350100M000100Y43")] // the standard's widely cited example; Σ gives check value 3
    [InlineData("91110108551385082Q")] // 小米科技有限责任公司
    [InlineData("914403001922038216")] // 华为技术有限公司
    [InlineData("91110000100000000R")] // synthetic body: Σ mod 31 = 6, check value 25 → R
    public void Real_format_codes_with_the_right_check_character_are_valid(string code) =>
        Assert.True(UnifiedSocialCreditCode.IsValid(code));

    [Theory]
    [InlineData("91350100M000100Y44")]
    [InlineData("91110108551385082R")]
    [InlineData("914403001922038217")]
    public void A_wrong_check_character_makes_the_code_invalid(string code) =>
        Assert.False(UnifiedSocialCreditCode.IsValid(code));

    [Theory]
    [InlineData("91350100M000100Y4")]   // 17
    [InlineData("91350100M000100Y433")] // 19
    [InlineData("9135")]
    public void A_code_that_is_not_eighteen_characters_long_is_invalid(string code) =>
        Assert.False(UnifiedSocialCreditCode.IsValid(code));

    [Theory]
    [InlineData('I')]
    [InlineData('O')]
    [InlineData('Z')]
    [InlineData('S')]
    [InlineData('V')]
    public void Letters_left_out_of_the_alphabet_make_the_code_invalid(char forbidden)
    {
        var body = "91350100M000100Y4".Remove(8, 1).Insert(8, forbidden.ToString());

        Assert.Null(UnifiedSocialCreditCode.CheckCharacter(body));
        foreach (var last in Alphabet)
            Assert.False(UnifiedSocialCreditCode.IsValid(body + last));
    }

    [Theory]
    [InlineData('I')]
    [InlineData('O')]
    [InlineData('Z')]
    [InlineData('S')]
    [InlineData('V')]
    public void A_forbidden_letter_is_never_accepted_as_the_check_character(char forbidden) =>
        Assert.False(UnifiedSocialCreditCode.IsValid("91350100M000100Y4" + forbidden));

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(7)]
    public void A_letter_in_the_administrative_division_positions_three_to_eight_makes_the_code_invalid(int index)
    {
        var body = "91350100M000100Y4".Remove(index, 1).Insert(index, "A");
        var withMatchingCheck = body + UnifiedSocialCreditCode.CheckCharacter(body);

        Assert.False(UnifiedSocialCreditCode.IsValid(withMatchingCheck));
    }

    [Fact]
    public void A_lowercase_code_is_invalid() =>
        Assert.False(UnifiedSocialCreditCode.IsValid("91110108551385082q"));

    [Fact]
    public void A_lowercase_letter_in_the_body_is_invalid() =>
        Assert.False(UnifiedSocialCreditCode.IsValid("91350100m000100Y43"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("                  ")]
    public void Null_empty_or_blank_is_invalid(string? code) =>
        Assert.False(UnifiedSocialCreditCode.IsValid(code));

    [Fact]
    public void The_check_character_needs_exactly_seventeen_characters()
    {
        Assert.Null(UnifiedSocialCreditCode.CheckCharacter("91350100M000100Y"));
        Assert.Null(UnifiedSocialCreditCode.CheckCharacter("91350100M000100Y43"));
        Assert.Equal('3', UnifiedSocialCreditCode.CheckCharacter("91350100M000100Y4"));
    }

    [Fact]
    public void Any_body_with_its_own_check_character_is_valid_and_with_any_other_last_character_is_not()
    {
        var random = new Random(32100);
        for (var round = 0; round < 500; round++)
        {
            var body = RandomBody(random);
            var check = UnifiedSocialCreditCode.CheckCharacter(body);

            Assert.NotNull(check);
            Assert.True(UnifiedSocialCreditCode.IsValid(body + check), body + check);
            foreach (var other in Alphabet.Where(c => c != check))
                Assert.False(UnifiedSocialCreditCode.IsValid(body + other), body + other);
        }
    }

    [Fact]
    public void Changing_any_single_character_of_a_valid_code_is_detected()
    {
        const string valid = "91350100M000100Y43";
        for (var i = 0; i < 17; i++)
        {
            foreach (var replacement in Alphabet.Where(c => c != valid[i]))
            {
                var altered = valid.Remove(i, 1).Insert(i, replacement.ToString());
                Assert.False(UnifiedSocialCreditCode.IsValid(altered), altered);
            }
        }
    }

    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static string RandomBody(Random random)
    {
        var chars = new char[17];
        for (var i = 0; i < 17; i++)
            chars[i] = i is >= 2 and < 8 ? (char)('0' + random.Next(10)) : Alphabet[random.Next(Alphabet.Length)];
        return new string(chars);
    }
}
