namespace Hotline.Tests.Security;

/// <summary>One operation of the OpenAPI document, with a URL for a given ticket.</summary>
internal sealed record ApiOperation(string Method, string Template, JsonElement Operation)
{
    public bool HasJsonBody => Operation.TryGetProperty("requestBody", out var body) && body.GetProperty("content").TryGetProperty("application/json", out _);

    public bool IsAboutATicket => Template.Contains("{number}", StringComparison.Ordinal);

    /// <summary>
    /// The path with its parameters filled: the ticket's number, and values that name nothing (so a change as an admin
    /// finds nothing to change and the sweep leaves the data as it found it).
    /// </summary>
    public string Url(string number, string action = "close") => System.Text.RegularExpressions.Regex.Replace(Template
        .Replace("{number}", number, StringComparison.Ordinal)
        .Replace("{action}", action, StringComparison.Ordinal)
        .Replace("{id}", "999999", StringComparison.Ordinal)
        .Replace("{code}", "no-such-code", StringComparison.Ordinal)
        .Replace("{kind}", "no-such-kind", StringComparison.Ordinal)
        .Replace("{language}", "xx", StringComparison.Ordinal)
        .Replace("{type}", "Complaint", StringComparison.Ordinal)
        .Replace("{priority}", "Normal", StringComparison.Ordinal)
        .Replace("{year}", "2026", StringComparison.Ordinal)
        .Replace("{creditCode}", "91320400MA1XXXXXXX", StringComparison.Ordinal),
        // Any other parameter (an attachment's id, …) gets a number that names nothing, so the route matches.
        "{[A-Za-z]+}", "999999");

    public HttpRequestMessage Request(string url, JsonNode? body = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(Method.ToUpperInvariant()), url);
        if (HasJsonBody)
            request.Content = JsonContent.Create(body ?? new JsonObject());
        return request;
    }

    public override string ToString() => $"{Method.ToUpperInvariant()} {Template}";

    /// <summary>Every operation the server documents.</summary>
    public static async Task<IReadOnlyList<ApiOperation>> AllAsync(HotlineFactory factory)
    {
        var document = await Api.GetAsync(factory.CreateClient(), "/openapi/v1.json");
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => new ApiOperation(m.Name, p.Name, m.Value.Clone())))
            .ToList();
        Assert.True(operations.Count > 50, $"only {operations.Count} operations documented");
        return operations;
    }
}
