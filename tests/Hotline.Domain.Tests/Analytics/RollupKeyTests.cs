using Hotline.Domain.Analytics;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests.Analytics;

public class RollupKeyTests
{
    private static readonly RollupKey Fine = RollupKey.Fine(new DateOnly(2026, 11, 23), FactPart.Main, "scjg", "con-food-safety", "tianning",
        TicketType.Report, Channel.Web, RequesterKind.Enterprise);

    [Fact]
    public void A_query_reads_the_smallest_grain_that_keeps_its_filter_and_grouping()
    {
        Assert.Equal(RollupGrain.Department, RollupGrains.Holding(RollupDimensions.None));
        Assert.Equal(RollupGrain.Category, RollupGrains.Holding(RollupDimensions.Category));
        Assert.Equal(RollupGrain.District, RollupGrains.Holding(RollupDimensions.District));
        Assert.Equal(RollupGrain.Type, RollupGrains.Holding(RollupDimensions.Type));
        Assert.Equal(RollupGrain.Channel, RollupGrains.Holding(RollupDimensions.Channel));
        Assert.Equal(RollupGrain.RequesterKind, RollupGrains.Holding(RollupDimensions.RequesterKind));
        Assert.Equal(RollupGrain.CategoryAndRequesterKind, RollupGrains.Holding(RollupDimensions.Category | RollupDimensions.RequesterKind));
        Assert.Equal(RollupGrain.Fine, RollupGrains.Holding(RollupDimensions.Category | RollupDimensions.District));
        Assert.Equal(RollupGrain.Fine, RollupGrains.Holding(RollupDimensions.Type | RollupDimensions.Channel));
        Assert.Equal(RollupGrain.Fine, RollupGrains.Holding(RollupDimensions.All));
    }

    [Fact]
    public void Fine_and_department_day_keys_keep_the_texts_of_the_rows_written_before_grains()
    {
        // The rows of databases projected before grains: "F" fine rows, "C" (coarse) day × part × department rows.
        Assert.Equal("F|20261123|Main|scjg|con-food-safety|tianning|Report|Web|Enterprise", Fine.Text);
        Assert.Equal("C|20261123|Main|scjg|||Complaint|Phone|Citizen", Fine.To(RollupGrain.Department, RollupSpan.Day).Text);
    }

