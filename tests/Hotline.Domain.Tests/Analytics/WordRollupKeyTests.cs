using Hotline.Domain.Analytics;

namespace Hotline.Domain.Tests.Analytics;

public class WordRollupKeyTests
{
    [Fact]
    public void A_ticket_adds_to_its_words_day_row_and_month_row()
    {
        var rows = WordRollupKey.Rows(new(2026, 3, 17), "停水").ToList();
        Assert.Equal([new(RollupSpan.Day, new(2026, 3, 17), "停水"), new(RollupSpan.Month, new(2026, 3, 1), "停水")], rows);
        Assert.Equal(["W|20260317|停水", "W|202603|停水"], rows.Select(r => r.Text));
    }

    [Fact]
    public void Deltas_sum_per_row_and_leave_out_rows_that_come_back_to_zero()
    {
        var deltas = new WordRollupDeltas();
        deltas.Add(new(2026, 3, 17), ["停水", "燃气"], 1);
        deltas.Add(new(2026, 3, 18), ["停水"], 1);
        deltas.Add(new(2026, 3, 17), ["燃气"], -1);
        deltas.Add(new(2026, 3, 18), ["噪音"], 0);
        Assert.Equal(
            ["W|20260317|停水 1", "W|20260318|停水 1", "W|202603|停水 2"],
            deltas.Changes.Select(c => $"{c.Key.Text} {c.Delta}").Order(StringComparer.Ordinal));
    }
}
