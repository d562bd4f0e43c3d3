using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Tickets;

public sealed class AttachmentOptions
{
    public const string Section = "Attachments";

    [Range(1024, 100 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Extensions accepted, each checked against the file's first bytes so a renamed executable is refused.</summary>
    [MinLength(1)]
    public string[] AllowedExtensions { get; set; } = [".jpg", ".jpeg", ".png", ".pdf", ".docx", ".xlsx", ".doc", ".xls", ".txt", ".mp3", ".wav"];
}

/// <summary>附件: files under {DataPath}/attachments/yyyy/MM, metadata in the database, an event on the ticket.</summary>
public sealed class AttachmentStore(
    HotlineDbContext db, TicketService tickets, IOptions<AttachmentOptions> options, IOptions<HotlineOptions> hotline,
    IHostEnvironment env, CityClock clock, AttachmentSweeper sweeper)
{
    internal static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".png"] = "image/png", [".pdf"] = "application/pdf",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".doc"] = "application/msword", [".xls"] = "application/vnd.ms-excel", [".txt"] = "text/plain; charset=utf-8",
        [".mp3"] = "audio/mpeg", [".wav"] = "audio/wav",
    };

    private string Root => Path.Combine(DatabaseSetup.ResolveDataPath(env, hotline.Value), "attachments");

    /// <summary>The file types a browser may show in place (preview) rather than download.</summary>
    public static bool Previewable(string contentType) => contentType is "image/jpeg" or "image/png" or "application/pdf";

    /// <summary>The API's door: a multipart form field.</summary>
    public Task<AttachmentView> AddAsync(string number, IFormFile? file, Actor actor, CancellationToken ct) =>
        AddAsync(number, file is null ? null : new AttachmentUpload(file.FileName, file.Length, _ => file.OpenReadStream()), actor, ct);

    /// <summary>Attaches one file (the same checks for the API and the console): visibility and role, size, type, first bytes.</summary>
    public async Task<AttachmentView> AddAsync(string number, AttachmentUpload? file, Actor actor, CancellationToken ct)
    {
        // Visibility and permission first: nothing is written for a ticket the caller cannot act on.
        var ticket = await tickets.FindAsync(number, actor, ct);
        tickets.Check(ticket, TicketAction.AttachFile, actor);

        var o = options.Value;
        if (file is null || file.Length == 0)
            throw new RequestValidationException([new("file", ErrorCodes.Required)]);
        if (file.Length > o.MaxBytes)
            throw new RequestValidationException([new("file", "AttachmentTooLarge", o.MaxBytes)]);
        var extension = Path.GetExtension(file.FileName).ToLowerInvariant();
        if (!o.AllowedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase) || !ContentTypes.TryGetValue(extension, out var contentType))
            throw new RequestValidationException([new("file", "AttachmentType", extension, string.Join(", ", o.AllowedExtensions))]);

        var now = clock.Now;
        var relative = Path.Combine(now.ToString("yyyy", System.Globalization.CultureInfo.InvariantCulture),
            now.ToString("MM", System.Globalization.CultureInfo.InvariantCulture), $"{Guid.NewGuid():N}{extension}");
        var path = Path.Combine(Root, relative);
        using var uploading = sweeper.Uploading(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".part";
        string sha;
        await using (var source = file.Open(ct))
        {
            // The first bytes are checked, then written with the rest: a browser's stream cannot seek back.
            var header = new byte[8];
            var read = await source.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct);
            if (!FileSignatures.Matches(extension, header.AsSpan(0, read)))
                throw new RequestValidationException([new("file", "AttachmentContent")]);
            await using var target = File.Create(temp);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(header, 0, read);
            await target.WriteAsync(header.AsMemory(0, read), ct);
            var buffer = new byte[81920];
            int n;
            while ((n = await source.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                await target.WriteAsync(buffer.AsMemory(0, n), ct);
            }
            await target.FlushAsync(ct);
            sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        File.Move(temp, path);

        // The row and its attach-file event commit together or not at all: a row without its event would be listed and
        // cited, and then refused. A lost race with an action rolls both back and tries again on the newer version.
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var row = new Attachment
                {
                    TicketId = ticket.Id, FileName = Path.GetFileName(file.FileName), ContentType = contentType, Size = file.Length,
                    StoragePath = relative, Sha256 = sha, UploadedBy = actor.Name, UploadedAt = now,
                };
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                try
                {
                    db.Attachments.Add(row);
                    await db.SaveChangesAsync(ct);
                    await tickets.AppendAsync(number, actor, _ => new AttachmentAdded(row.Id, row.FileName, row.ContentType, row.Size), ct, attempts: 1);
                    await transaction.CommitAsync(ct);
                    return View(row);
                }
                catch (ConcurrencyConflictException) when (attempt < 5)
                {
                    await transaction.RollbackAsync(ct);
                    tickets.Reset();
                }
            }
        }
        catch
        {
            File.Delete(path); // the metadata never committed: leave no orphan file (a crash here leaves one for AttachmentSweeper)
            throw;
        }
    }

    public async Task<IReadOnlyList<AttachmentView>> ListAsync(string number, Actor actor, CancellationToken ct)
    {
        var ticket = await tickets.FindAsync(number, actor, ct);
        var rows = await db.Attachments.AsNoTracking().Where(a => a.TicketId == ticket.Id).OrderBy(a => a.Id).ToListAsync(ct);
        return rows.Select(View).ToList();
    }

    public async Task<(Attachment Row, string Path)?> OpenAsync(string number, long id, Actor actor, CancellationToken ct)
    {
        var ticket = await tickets.FindAsync(number, actor, ct);
        var row = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.TicketId == ticket.Id, ct);
        return row is null ? null : (row, Path.Combine(Root, row.StoragePath));
    }

    private static AttachmentView View(Attachment a) => new(a.Id, a.FileName, a.ContentType, a.Size, a.Sha256, a.UploadedBy, a.UploadedAt);
}

/// <summary>One file to attach, from either door: a multipart field (API) or a file the browser hands the console.</summary>
/// <param name="FileName">The name as the person's computer had it (only its last part is kept).</param>
/// <param name="Length">Its size in bytes as declared; checked against the limit before anything is read.</param>
/// <param name="Open">Opens its content, read once from the start.</param>
public sealed record AttachmentUpload(string FileName, long Length, Func<CancellationToken, Stream> Open);

/// <summary>First bytes of each accepted file type ("magic numbers").</summary>
public static class FileSignatures
{
    public static bool Matches(string extension, ReadOnlySpan<byte> head) => extension switch
    {
        ".jpg" or ".jpeg" => head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        ".png" => head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ".pdf" => head.StartsWith("%PDF"u8),
        ".docx" or ".xlsx" => head.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]),
        ".doc" or ".xls" => head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]),
        ".mp3" => head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0),
        ".wav" => head.StartsWith("RIFF"u8),
        ".txt" => !head.Contains((byte)0),
        _ => false,
    };
}
