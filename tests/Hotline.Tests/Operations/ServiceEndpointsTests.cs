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
        foreach (var path in new[] { "/api/tickets", "/api/tickets/{number}", "/api/tickets/{number}/events", "/api/tickets/{number}/actions/{action}", "/api/tickets/{number}/attachments" })
            Assert.True(paths.TryGetProperty(path, out _), path);
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
