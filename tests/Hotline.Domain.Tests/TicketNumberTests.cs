using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

public class TicketNumberTests
{
    private static readonly DateOnly Day = new(2026, 11, 22);

    [Fact]
    public void A_number_is_HL_then_the_registration_day_then_a_six_digit_sequence() =>
        Assert.Equal("HL20261122000123", TicketNumber.Format(Day, 123));

    [Theory]
    [InlineData(1, "HL20261122000001")]
    [InlineData(999_999, "HL20261122999999")]
    public void The_first_and_last_sequence_numbers_of_a_day_are_formatted(long sequence, string expected) =>
        Assert.Equal(expected, TicketNumber.Format(Day, sequence));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_000_000)]
    public void A_sequence_outside_one_to_999999_is_refused(long sequence) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TicketNumber.Format(Day, sequence));

    [Fact]
    public void Every_formatted_number_is_well_formed_and_sixteen_characters_long()
    {
        var number = TicketNumber.Format(new DateOnly(2024, 2, 29), 42);

        Assert.Equal(TicketNumber.Length, number.Length);
        Assert.True(TicketNumber.IsWellFormed(number));
    }

    [Theory]
    [InlineData("HL20261122000123")]
    [InlineData("HL20240229000001")] // leap day
    [InlineData("HL20261231999999")]
    public void Well_formed_numbers_are_recognised(string number) =>
        Assert.True(TicketNumber.IsWellFormed(number));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("HL2026112200012")]   // 15 characters
    [InlineData("HL202611220001234")] // 17 characters
    [InlineData("hl20261122000123")]  // lowercase prefix
    [InlineData("HX20261122000123")]  // wrong prefix
    [InlineData("2026112200012345")]  // no prefix
    [InlineData("HL20261332000001")]  // month 13
    [InlineData("HL20261131000001")]  // 31 November
    [InlineData("HL20250229000001")]  // 29 February in a common year
    [InlineData("HL2026112200012A")]  // letter in the sequence
    [InlineData("HL2026A122000123")]  // letter in the date
    [InlineData("HL20261122 00123")]  // space
    [InlineData("HL２０２６1122000123")] // full-width digits
    public void Malformed_numbers_are_rejected(string? number) =>
        Assert.False(TicketNumber.IsWellFormed(number));
}
