using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

/// <summary>What every text may contain, and how long it is, as people count it.</summary>
public class TextRulesTests
{
    [Theory]
    [InlineData("\0")]
    [InlineData("\u001b[31m")]
    [InlineData("\u007f")]
    [InlineData("\u0085")]
    [InlineData("\u202e")] // right-to-left override
    [InlineData("\u2066")] // left-to-right isolate
    public void Control_and_direction_characters_are_forbidden(string bad)
    {
        var error = TextRules.Check("title", $"门口{bad}占道", 100);

        Assert.Equal(ErrorCodes.ForbiddenCharacter, error?.Code);
        Assert.Equal("title", error?.Field);
    }

    [Fact]
    public void A_lone_surrogate_is_not_text() =>
        Assert.Equal(ErrorCodes.ForbiddenCharacter, TextRules.Check("title", "门口" + (char)0xD800 + "占道", 100)?.Code);

    [Theory]
    [InlineData("第一行\n第二行\t缩进\r\n")]
    [InlineData("阿拉伯文 مرحبا and 한국어")]
    [InlineData("👍🏽 emoji with a skin tone")]
    public void Ordinary_text_line_breaks_and_other_scripts_are_allowed(string text) =>
        Assert.Null(TextRules.Check("description", text, 4000));

    [Fact]
    public void Length_counts_characters_not_utf16_units()
    {
        var sixtyEmoji = string.Concat(Enumerable.Repeat("😀", 60));

        Assert.Equal(120, sixtyEmoji.Length);
        Assert.Equal(60, TextRules.Length(sixtyEmoji));
        Assert.Null(TextRules.Check("title", sixtyEmoji, TicketDraftValidator.MaxTitle));
        Assert.Equal(ErrorCodes.TooLong, TextRules.Check("title", sixtyEmoji + string.Concat(Enumerable.Repeat("😀", 41)), TicketDraftValidator.MaxTitle)?.Code);
    }

    [Fact]
    public void A_draft_with_an_escape_in_its_title_is_refused_naming_the_field()
    {
        var errors = TicketDraftValidator.Validate(Given.Draft() with { Title = "\u001b]0;owned\u0007" }, Given.Codes);

        Assert.Contains(errors, e => e.Field == "title" && e.Code == ErrorCodes.ForbiddenCharacter);
    }

    [Fact]
    public void A_change_note_is_checked_the_same_way() =>
        Assert.Contains(new ProgressAdded("进展\u202e说明").Validate(Given.Codes), e => e.Field == "note" && e.Code == ErrorCodes.ForbiddenCharacter);
}
