using System.Reflection;
using System.Text;
using System.Text.Json.Serialization;
using Hotline.Domain.Tickets;

namespace Hotline.Tests.Security;

/// <summary>
/// Every JSON body of the API (from /openapi/v1.json, and each ticket action's body from its change type) sent with
/// bad input: wrong types, enums out of range, control characters, nonsense deadlines, a body of the wrong shape,
/// nested too deep or too large. Each is a ProblemDetails 4xx and leaves the database as it was.
/// </summary>
public sealed class BodySweepTests
{
    /// <summary>Valid bodies, so that a refusal is about the one field changed.</summary>
    private static readonly Dictionary<string, Func<JsonObject>> Samples = new(StringComparer.Ordinal)
    {
        ["post /api/tickets"] = () => Api.Citizen(),
        ["post /api/tickets/duplicate-hints"] = () => Api.Citizen(),
        ["post /api/routing/preview"] = () => Api.Citizen(),
        ["post /api/telephony/incoming"] = () => new() { ["callerPhone"] = "13812345678", ["agent"] = "nobody", ["callId"] = "sweep-1" },
        ["post /api/admin/users"] = () => new() { ["userName"] = "sweep.user", ["role"] = "Agent", ["password"] = "Correct-horse-9" },
        ["post /api/admin/api-keys"] = () => new() { ["name"] = "扫描", ["role"] = "Agent" },
        ["post /api/auth/login"] = () => new() { ["userName"] = "nobody", ["password"] = "Wrong-horse-1" },
        ["post /api/tickets/{number}/rating"] = () => new() { ["level"] = "Satisfied", ["resolved"] = true },
        ["post /api/knowledge/articles"] = () => new() { ["title"] = "扫描条目", ["answer"] = "扫描答复。", ["expiresOn"] = "2027-06-30" },
        ["post /api/policies"] = () => new() { ["title"] = "扫描政策", ["summary"] = "扫描摘要。", ["validTo"] = "2027-06-30" },
    };

    [Fact]
    public Task Every_body_refuses_bad_input_with_a_problem_and_stores_nothing() => HotlineFactory.RunAsync(async factory =>
    {
        var admin = await factory.ClientAsync(Roles.Admin);
        var number = (await Api.RegisterAsync(await factory.AgentAsync(), Api.Citizen(title: "坏输入扫描"))).Number();
        await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        var document = await Api.GetAsync(factory.CreateClient(), "/openapi/v1.json");
        var sent = 0;

        foreach (var operation in (await ApiOperation.AllAsync(factory)).Where(o => o.HasJsonBody))
        {
            var key = $"{operation.Method} {operation.Template}";
            if (operation.Template.EndsWith("/actions/{action}", StringComparison.Ordinal))
                continue; // the actions' bodies come from their change types, below
            var sample = Samples.TryGetValue(key, out var make) ? make() : [];
            var properties = Properties(document, operation);
            sent += await SweepAsync(factory, admin, operation.ToString(), operation.Url(number), sample, properties, fieldNamed: Samples.ContainsKey(key));
        }

        foreach (var transition in TicketWorkflow.Transitions.Where(t => !TicketWorkflow.IsSystemOnly(t.Action) && !TicketWorkflow.HasOwnEndpoint(t.Action)))
        {
            var version = (await Api.GetAsync(admin, $"/api/tickets/{number}")).GetProperty("version").GetInt32();
            var properties = transition.ChangeType.GetConstructors().Single().GetParameters()
                .Select(p => (Name: JsonNamingPolicy.CamelCase.ConvertName(p.Name!), Kind: KindOf(p.ParameterType)))
                .Where(p => p.Kind is not null).Select(p => (p.Name, p.Kind!)).ToList();
            sent += await SweepAsync(factory, admin, transition.RouteName, $"/api/tickets/{number}/actions/{transition.RouteName}",
                ActionSample(transition.ChangeType, version), properties, fieldNamed: true);
        }
        Assert.True(sent > 300, $"only {sent} bad bodies sent");
    });

