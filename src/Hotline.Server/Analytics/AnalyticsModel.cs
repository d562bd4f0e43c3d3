using Hotline.Domain.Analytics;
using Hotline.Domain.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Analytics;

/// <summary>A row of a rollup table: a day's or a month's sums (<see cref="FactSet.Covering{T}"/>).</summary>
public interface IRollupRow
{
    RollupSpan Span { get; }
    /// <summary>The day, or a month's first day.</summary>
    DateOnly Day { get; }
}

/// <summary>
/// 日汇总/月汇总: the sum of the fact rows of one day (or one month) and one combination of the dimensions its grain
/// keeps (<see cref="RollupKey"/>). The dashboard reads these; the projector keeps every grain and span equal to the sum
/// of <c>analytics_facts</c> by applying each ticket's difference.
/// </summary>
public sealed class AnalyticsRollup : IFactDimensions, IRollupRow
{
    public long Id { get; set; }
    /// <summary><see cref="RollupKey.Text"/>: unique, so the projector finds a row in one indexed lookup.</summary>
    public string Key { get; set; } = "";
    public DateOnly Day { get; set; }
    public FactPart Part { get; set; }
    public string DepartmentCode { get; set; } = "";
    public string CategoryCode { get; set; } = "";
    public string DistrictCode { get; set; } = "";
    public TicketType Type { get; set; }
    public Channel Channel { get; set; }
    public RequesterKind RequesterKind { get; set; }
    /// <summary>Which dimensions the row keeps (<see cref="RollupGrains"/>).</summary>
    public RollupGrain Grain { get; set; }
    /// <summary>A day's row, or a month's (dated the month's first day).</summary>
    public RollupSpan Span { get; set; }
    public FactMeasures Measures { get; set; } = new();

    public static AnalyticsRollup For(RollupKey key) => new()
    {
        Key = key.Text, Grain = key.Grain, Span = key.Span, Day = key.Day, Part = key.Part, DepartmentCode = key.DepartmentCode, CategoryCode = key.CategoryCode,
        DistrictCode = key.DistrictCode, Type = key.Type, Channel = key.Channel, RequesterKind = key.RequesterKind,
    };
}

/// <summary>How far a projector has read the event log: the last <c>ticket_events.Id</c> it has applied.</summary>
public sealed class AnalyticsCheckpoint
{
    public string Name { get; set; } = "";
    public long Position { get; set; }
}

/// <summary>热点词: one topic word of one ticket's title and description, with the dimensions hot topics group by.</summary>
public sealed class TicketWord
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public string Word { get; set; } = "";
    public DateOnly Day { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }
    public string DistrictCode { get; set; } = "";
    public string CategoryCode { get; set; } = "";
}

/// <summary>
/// 热点词汇总: how many tickets registered on a day (or in a month) have a topic word (<see cref="WordRollupKey"/>):
/// the sum of their centre rows' <see cref="FactMeasures.Registered"/>. Kept by the projector with the facts.
/// </summary>
public sealed class WordRollup : IRollupRow
{
    public long Id { get; set; }
    /// <summary><see cref="WordRollupKey.Text"/>: unique, so the projector finds a row in one indexed lookup.</summary>
    public string Key { get; set; } = "";
    public RollupSpan Span { get; set; }
    public DateOnly Day { get; set; }
    public string Word { get; set; } = "";
    public long Registered { get; set; }

    public static WordRollup For(WordRollupKey key) => new() { Key = key.Text, Span = key.Span, Day = key.Day, Word = key.Word };
}

