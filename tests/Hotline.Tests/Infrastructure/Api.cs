using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hotline.Domain.Tickets;

namespace Hotline.Tests.Infrastructure;

/// <summary>Speaks the ticket API the way a client does, with sample bodies that pass validation.</summary>
public static class Api
{
    public static readonly string ValidCreditCode = "91320400MA1X2Y3K5" + UnifiedSocialCreditCode.CheckCharacter("91320400MA1X2Y3K5");

    public static JsonObject Citizen(string title = "小区门口夜间占道经营", string phone = "13812345678", bool confidential = false,
        string category = "urban-management", string type = "Complaint") => new()
    {
        ["type"] = type,
        ["channel"] = "Phone",
        ["priority"] = "Normal",
        ["requester"] = new JsonObject { ["kind"] = "Citizen", ["name"] = "张三丰", ["phone"] = phone, ["email"] = "zhang@example.com", ["confidential"] = confidential },
        ["title"] = title,
        ["description"] = "每天晚上九点后有摊贩在延陵中路小区门口占道经营，油烟和噪音很大，希望城管部门处理。",
        ["categoryCode"] = category,
        ["districtCode"] = "tianning",
        ["address"] = "天宁区延陵中路88号",
        ["tags"] = new JsonArray("占道经营"),
    };

    public static JsonObject Enterprise(string creditCode = "", string title = "企业开办超过承诺时限仍未办结") => new()
    {
        ["type"] = "Complaint",
        ["channel"] = "Web",
        ["requester"] = new JsonObject
        {
            ["kind"] = "Enterprise", ["name"] = "常州市恒远精密机械有限公司", ["phone"] = "0519-86001234",
            ["email"] = "service@hengyuan.example.com", ["creditCode"] = creditCode.Length > 0 ? creditCode : ValidCreditCode, ["contactPerson"] = "李经理",
        },
        ["title"] = title,
        ["description"] = "我公司在政务服务中心提交企业设立登记，窗口承诺2个工作日内办结，至今已超过10个工作日。",
        ["categoryCode"] = "biz-startup",
        ["districtCode"] = "xinbei",
    };

    public static async Task<JsonElement> RegisterAsync(HttpClient client, JsonObject? body = null, string? idempotencyKey = null)
    {
        using var response = await PostAsync(client, "/api/tickets", body ?? Citizen(), idempotencyKey);
        return await ExpectAsync(response, HttpStatusCode.Created);
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, JsonNode body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> ActionAsync(HttpClient client, string number, string action, int expectedVersion, JsonObject? fields = null)
    {
        var body = fields ?? [];
        body["expectedVersion"] = expectedVersion;
        return PostAsync(client, $"/api/tickets/{number}/actions/{action}", body);
    }

    /// <summary>Takes an action on the ticket's current version and expects success.</summary>
    public static async Task<JsonElement> ActAsync(HttpClient client, string number, string action, JsonObject? fields = null)
    {
        var current = await GetAsync(client, $"/api/tickets/{number}");
        using var response = await ActionAsync(client, number, action, current.GetProperty("version").GetInt32(), fields);
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return await ExpectAsync(response, HttpStatusCode.OK);
    }

    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string Number(this JsonElement ticket) => ticket.GetProperty("number").GetString()!;

    public static string[] Strings(this JsonElement array) => array.EnumerateArray().Select(a => a.GetString()!).ToArray();

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static JsonObject Dispatch(string department) => new() { ["departmentCode"] = department, ["instructions"] = "请按职责办理。" };

    public static JsonObject Reply(string result = "Resolved") => new() { ["result"] = result, ["resolution"] = "已现场核查并处理，摊贩已劝离。" };

    public static JsonObject Return() => new() { ["reason"] = "NotOurResponsibility", ["explanation"] = "该事项不属于本单位职责。" };

    public static JsonObject Reopen() => new() { ["reason"] = "诉求人反映问题仍未解决。" };
}
