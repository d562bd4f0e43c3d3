using System.Numerics;
using Hotline.Domain.Analytics;

namespace Hotline.Server.Analytics;

/// <summary>
/// Builds the rollup rows of every grain and span (<see cref="RollupGrains"/>) from the fine day rows, in SQL: one
/// INSERT … SELECT … GROUP BY per grain and span, a grain's day rows summed from the fine rows (or from a grain keeping
/// more DimensionColumns), its month rows from its day rows, the key text of <see cref="RollupKey.Text"/> built in SQL on
/// both providers (<c>RollupGrainTests</c> checks the rows against the projector's). For a database whose fine rows
/// predate the grains: the RollupGrains migration runs it. Rows already there are kept (ON CONFLICT DO NOTHING), so
/// running it again changes nothing. The measure columns are the caller's: a migration passes those of its time.
/// </summary>
public static class RollupBackfill
{
    public static IEnumerable<string> Statements(bool postgres, IReadOnlyList<string> measureColumns)
    {
        // Grains keeping more DimensionColumns first, so a grain keeping fewer is summed from the smallest one built before it
        // that keeps its DimensionColumns (requester kind from category × requester kind), not from the far larger fine rows.
        var built = new List<RollupGrainDefinition>();
        foreach (var g in RollupGrains.All.Where(g => g.Grain != RollupGrain.Fine).OrderByDescending(g => BitOperations.PopCount((uint)g.Keeps)))
        {
            var source = RollupGrains.All.Where(s => built.Contains(s) && (s.Keeps & g.Keeps) == g.Keeps).Select(s => s.Grain).DefaultIfEmpty(RollupGrain.Fine).First();
            yield return Insert(postgres, g, RollupSpan.Day, source, measureColumns);
            if (g.Months)
                yield return Insert(postgres, g, RollupSpan.Month, g.Grain, measureColumns);
            built.Add(g);
        }
    }

    /// <summary>The measure columns of <see cref="FactMeasures"/> as the model maps them today (Measures_X).</summary>
    public static IReadOnlyList<string> CurrentMeasureColumns() =>
        typeof(FactMeasures).GetProperties().Where(p => p.CanWrite).Select(p => $"Measures_{p.Name}").Order(StringComparer.Ordinal).ToList();

    private static readonly string[] DimensionColumns = ["Part", "DepartmentCode", "CategoryCode", "DistrictCode", "Type", "Channel", "RequesterKind"];

    private static string Insert(bool postgres, RollupGrainDefinition grain, RollupSpan span, RollupGrain source, IReadOnlyList<string> measures)
    {
        string Keep(RollupDimensions d, string column, string fallback) => grain.Keeps.HasFlag(d) ? $"\"{column}\"" : $"'{fallback}'";
        var day = span == RollupSpan.Day ? "\"Day\"" : postgres ? "CAST(date_trunc('month', \"Day\") AS date)" : "substr(\"Day\", 1, 8) || '01'";
        var dayText = postgres
            ? $"to_char(s.\"Day\", '{(span == RollupSpan.Day ? "YYYYMMDD" : "YYYYMM")}')"
            : $"substr(replace(s.\"Day\", '-', ''), 1, {(span == RollupSpan.Day ? 8 : 6)})";
        var key = $"'{grain.Letter}|' || {dayText} || '|' || " + string.Join(" || '|' || ", DimensionColumns.Select(d => $"s.\"{d}\""));
        return $"""
            INSERT INTO analytics_rollups ("Key", "Grain", "Span", "Day", {string.Join(", ", DimensionColumns.Select(d => $"\"{d}\""))}, {string.Join(", ", measures.Select(m => $"\"{m}\""))})
            SELECT {key}, '{grain.Grain}', '{span}', s."Day", {string.Join(", ", DimensionColumns.Select(d => $"s.\"{d}\""))}, {string.Join(", ", measures.Select(m => $"SUM(s.\"{m}\")"))}
            FROM (
                SELECT {day} AS "Day", "Part", "DepartmentCode",
                    {Keep(RollupDimensions.Category, "CategoryCode", "")} AS "CategoryCode",
                    {Keep(RollupDimensions.District, "DistrictCode", "")} AS "DistrictCode",
                    {Keep(RollupDimensions.Type, "Type", default(Domain.Tickets.TicketType).ToString())} AS "Type",
                    {Keep(RollupDimensions.Channel, "Channel", default(Domain.Tickets.Channel).ToString())} AS "Channel",
                    {Keep(RollupDimensions.RequesterKind, "RequesterKind", default(Domain.Tickets.RequesterKind).ToString())} AS "RequesterKind",
                    {string.Join(", ", measures.Select(m => $"\"{m}\""))}
                FROM analytics_rollups WHERE "Grain" = '{source}' AND "Span" = 'Day'
            ) AS s
            WHERE true
            GROUP BY s."Day", {string.Join(", ", DimensionColumns.Select(d => $"s.\"{d}\""))}
            ON CONFLICT ("Key") DO NOTHING;
            """;
    }
}

/// <summary>
/// Builds the word rollups (<see cref="WordRollupKey"/>) from the stored words and the centre fact rows, in SQL: day rows
/// sum the centre rows' Registered per day and word, month rows sum the day rows; the key text built in SQL as
/// <see cref="WordRollupKey.Text"/> builds it (<c>WordRollupTests</c> checks the rows against the projector's). The
/// WordRollups migration runs it; rows already there are kept, so running it again changes nothing.
/// </summary>
public static class WordRollupBackfill
{
    public static IEnumerable<string> Statements(bool postgres)
    {
        string DayText(string day, RollupSpan span) => postgres
            ? $"to_char({day}, '{(span == RollupSpan.Day ? "YYYYMMDD" : "YYYYMM")}')"
            : $"substr(replace({day}, '-', ''), 1, {(span == RollupSpan.Day ? 8 : 6)})";
        yield return $"""
            INSERT INTO analytics_word_rollups ("Key", "Span", "Day", "Word", "Registered")
            SELECT 'W|' || {DayText("f.\"Day\"", RollupSpan.Day)} || '|' || w."Word", 'Day', f."Day", w."Word", SUM(f."Measures_Registered")
            FROM ticket_words AS w
            JOIN analytics_facts AS f ON f."TicketId" = w."TicketId" AND f."Part" = 'Centre' AND f."DepartmentCode" = ''
            WHERE true
            GROUP BY f."Day", w."Word"
            HAVING SUM(f."Measures_Registered") <> 0
            ON CONFLICT ("Key") DO NOTHING;
            """;
        var month = postgres ? "CAST(date_trunc('month', \"Day\") AS date)" : "substr(\"Day\", 1, 8) || '01'";
        yield return $"""
            INSERT INTO analytics_word_rollups ("Key", "Span", "Day", "Word", "Registered")
            SELECT 'W|' || {DayText("s.\"Day\"", RollupSpan.Month)} || '|' || s."Word", 'Month', s."Day", s."Word", SUM(s."Registered")
            FROM (SELECT {month} AS "Day", "Word", "Registered" FROM analytics_word_rollups WHERE "Span" = 'Day') AS s
            WHERE true
            GROUP BY s."Day", s."Word"
            HAVING SUM(s."Registered") <> 0
            ON CONFLICT ("Key") DO NOTHING;
            """;
    }
}
