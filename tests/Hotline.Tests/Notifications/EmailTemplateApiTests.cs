namespace Hotline.Tests.Notifications;

/// <summary>Admins keep the email templates: list, read, replace; a template that does not parse is refused.</summary>
public sealed class EmailTemplateApiTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task Every_kind_is_seeded_in_Chinese_and_English()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        var list = (await Api.GetAsync(admin, "/api/notifications/templates")).EnumerateArray().Select(t => $"{t.Str("kind")}/{t.Str("language")}").ToList();
        Assert.Equal(Hotline.Server.Notifications.EmailKinds.All.Count * 2, list.Count);
        foreach (var kind in Hotline.Server.Notifications.EmailKinds.All)
            Assert.Contains($"{kind}/zh-CN", list);
        var one = await Api.GetAsync(admin, "/api/notifications/templates/replied/en");
        Assert.Contains("{{ links.rating }}", one.Str("text"), StringComparison.Ordinal);
        Assert.Contains("{{ links.rating }}", one.Str("html"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_that_does_not_parse_is_refused_field_by_field_in_the_callers_language()
    {
        var admin = await Factory.ClientAsync(Roles.Admin, acceptLanguage: "en");
        using var response = await admin.PutAsJsonAsync("/api/notifications/templates/closed/en", new
        {
            subject = "Closed {{ ticket.number ", text = "{% if ticket.number %}no end", html = "<p>{{ ticket.number }}</p>",
        });
        var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["subject", "text"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.StartsWith("The template does not parse:", errors.GetProperty("subject")[0].GetString(), StringComparison.Ordinal);

        using var missing = await admin.PutAsJsonAsync("/api/notifications/templates/closed/en", new { subject = "x", text = "y" });
        Assert.Equal("html", (await Api.ExpectAsync(missing, HttpStatusCode.BadRequest)).GetProperty("errors").EnumerateObject().Single().Name);
        using var unknown = await admin.PutAsJsonAsync("/api/notifications/templates/birthday/en", new { subject = "x", text = "y", html = "z" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task An_edited_template_is_used_for_the_next_email_and_only_admins_may_edit()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using (var put = await admin.PutAsJsonAsync("/api/notifications/templates/registered/zh-CN", new
        {
            subject = "【12345】已受理 {{ ticket.number }}", text = "{{ requester.name }}：已受理。查询码 {{ links.accessCode }}", html = "<p>{{ ticket.title }}</p>",
        }))
            Assert.Equal("【12345】已受理 {{ ticket.number }}", (await Api.ExpectAsync(put, HttpStatusCode.OK)).Str("subject"));
        using (var forbidden = await (await Factory.SupervisorAsync()).PutAsJsonAsync("/api/notifications/templates/registered/zh-CN", new { subject = "x", text = "y", html = "z" }))
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        var body = Api.Citizen(title: "<i>模板</i>");
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), body)).Number();
        var row = Assert.Single(await Mail.OutboxAsync(Factory, number));
        Assert.Equal($"【12345】已受理 {number}", row.Subject);
        Assert.StartsWith("张三丰：已受理。查询码 ", row.TextBody, StringComparison.Ordinal);
        Assert.Equal("<p>&lt;i&gt;模板&lt;/i&gt;</p>", row.HtmlBody.Trim());
    }
}