/// <summary>One saved version of the assessment scheme (考核方案), as JSON, by the day it applies from.</summary>
public sealed class AssessmentSchemeRow
{
    public DateOnly ValidFrom { get; set; }
    public string Json { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}

/// <summary>
/// 研判报告: one analysis report of a period, kept as built: its figures and lists frozen as JSON (the console's page
/// renders them), its summary sentences and its workbook. Unique per kind and period, so a job that runs twice (after a
/// restart, or on two nodes) keeps the first one.
/// </summary>
public sealed class AnalysisReport
{
    public long Id { get; set; }
    /// <summary>weekly, monthly or range (on demand).</summary>
    public string Kind { get; set; } = "";
    public string PeriodKey { get; set; } = "";
    public DateOnly From { get; set; }
    public DateOnly To { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public string Summary { get; set; } = "";
    public string ContentJson { get; set; } = "";
    public byte[] Workbook { get; set; } = [];
}

public static class AnalyticsModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<TicketFact>(f =>
        {
            f.ToTable("analytics_facts");
            f.HasKey(x => new { x.TicketId, x.Part, x.DepartmentCode });
            f.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Restrict);
            f.Property(x => x.Part).HasConversion<string>().HasMaxLength(12);
            f.Property(x => x.DepartmentCode).HasMaxLength(64);
            f.Property(x => x.TicketNumber).HasMaxLength(TicketNumber.Length);
            f.Property(x => x.CategoryCode).HasMaxLength(64);
            f.Property(x => x.DistrictCode).HasMaxLength(64);
            f.Property(x => x.Type).HasConversion<string>().HasMaxLength(20);
            f.Property(x => x.Channel).HasConversion<string>().HasMaxLength(10);
            f.Property(x => x.RequesterKind).HasConversion<string>().HasMaxLength(12);
            f.Property(x => x.CreditCode).HasMaxLength(18);
            f.Property(x => x.RequesterKey).HasMaxLength(40);
            f.Property(x => x.Exclusion).HasMaxLength(20);
            f.Property(x => x.ReturnReason).HasConversion<string>().HasMaxLength(30);
            f.Property(x => x.Level).HasConversion<string>().HasMaxLength(20);
            f.ComplexProperty(x => x.Measures);
            f.Ignore(x => x.Key);
            // Drill-down lists walk a period's rows of one department (or all) newest first.
            f.HasIndex(x => new { x.DepartmentCode, x.Day, x.TicketId });
            f.HasIndex(x => new { x.Day, x.TicketId });
            f.HasIndex(x => new { x.CreditCode, x.Day });
            f.HasIndex(x => new { x.RequesterKey, x.CategoryCode, x.Day });
        });
        b.Entity<AnalyticsRollup>(r =>
        {
            r.ToTable("analytics_rollups");
            r.HasIndex(x => x.Key).IsUnique();
            // A figure reads one grain's month rows and day rows over a range of days (of one department, or all).
            r.HasIndex(x => new { x.Grain, x.Span, x.Day, x.DepartmentCode });
            r.Property(x => x.Key).HasMaxLength(300);
            r.Property(x => x.Grain).HasConversion<string>().HasMaxLength(24);
            r.Property(x => x.Span).HasConversion<string>().HasMaxLength(8);
            r.Property(x => x.Part).HasConversion<string>().HasMaxLength(12);
            r.Property(x => x.DepartmentCode).HasMaxLength(64);
            r.Property(x => x.CategoryCode).HasMaxLength(64);
            r.Property(x => x.DistrictCode).HasMaxLength(64);
            r.Property(x => x.Type).HasConversion<string>().HasMaxLength(20);
            r.Property(x => x.Channel).HasConversion<string>().HasMaxLength(10);
            r.Property(x => x.RequesterKind).HasConversion<string>().HasMaxLength(12);
            r.ComplexProperty(x => x.Measures);
        });
        b.Entity<AnalyticsCheckpoint>(c =>
        {
            c.ToTable("analytics_checkpoints");
            c.HasKey(x => x.Name);
            c.Property(x => x.Name).HasMaxLength(40);
            c.Property(x => x.Position).IsConcurrencyToken(); // moved only by a conditional update from the position a batch read (AnalyticsProjector)
        });
        b.Entity<TicketWord>(w =>
        {
            w.ToTable("ticket_words");
            w.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Restrict);
            w.HasIndex(x => new { x.TicketId, x.Word }).IsUnique();
            w.HasIndex(x => new { x.Day, x.Word });
            // Group alerts read every mention of the last hours (a burst of 10,000 tickets is about 450,000): from the index alone.
            w.HasIndex(x => new { x.RegisteredAt, x.DistrictCode, x.Word, x.TicketId });
            w.Property(x => x.Word).HasMaxLength(40);
            w.Property(x => x.DistrictCode).HasMaxLength(64);
            w.Property(x => x.CategoryCode).HasMaxLength(64);
        });
        b.Entity<WordRollup>(w =>
        {
            w.ToTable("analytics_word_rollups");
            w.HasIndex(x => x.Key).IsUnique();
            // Hot topics read one span's rows over a range of days, all words or a few.
            w.HasIndex(x => new { x.Span, x.Day, x.Word });
            w.Property(x => x.Key).HasMaxLength(60);
            w.Property(x => x.Span).HasConversion<string>().HasMaxLength(8);
            w.Property(x => x.Word).HasMaxLength(40);
        });
        b.Entity<AnalysisReport>(r =>
        {
            r.ToTable("analysis_reports");
            r.HasIndex(x => new { x.Kind, x.PeriodKey }).IsUnique();
            r.HasIndex(x => x.CreatedAt);
            r.Property(x => x.Kind).HasMaxLength(10);
            r.Property(x => x.PeriodKey).HasMaxLength(30);
            r.Property(x => x.CreatedBy).HasMaxLength(100);
        });
        b.Entity<AssessmentSchemeRow>(s =>
        {
            s.ToTable("assessment_schemes");
            s.HasKey(x => x.ValidFrom);
            s.Property(x => x.UpdatedBy).HasMaxLength(100);
        });
    }
}
