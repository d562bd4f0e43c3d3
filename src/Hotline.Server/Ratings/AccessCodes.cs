using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Ratings;

/// <summary>
/// The salted hash of a ticket's access code (查询码), written with the ticket. The code itself is never stored: it goes
/// into the registration email (and the public help page's answer) and nowhere else.
/// </summary>
public sealed class TicketAccessCode
{
    public long TicketId { get; set; }
    /// <summary>For a ticket saved in the same unit of work: EF fills <see cref="TicketId"/>.</summary>
    public Ticket? Ticket { get; set; }
    /// <summary><c>pbkdf2-sha256$iterations$salt$hash</c>, salt and hash in base64.</summary>
    public string Hash { get; set; } = "";

    public static void Configure(ModelBuilder b) => b.Entity<TicketAccessCode>(c =>
    {
        c.ToTable("ticket_access_codes");
        c.HasKey(x => x.TicketId);
        c.Property(x => x.TicketId).ValueGeneratedNever();
        c.Property(x => x.Hash).HasMaxLength(120);
        c.HasOne(x => x.Ticket).WithOne().HasForeignKey<TicketAccessCode>(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
    });
}

/// <summary>
/// Issues and checks the 8-digit access codes that open the self-service page. A new ticket gets a random code whose
/// salted PBKDF2 hash is stored; the check compares in constant time. Tickets registered before codes were stored have
/// no row: their code is still the one derived from the legacy secret (<see cref="RequesterLinks.CheckLegacyAccessCode"/>),
/// accepted only while that secret is configured or its file exists. A wrong code, an unknown ticket and a ticket with
/// no code all answer false, after the same hashing work.
/// </summary>
public sealed class AccessCodes(RequesterLinks links)
{
    private const int Digits = 8;
    /// <summary>
    /// Kept low on purpose: eight digits cannot withstand an offline search by whoever holds the database, whatever the
    /// cost factor. The hash keeps codes out of readable rows, dumps and backups; online guessing is stopped by the
    /// per-ticket back-off. Stored per row, so it can be raised later without breaking codes already issued.
    /// </summary>
    private const int Iterations = 1_000;
    private const string Scheme = "pbkdf2-sha256";
    private static readonly string Decoy = HashOf("00000000", new byte[16], Iterations);

    /// <summary>A fresh code for a ticket being registered: its hash joins the caller's unit of work; the code is returned once.</summary>
    public string Issue(HotlineDbContext db, Ticket ticket)
    {
        var code = RandomNumberGenerator.GetInt32(100_000_000).ToString("D" + Digits, CultureInfo.InvariantCulture);
        var row = new TicketAccessCode { Hash = HashOf(code, RandomNumberGenerator.GetBytes(16), Iterations) };
        // A ticket already saved is referenced by id; a new one (id 0) by navigation, so EF inserts it first.
        if (ticket.Id == 0)
            row.Ticket = ticket;
        else
            row.TicketId = ticket.Id;
        db.Set<TicketAccessCode>().Add(row);
        return code;
    }

    /// <summary>Whether <paramref name="code"/> opens ticket <paramref name="number"/>.</summary>
    public async Task<bool> CheckAsync(HotlineDbContext db, string number, string? code, CancellationToken ct)
    {
        code = code?.Trim();
        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Number == number)
            .Select(t => new { Hash = db.Set<TicketAccessCode>().Where(c => c.TicketId == t.Id).Select(c => c.Hash).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        var matches = Verify(ticket?.Hash ?? Decoy, code ?? "");
        if (ticket is null || code is not { Length: Digits })
            return false;
        return ticket.Hash is null ? links.CheckLegacyAccessCode(number, code) : matches;
    }

    private static bool Verify(string stored, string code)
    {
        var parts = stored.Split('$');
        if (parts is not [Scheme, var iterationsText, var saltText, var hashText] || !int.TryParse(iterationsText, CultureInfo.InvariantCulture, out var iterations))
            return false;
        var expected = Convert.FromBase64String(hashText);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(code), Convert.FromBase64String(saltText), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static string HashOf(string code, byte[] salt, int iterations)
    {
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(code), salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }
}
