using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Data.Common;
using System.Globalization;
using Hotline.Server.Data;
using Hotline.Server.Enterprises;
using Hotline.Server.Notifications;
using Hotline.Server.Ratings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Ratings;

/// <summary>
/// Access codes (查询码) stored as salted hashes at registration, and the policy push links on Data Protection; what the
/// legacy secret signed before (codes of older tickets, unsubscribe links) keeps working while that secret exists.
/// </summary>
public sealed class AccessCodeTests
{
    private const string LegacySecret = "a-secret-shared-by-the-nodes-0123456789";
    private static readonly Dictionary<string, string?> WithLegacySecret = new() { ["Hotline:RequesterLinks:Secret"] = LegacySecret };

    private static Dictionary<string, string> Lookup(string number, string code) => new() { ["Lookup.Number"] = number, ["Lookup.Code"] = code };

    private static async Task<HttpStatusCode> TrackAsync(HotlineFactory factory, string number, string code) =>
        (await PostFormAsync(factory.CreateClient(), "/track", "track", Lookup(number, code))).Status;

    [Fact]
    public Task A_new_tickets_code_from_its_first_email_opens_the_page_and_a_wrong_one_is_refused_like_an_unknown_ticket() => HotlineFactory.RunAsync(async factory =>
    {
        var number = (await Api.RegisterAsync(await factory.AgentAsync(), Api.Enterprise())).Number();
        var code = await AccessCodeAsync(factory, number);
        var wrong = code[..7] + (code[7] == '0' ? '1' : '0');

        Assert.Matches("^[0-9]{8}$", code);
        Assert.Equal(HttpStatusCode.OK, await TrackAsync(factory, number, $" {code} "));
        var (wrongStatus, wrongHtml) = await PostFormAsync(factory.CreateClient(), "/track", "track", Lookup(number, wrong));
        var (unknownStatus, unknownHtml) = await PostFormAsync(factory.CreateClient(), "/track", "track", Lookup("HL20261123999999", code));
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (wrongStatus, unknownStatus));
        Assert.All(new[] { wrongHtml, unknownHtml }, html => Assert.Contains("工单编号或查询码不正确", html, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, await TrackAsync(factory, number, code[..7]));
    });

    [Fact]
    public Task No_database_row_holds_the_plain_code_and_only_the_first_email_carries_it() => HotlineFactory.RunAsync(async factory =>
    {
        var number = (await Api.RegisterAsync(await factory.AgentAsync(), Api.Enterprise())).Number();
        await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        var code = await AccessCodeAsync(factory, number);

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var stored = await db.Set<TicketAccessCode>().AsNoTracking().SingleAsync(c => c.Ticket!.Number == number);
        Assert.StartsWith("pbkdf2-sha256$", stored.Hash, StringComparison.Ordinal);
        var holding = await TextColumnsHoldingAsync(db, code, except: "outbox_emails");
        Assert.Empty(holding);

        var emails = await db.OutboxEmails.AsNoTracking().Where(o => o.TicketNumber == number).ToListAsync();
        Assert.Equal([EmailKinds.Registered], emails.Where(o => o.TextBody.Contains(code, StringComparison.Ordinal) || o.HtmlBody.Contains(code, StringComparison.Ordinal)).Select(o => o.Kind));
        Assert.Contains(emails, o => o.Kind == EmailKinds.Dispatched);
        Assert.False(File.Exists(Path.Combine(factory.DataPath, "keys", "requester-links.secret"))); // no legacy secret is made any more
    });

    /// <summary>A ticket registered before codes were stored has no hash row: the code emailed then (HMAC under the legacy secret) still opens it.</summary>
    [Fact]
    public Task A_code_emailed_before_the_change_still_opens_its_ticket_while_the_legacy_secret_exists() => HotlineFactory.RunAsync(async factory =>
    {
        var older = (await Api.RegisterAsync(await factory.AgentAsync(), Api.Enterprise())).Number();
        await ForgetStoredCodeAsync(factory, older);
        var newer = (await Api.RegisterAsync(await factory.AgentAsync(), Api.Enterprise())).Number();

        Assert.Equal(HttpStatusCode.OK, await TrackAsync(factory, older, LegacyCode(LegacySecret, older)));
        Assert.Equal(HttpStatusCode.Forbidden, await TrackAsync(factory, older, LegacyCode("another-secret-of-at-least-32-characters", older)));
        // A ticket with a stored code opens only with that code: the legacy derivation no longer applies to it.
        Assert.Equal(HttpStatusCode.Forbidden, await TrackAsync(factory, newer, LegacyCode(LegacySecret, newer)));
        Assert.Equal(HttpStatusCode.OK, await TrackAsync(factory, newer, await AccessCodeAsync(factory, newer)));
    }, WithLegacySecret);