    /// <summary>A body for the action that passes its validation, so a refusal is about the field changed.</summary>
    private static JsonObject ActionSample(Type changeType, int version)
    {
        var body = new JsonObject { ["expectedVersion"] = version };
        foreach (var parameter in changeType.GetConstructors().Single().GetParameters())
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            body[name] = name switch
            {
                "departmentCode" => "scjg",
                "masterNumber" => "HL20261123000099",
                _ when type == typeof(string) => "扫描说明",
                _ when type.IsEnum => Enum.GetNames(type)[0],
                _ when type == typeof(bool) => true,
                _ when type == typeof(int) => 1,
                _ when type == typeof(DateTimeOffset) => (HotlineFactory.Start + TimeSpan.FromDays(3)).ToString("O"),
                _ => null,
            };
            if (body[name] is null)
                body.Remove(name);
        }
        return body;
    }

    private static async Task<int> SweepAsync(HotlineFactory factory, HttpClient client, string name, string url, JsonObject sample,
        IReadOnlyList<(string Name, string Kind)> properties, bool fieldNamed)
    {
        var before = await SecurityKit.DatabaseStateAsync(factory);
        var sent = 0;
        foreach (var (what, body, field) in Mutations(sample, properties))
        {
            using var response = await client.PostOrPutAsync(name, url, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name} with {what}: {(int)response.StatusCode} {text}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{name} with {what}: not a problem: {text}");
            if (fieldNamed && field is not null && response.StatusCode == HttpStatusCode.BadRequest)
                Assert.True(text.Contains($"\"{field}", StringComparison.Ordinal), $"{name} with {what}: the field is not named: {text}");
            sent++;
        }
        Assert.True(before == await SecurityKit.DatabaseStateAsync(factory), $"{name}: bad input changed the database");
        return sent;
    }

    /// <summary>Each bad body, what it is, and the field a 400 should name (null when the whole body is wrong).</summary>
    private static IEnumerable<(string What, string Body, string? Field)> Mutations(JsonObject sample, IReadOnlyList<(string Name, string Kind)> properties)
    {
        yield return ("an array for a body", "[]", null);
        yield return ("a string for a body", "\"text\"", null);
        yield return ("a number for a body", "42", null);
        yield return ("nesting 300 deep", "{\"x\":" + string.Concat(Enumerable.Repeat("[", 300)) + string.Concat(Enumerable.Repeat("]", 300)) + "}", null);
        yield return ("a body over the size limit", $"{{\"x\":\"{new string('x', 70_000)}\"}}", null);
        foreach (var (property, kind) in properties)
        {
            var values = kind switch
            {
                "string" => ["123", "{\"a\":1}", "\"a\\u0000b\"", "\"\\u001b[2J\"", "\"\\u202egnp.exe\"", "\"\\ud800\""],
                "enum" => ["99", "\"99\"", "\"NoSuchValue\"", "\"Complaint, Report\"", "-1", "true"],
                "boolean" => new[] { "\"yes\"", "2", "{}" },
                "integer" => ["\"many\"", "1.5", "1e400", "true"],
                "day" => ["\"9999-12-31\"", "\"0001-01-01\"", "\"2026-99-99\"", "20261206"],
                "deadline" => ["\"9999-12-31T00:00:00+08:00\"", "\"0001-01-01T00:00:00+08:00\"", "\"2026-13-45T99:00:00\"", "12"],
                "array" => ["\"not a list\"", "{\"a\":1}", "[{\"a\":1}]", "[null]"],
                _ => ["\"not an object\"", "[]"],
            };
            foreach (var value in values)
            {
                var body = (JsonObject)sample.DeepClone();
                body[property] = JsonNode.Parse("0"); // placeholder, replaced as raw text below (some values are not valid JSON values on their own)
                var json = body.ToJsonString().Replace($"\"{property}\":0", $"\"{property}\":{value}", StringComparison.Ordinal);
                yield return ($"{property} = {value}", json, property);
            }
        }
    }

    /// <summary>The properties a body schema documents, with the kind of bad value to try.</summary>
    private static List<(string Name, string Kind)> Properties(JsonElement document, ApiOperation operation)
    {
        var schema = Resolve(document, operation.Operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        if (!schema.TryGetProperty("properties", out var properties))
            return [];
        return properties.EnumerateObject().Select(p => (p.Name, Kind: KindOf(document, p.Value))).Where(p => p.Kind is not null).Select(p => (p.Name, p.Kind!)).ToList();
    }

    private static string? KindOf(JsonElement document, JsonElement schema)
    {
        if (schema.TryGetProperty("oneOf", out var oneOf))
            schema = oneOf.EnumerateArray().FirstOrDefault(s => !s.TryGetProperty("type", out var t) || t.GetString() != "null");
        schema = Resolve(document, schema);
        if (schema.ValueKind != JsonValueKind.Object)
            return null;
        if (schema.TryGetProperty("enum", out _))
            return "enum";
        if (!schema.TryGetProperty("type", out var type))
            return schema.TryGetProperty("properties", out _) ? "object" : null;
        var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToList() : [type.GetString()];
        if (types.Contains("integer"))
            return "integer"; // a number the Web defaults also read from a string ("integer" and "string" with a pattern)
        if (types.Contains("string"))
        {
            var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
            return format == "date-time" ? null : format == "date" ? "day" : "string";
        }
        return types.Contains("boolean") ? "boolean" : types.Contains("array") ? "array" : types.Contains("object") ? "object" : null;
    }

    private static string? KindOf(Type type)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        return inner == typeof(string) ? "string"
            : inner.IsEnum ? "enum"
            : inner == typeof(bool) ? "boolean"
            : inner == typeof(int) || inner == typeof(long) ? "integer"
            : inner == typeof(DateTimeOffset) ? "deadline"
            : typeof(System.Collections.IEnumerable).IsAssignableFrom(inner) ? "array"
            : null;
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;
}

internal static class SweepRequests
{
    /// <summary>Sends a raw JSON body with the operation's method (PUT for the PUT operations, POST otherwise).</summary>
    public static Task<HttpResponseMessage> PostOrPutAsync(this HttpClient client, string operation, string url, string json) =>
        client.SendAsync(new HttpRequestMessage(operation.StartsWith("PUT ", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post, url)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        });
}
