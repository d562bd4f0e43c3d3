using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Hotline.Server.Data;
using Hotline.Server.Ratings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Ratings;

/// <summary>The steps the rating specifications share: an answered ticket, its links, and the public pages' forms.</summary>
internal static partial class RatingStory
{
    /// <summary>Registered by an agent, dispatched to 市场监管局, signed for and replied.</summary>
    public static async Task<string> RepliedTicketAsync(HotlineFactory factory, JsonObject? body = null, string department = "scjg")
    {
        var number = (await Api.RegisterAsync(await factory.AgentAsync(), body ?? Api.Citizen(title: "超市出售过期牛奶", category: "con-food-safety"))).Number();
        await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch(department));
        await AnswerAsync(factory, number, department);
        return number;
    }

    /// <summary>The department signs for a dispatched ticket, answers its open orders and replies.</summary>
    public static async Task AnswerAsync(HotlineFactory factory, string number, string department = "scjg")
    {
        var handler = await factory.HandlerAsync(department);
        await Api.ActAsync(handler, number, "sign-for");
        var ticket = await Api.GetAsync(handler, $"/api/tickets/{number}");
        foreach (var order in ticket.GetProperty("openSupervisionOrders").EnumerateArray())
            await Api.ActAsync(handler, number, "answer-supervision", new JsonObject { ["orderNumber"] = order.GetInt32(), ["answer"] = "已重新核查，整改到位。" });
        await Api.ActAsync(handler, number, "reply", new JsonObject { ["result"] = "Resolved", ["resolution"] = "经现场检查，已责令超市下架过期牛奶并立案调查。" });
    }

    /// <summary>The rating link for the ticket's current round, as the email would carry it (path and query only).</summary>
    public static async Task<string> RatingPathAsync(HotlineFactory factory, string number)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var ticket = await db.Tickets.AsNoTracking().SingleAsync(t => t.Number == number);
        return scope.ServiceProvider.GetRequiredService<RequesterLinks>().RatingUrl(ticket).PathAndQuery;
    }

    public static T Service<T>(HotlineFactory factory) where T : notnull => factory.Services.GetRequiredService<T>();

    /// <summary>The access code as the requester has it: read from the ticket's registration email (the only place it is written).</summary>
    public static async Task<string> AccessCodeAsync(HotlineFactory factory, string number)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var email = await db.OutboxEmails.AsNoTracking().SingleAsync(o => o.TicketNumber == number && o.Kind == Hotline.Server.Notifications.EmailKinds.Registered);
        return System.Text.RegularExpressions.Regex.Match(email.TextBody, @"(?:查询码：|Access code: )([0-9]{8})").Groups[1].Value;
    }

    /// <summary>A token in the earlier (HMAC) format signed with another key: what a forger without the secret can make.</summary>
    public static string Forged(string number, int round, DateTimeOffset expires) =>
        EarlierFormat(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), number, round, expires);

    /// <summary>A rating token as links were signed before Data Protection: <c>base64url(payload).base64url(HMAC-SHA256)</c> under <paramref name="secret"/>.</summary>
    public static string EarlierFormat(string secret, string number, int round, DateTimeOffset expires)
    {
        var payload = $"{number}|{round}|{expires.ToUnixTimeSeconds()}";
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes("rating:" + payload));
        return $"{Base64Url(Encoding.UTF8.GetBytes(payload))}.{Base64Url(mac)}";
    }

    /// <summary>
    /// A real token changed: one of the earlier format gets another ticket's number under the original signature; a Data
    /// Protection one (opaque) gets one character of its protected payload changed.
    /// </summary>
    public static string Tampered(string token, string otherNumber)
    {
        if (!token.Contains('.', StringComparison.Ordinal))
            return token[..(token.Length / 2)] + (token[token.Length / 2] == 'A' ? 'B' : 'A') + token[(token.Length / 2 + 1)..];
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[0])));
        var changed = otherNumber + payload[payload.IndexOf('|', StringComparison.Ordinal)..];
        return $"{Base64Url(Encoding.UTF8.GetBytes(changed))}.{parts[1]}";
    }

    /// <summary>GETs a public page and posts one of its forms with the page's hidden fields (antiforgery, form name) plus <paramref name="fields"/>.</summary>
    public static async Task<(HttpStatusCode Status, string Html)> PostFormAsync(HttpClient client, string path, string formName, Dictionary<string, string> fields)
    {
        using var response = await PostFormResponseAsync(client, path, formName, fields);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>As <see cref="PostFormAsync"/>, with the whole response (status, headers).</summary>
    public static async Task<HttpResponseMessage> PostFormResponseAsync(HttpClient client, string path, string formName, Dictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(path);
        var form = FormPattern().Matches(page).Select(m => m.Value).First(f => f.Contains($"value=\"{formName}\"", StringComparison.Ordinal));
        var values = HiddenPattern().Matches(form).Select(m => m.Value).ToDictionary(
            input => WebUtility.HtmlDecode(NamePattern().Match(input).Groups[1].Value),
            input => WebUtility.HtmlDecode(ValuePattern().Match(input).Groups[1].Value));
        foreach (var (k, v) in fields)
            values[k] = v;
        return await client.PostAsync(path, new FormUrlEncodedContent(values));
    }

    public static async Task<(HttpStatusCode Status, string Html)> GetPageAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    public static async Task<JsonElement[]> EventsAsync(HotlineFactory factory, string number) =>
        (await Api.GetAsync(await factory.SupervisorAsync(), $"/api/tickets/{number}/events")).EnumerateArray().ToArray();

    [GeneratedRegex("<form[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*>")]
    private static partial Regex HiddenPattern();

    [GeneratedRegex("name=\"([^\"]+)\"")]
    private static partial Regex NamePattern();

    [GeneratedRegex("value=\"([^\"]*)\"")]
    private static partial Regex ValuePattern();

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Pad(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
    }
}