    [Fact]
    public void A_fact_row_adds_to_every_grains_day_row_and_month_row_and_the_fine_day_row()
    {
        var rows = Fine.Rows().ToList();
        Assert.Equal(1 + 2 * (RollupGrains.All.Count - 1), rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.Text).Distinct().Count());
        Assert.DoesNotContain(rows, r => r.Grain == RollupGrain.Fine && r.Span == RollupSpan.Month);
        var month = Fine.To(RollupGrain.Category, RollupSpan.Month);
        Assert.Contains(month, rows);
        Assert.Equal(new DateOnly(2026, 11, 1), month.Day);
        Assert.Equal("K|202611|Main|scjg|con-food-safety||Complaint|Phone|Citizen", month.Text);
        var both = Fine.To(RollupGrain.CategoryAndRequesterKind, RollupSpan.Day);
        Assert.Equal(("con-food-safety", "", TicketType.Complaint, Channel.Phone, RequesterKind.Enterprise),
            (both.CategoryCode, both.DistrictCode, both.Type, both.Channel, both.RequesterKind));
        Assert.All(rows, r => Assert.Equal(("scjg", FactPart.Main), (r.DepartmentCode, r.Part)));
    }

    [Theory]
    // partial months at both ends
    [InlineData("2026-01-15", "2026-04-10", "2026-02-01", "2026-03-01", "2026-01-15..2026-01-31", "2026-04-01..2026-04-10")]
    // whole months only
    [InlineData("2026-02-01", "2026-03-31", "2026-02-01", "2026-03-01", null, null)]
    // one whole month
    [InlineData("2026-02-01", "2026-02-28", "2026-02-01", "2026-02-01", null, null)]
    // a week across a month's end: days only
    [InlineData("2026-01-26", "2026-02-01", null, null, "2026-01-26..2026-02-01", null)]
    // a month less a day: days only
    [InlineData("2026-03-01", "2026-03-30", null, null, "2026-03-01..2026-03-30", null)]
    // across a year boundary
    [InlineData("2025-12-20", "2026-02-10", "2026-01-01", "2026-01-01", "2025-12-20..2025-12-31", "2026-02-01..2026-02-10")]
    // a leap February ending the period
    [InlineData("2028-01-31", "2028-02-29", "2028-02-01", "2028-02-01", "2028-01-31..2028-01-31", null)]
    public void A_period_reads_its_whole_months_from_month_rows_and_the_days_at_either_end_from_day_rows(
        string from, string to, string? firstMonth, string? lastMonth, string? leading, string? trailing)
    {
        var spans = RollupSpans.Of(Day(from), Day(to));
        Assert.Equal(firstMonth is null ? null : Day(firstMonth), spans.FirstMonth);
        Assert.Equal(lastMonth is null ? null : Day(lastMonth), spans.LastMonth);
        Assert.Equal(leading, Show(spans.LeadingDays));
        Assert.Equal(trailing, Show(spans.TrailingDays));

        // Every day of the period is read exactly once.
        var covered = new List<DateOnly>();
        for (var m = spans.FirstMonth; m is { } month && month <= spans.LastMonth; m = month.AddMonths(1))
            covered.AddRange(Days(month, month.AddMonths(1).AddDays(-1)));
        foreach (var range in new[] { spans.LeadingDays, spans.TrailingDays }.OfType<(DateOnly From, DateOnly To)>())
            covered.AddRange(Days(range.From, range.To));
        Assert.Equal(Days(Day(from), Day(to)), covered.Order());
    }

    [Fact]
    public void A_ticket_moved_to_another_department_and_category_leaves_every_grain_equal_to_its_new_rows()
    {
        var before = new[]
        {
            Row(FactPart.Centre, "", "utilities", 1),
            Row(FactPart.Main, "scjg", "utilities", 1),
        };
        var after = new[]
        {
            Row(FactPart.Centre, "", "real-estate", 1),
            Row(FactPart.Main, "scjg", "real-estate", 0), // the first department keeps its row (承办量 0 after the return)
            Row(FactPart.Main, "zjj", "real-estate", 1),
        };
        var stored = Sum(before);
        var deltas = new RollupDeltas();
        foreach (var row in before)
            deltas.Add(row.Key, row.Measures, -1);
        foreach (var row in after)
            deltas.Add(row.Key, row.Measures, +1);
        foreach (var (key, delta) in deltas.Changes)
        {
            if (!stored.TryGetValue(key.Text, out var m))
                stored[key.Text] = m = new FactMeasures();
            m.Add(delta);
        }
        var expected = Sum(after);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), stored.Where(s => !s.Value.IsZero).Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.All(expected, e => Assert.True(e.Value.Equals(stored[e.Key]), e.Key));
        Assert.Contains("C|202611|Main|zjj|||Complaint|Phone|Citizen", expected.Keys); // the new department's month row
        Assert.True(stored["K|202611|Centre||utilities||Complaint|Phone|Citizen"].IsZero); // the old category's month row emptied
    }

    private static TicketFact Row(FactPart part, string department, string category, int tickets) => new()
    {
        TicketId = 1, TicketNumber = "HL20261123000001", Part = part, DepartmentCode = department, Day = new DateOnly(2026, 11, 23),
        CategoryCode = category, DistrictCode = "tianning", Type = TicketType.Complaint, Channel = Channel.Phone, RequesterKind = RequesterKind.Citizen,
        Measures = part == FactPart.Centre ? new FactMeasures { Registered = 1 } : new FactMeasures { Tickets = tickets, Returned = 1 - tickets },
    };

    private static Dictionary<string, FactMeasures> Sum(IEnumerable<TicketFact> rows)
    {
        var sums = new Dictionary<string, FactMeasures>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            foreach (var key in row.Key.Rows())
            {
                if (!sums.TryGetValue(key.Text, out var m))
                    sums[key.Text] = m = new FactMeasures();
                m.Add(row.Measures);
            }
        }
        return sums;
    }

    private static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string? Show((DateOnly From, DateOnly To)? range) => range is { } r ? $"{r.From:yyyy-MM-dd}..{r.To:yyyy-MM-dd}" : null;

    private static List<DateOnly> Days(DateOnly from, DateOnly to) =>
        Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).ToList();
}