    [Fact]
    public Task Without_the_legacy_secret_an_older_ticket_has_no_code_that_opens_it() => HotlineFactory.RunAsync(async factory =>
    {
        var older = (await Api.RegisterAsync(await factory.AgentAsync(), Api.Enterprise())).Number();
        await ForgetStoredCodeAsync(factory, older);

        Assert.False(factory.Services.GetRequiredService<RequesterLinks>().HasLegacySecret);
        Assert.Equal(HttpStatusCode.Forbidden, await TrackAsync(factory, older, LegacyCode(LegacySecret, older)));
    });

    [Fact]
    public Task An_unsubscribe_link_of_the_old_format_still_works_and_new_links_are_data_protection_payloads() => HotlineFactory.RunAsync(async factory =>
    {
        var pushes = factory.Services.GetRequiredService<PolicyPushes>();
        var client = factory.CreateClient();
        var old = $"/{PolicyPushes.UnsubscribePath}/{LegacySigned(LegacySecret, "unsubscribe", Api.ValidCreditCode)}";
        var forged = $"/{PolicyPushes.UnsubscribePath}/{LegacySigned("another-secret-of-at-least-32-characters", "unsubscribe", Api.ValidCreditCode)}";
        var fresh = pushes.UnsubscribeUrl(Api.ValidCreditCode).PathAndQuery;
        var click = pushes.ClickUrl(7, Api.ValidCreditCode).PathAndQuery;

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(old)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(forged)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(fresh)).StatusCode);
        Assert.DoesNotContain(".", fresh, StringComparison.Ordinal);
        Assert.DoesNotContain(Api.ValidCreditCode, fresh, StringComparison.Ordinal);
        // Each link kind has its own purpose: a click token is no unsubscribe token.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/{PolicyPushes.UnsubscribePath}/{click[(click.LastIndexOf('/') + 1)..]}")).StatusCode);
    }, WithLegacySecret);

    [Fact]
    public Task Without_the_legacy_secret_an_old_format_link_is_refused() => HotlineFactory.RunAsync(async factory =>
    {
        var old = $"/{PolicyPushes.UnsubscribePath}/{LegacySigned(LegacySecret, "unsubscribe", Api.ValidCreditCode)}";

        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync(old)).StatusCode);
    });

    /// <summary>The state of a ticket registered before codes were stored: no hash row.</summary>
    private static async Task ForgetStoredCodeAsync(HotlineFactory factory, string number)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        Assert.Equal(1, await db.Set<TicketAccessCode>().Where(c => c.Ticket!.Number == number).ExecuteDeleteAsync());
    }

    /// <summary>The code as it was emailed before: HMAC-SHA256 of <c>access:{number}</c>, its first 8 bytes little-endian, mod 10⁸.</summary>
    private static string LegacyCode(string secret, string number)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"access:{number}"));
        return (BinaryPrimitives.ReadUInt64LittleEndian(mac) % 100_000_000UL).ToString("D8", CultureInfo.InvariantCulture);
    }

    /// <summary>A policy link token as written before: <c>base64url(value).</c> and the first 22 characters of the base64url HMAC.</summary>
    private static string LegacySigned(string secret, string purpose, string value)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{purpose}:{value}"));
        return $"{Base64Url(Encoding.UTF8.GetBytes(value))}.{Base64Url(mac)[..22]}";
    }

    /// <summary>"table.column" for every text value in the database equal to or containing <paramref name="text"/>.</summary>
    private static async Task<List<string>> TextColumnsHoldingAsync(HotlineDbContext db, string text, string except)
    {
        var found = new List<string>();
        var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Where(t => t != except).Distinct().ToList();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using DbDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (!reader.IsDBNull(i) && reader.GetValue(i) is string value && value.Contains(text, StringComparison.Ordinal))
                        found.Add($"{table}.{reader.GetName(i)}");
                }
            }
        }
        return found;
    }
}
