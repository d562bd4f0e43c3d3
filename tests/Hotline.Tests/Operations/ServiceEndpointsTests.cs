namespace Hotline.Tests.Operations;

public sealed class ServiceEndpointsTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_checks_answer_healthy_without_signing_in(string path)
    {
        using var response = await Factory.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_ticket_api()
    {
        var doc = await Api.GetAsync(Factory.CreateClient(), "/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/tickets", "/api/tickets/{number}", "/api/tickets/{number}/events", "/api/tickets/{number}/actions/dispatch", "/api/tickets/{number}/attachments" })
            Assert.True(paths.TryGetProperty(path, out _), path);
    }

    /// <summary>
    /// A client can generate code from the document: every operation that takes a body says what it is, and every
    /// operation says what it answers (a schema for each success with content; 204 and redirects carry none).
    /// </summary>
    [Fact]
    public async Task Every_operation_in_the_openapi_document_has_its_request_and_response_schemas()
    {
        var doc = await Api.GetAsync(Factory.CreateClient(), "/openapi/v1.json");
        var missing = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                if (operation.Value.TryGetProperty("requestBody", out var body) && !HasSchema(body))
                    missing.Add($"{name}: request body without a schema");
                if (operation.Name is "post" or "put" or "patch" && !operation.Value.TryGetProperty("requestBody", out _) && !NoBodyExpected(path.Name, operation.Name))
                    missing.Add($"{name}: no request body");
                var responses = operation.Value.GetProperty("responses").EnumerateObject().ToList();
                var success = responses.Where(r => r.Name.StartsWith('2')).ToList();
                if (success.Count == 0)
                    missing.Add($"{name}: no success response");
                foreach (var r in success.Where(r => r.Name is not ("204" or "202") && !HasSchema(r.Value)))
                    missing.Add($"{name}: {r.Name} without a schema");
            }
        }
        Assert.Empty(missing);

        static bool HasSchema(JsonElement e) => e.TryGetProperty("content", out var content)
            && content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out var s) && s.EnumerateObject().Any());
    }

    /// <summary>
    /// The document also says how each operation can be refused, as RFC 7807 problems: an operation behind a role may
    /// answer 401 and 403, one whose route names a ticket or row may answer 404, one that takes input may answer 400.
    /// </summary>
    [Fact]
    public async Task Every_api_operation_in_the_openapi_document_lists_its_refusals_as_problems()
    {
        var doc = await Api.GetAsync(Factory.CreateClient(), "/openapi/v1.json");
        var missing = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var responses = operation.Value.GetProperty("responses");
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                if (path.Name.Contains('{', StringComparison.Ordinal) && !IsProblem(responses, "404"))
                    missing.Add($"{name}: no 404 problem");
                if ((operation.Value.TryGetProperty("parameters", out _) || operation.Value.TryGetProperty("requestBody", out _)) && !IsProblem(responses, "400"))
                    missing.Add($"{name}: no 400 problem");
            }
        }
        Assert.Empty(missing);
        var dispatch = doc.GetProperty("paths").GetProperty("/api/tickets/{number}/actions/dispatch").GetProperty("post").GetProperty("responses");
        foreach (var status in (string[])["400", "401", "403", "404", "409"])
            Assert.True(IsProblem(dispatch, status), status);
        var login = doc.GetProperty("paths").GetProperty("/api/auth/login").GetProperty("post").GetProperty("responses");
        Assert.False(login.TryGetProperty("403", out _)); // anyone may try to sign in

        static bool IsProblem(JsonElement responses, string status) => responses.TryGetProperty(status, out var r)
            && r.TryGetProperty("content", out var content) && content.EnumerateObject().Any(c => c.Name.StartsWith("application/problem+json", StringComparison.Ordinal));
    }

    /// <summary>Posts that take nothing but their route and the caller: retrying an email, signing out, (de)activating an account, clearing a review flag, starting a push.</summary>
    private static bool NoBodyExpected(string path, string method) =>
        method == "post" && (path.EndsWith("/retry", StringComparison.Ordinal) || path == "/api/auth/logout"
            || path.EndsWith("/deactivate", StringComparison.Ordinal) || path.EndsWith("/activate", StringComparison.Ordinal)
            || path == "/api/knowledge/flags/{id}/clear" || path == "/api/policies/{id}/pushes");

    [Fact]
    public async Task Each_action_is_its_own_operation_whose_body_is_its_change_with_the_expected_version()
    {
        var doc = await Api.GetAsync(Factory.CreateClient(), "/openapi/v1.json");
        var dispatch = doc.GetProperty("paths").GetProperty("/api/tickets/{number}/actions/dispatch").GetProperty("post");
        var schema = Resolve(doc, dispatch.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var properties = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Superset(new HashSet<string> { "departmentCode", "instructions", "enterpriseDesk", "coHandlingDepartmentCodes", "expectedVersion" }, properties.ToHashSet());
        Assert.Contains("expectedVersion", schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        var reply = Resolve(doc, doc.GetProperty("paths").GetProperty("/api/tickets/{number}/actions/reply").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Contains("resolution", reply.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.False(doc.GetProperty("paths").TryGetProperty("/api/tickets/{number}/actions/{action}", out _)); // no untyped catch-all in the document
        Assert.False(doc.GetProperty("paths").TryGetProperty("/api/tickets/{number}/actions/sla-breach", out _)); // the system's own actions are not offered

        static JsonElement Resolve(JsonElement doc, JsonElement schema) =>
            schema.TryGetProperty("$ref", out var r) ? doc.GetProperty("components").GetProperty("schemas").GetProperty(r.GetString()!.Split('/')[^1]) : schema;
    }

    [Fact]
    public async Task The_interactive_api_page_is_served()
    {
        using var response = await Factory.CreateClient().GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("openapi", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Reference_data_lists_the_seeded_departments_districts_and_categories()
    {
        var agent = await Factory.AgentAsync();
        var departments = await Api.GetAsync(agent, "/api/reference/departments");
        var categories = await Api.GetAsync(agent, "/api/reference/categories");
        var districts = await Api.GetAsync(agent, "/api/reference/districts");

        Assert.Contains(departments.EnumerateArray(), d => d.Str("code") == "scjg" && d.Str("name") == "常州市市场监督管理局");
        Assert.Contains(categories.EnumerateArray(), c => c.Str("code") == "biz-startup" && c.Str("pinyin") == "qykbyzx");
        Assert.Equal(7, districts.GetArrayLength());
    }
}
