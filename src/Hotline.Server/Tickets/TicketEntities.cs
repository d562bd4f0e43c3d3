namespace Hotline.Server.Tickets;

/// <summary>附件: metadata of a file stored under data/attachments.</summary>
public sealed class Attachment
{
    public long Id { get; set; }
    public long TicketId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    /// <summary>Relative to the attachments folder.</summary>
    public required string StoragePath { get; set; }
    public required string Sha256 { get; set; }
    public required string UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
}

/// <summary>The last ticket number issued on one registration day (工单编号日序号).</summary>
public sealed class DailySequence
{
    public DateOnly Day { get; set; }
    public long LastValue { get; set; }
}
