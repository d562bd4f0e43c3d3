using Microsoft.AspNetCore.Mvc.Testing;

namespace Hotline.Tests.Console;

/// <summary>The landing page over plain HTTP (the browser tests drive the same pages in Chromium).</summary>
public sealed class ConsolePageTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_the_sign_in_page()
    {
        var browser = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/ask?q=工资拖欠", "/ask?q=%E5%B7%A5%E8%B5%84%E6%8B%96%E6%AC%A0")]
    [InlineData("/ask?q=%E5%B7%A5%E8%B5%84", "/ask?q=%E5%B7%A5%E8%B5%84")]
    [InlineData("/tickets?text=噪音 扰民#results", "/tickets?text=%E5%99%AA%E9%9F%B3%20%E6%89%B0%E6%B0%91#results")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("/\\evil.example/x", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("", "/")]
    public async Task The_language_switch_goes_back_to_a_page_whose_address_has_chinese_in_it(string returnUrl, string location)
    {
        var browser = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await browser.GetAsync($"/culture?culture=en&returnUrl={Uri.EscapeDataString(returnUrl)}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=c%3Den", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sign_in_page_is_chinese_by_default_with_labelled_inputs()
    {
        var html = WebUtility.HtmlDecode(await Factory.CreateClient().GetStringAsync("/login"));
        Assert.Contains("登录", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"userName\">", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"password\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_admin_sees_the_landing_page_with_their_name()
    {
        var browser = await SignedInBrowserAsync("wang.agent", "话务员 王芳", Roles.Admin);

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/"));

        Assert.Contains("您好，话务员 王芳", html, StringComparison.Ordinal);
        Assert.Contains("最新工单", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_agent_is_sent_from_the_landing_page_to_the_agent_console()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using var created = await Api.PostAsync(admin, "/api/admin/users", new JsonObject
        {
            ["userName"] = "hu.agent", ["displayName"] = "话务员 胡蓉", ["role"] = "Agent", ["password"] = "Correct-horse-9",
        });
        await Api.ExpectAsync(created, HttpStatusCode.Created);
        var browser = Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        using var login = await Api.PostAsync(browser, "/api/auth/login", new JsonObject { ["userName"] = "hu.agent", ["password"] = "Correct-horse-9" });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);

        using var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/agent", home.Headers.Location!.OriginalString.Replace(Factory.Server.BaseAddress.ToString(), "/", StringComparison.Ordinal));

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/agent"));
        Assert.Contains("话务台", html, StringComparison.Ordinal);
        Assert.Contains("for=\"reg-phone\"", html, StringComparison.Ordinal); // every input has its label
        Assert.Contains("键盘快捷键", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_department_handler_may_not_open_the_agent_console()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using var created = await Api.PostAsync(admin, "/api/admin/users", new JsonObject
        {
            ["userName"] = "dept.user", ["displayName"] = "承办人 陈", ["role"] = "DepartmentHandler", ["departmentCode"] = "scjg", ["password"] = "Correct-horse-9",
        });
        await Api.ExpectAsync(created, HttpStatusCode.Created);
        var browser = Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        using var login = await Api.PostAsync(browser, "/api/auth/login", new JsonObject { ["userName"] = "dept.user", ["password"] = "Correct-horse-9" });

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/agent"));

        Assert.DoesNotContain("reg-phone", html, StringComparison.Ordinal);
        Assert.Contains("话务台供话务员、派单员和管理员登记工单使用。", html, StringComparison.Ordinal);
    }

    /// <summary>Bug: a leader opening /dispatch landed on /Account/AccessDenied, a 404 with raw JSON.</summary>
    [Theory]
    [InlineData("zh-CN", "无权访问", "返回我的工作台")]
    [InlineData("en", "Access denied", "Back to my desk")]
    public async Task A_person_without_the_desks_role_sees_an_access_denied_page_in_their_language_with_a_way_back(string culture, string title, string back)
    {
        var browser = await SignedInBrowserAsync($"leader.denied.{culture}", "领导 周明", Roles.Leader, culture);

        using var response = await browser.GetAsync("/dispatch");
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("/access-denied", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains(title, html, StringComparison.Ordinal);
        Assert.Contains(back, html, StringComparison.Ordinal);
        Assert.Contains("href=\"/\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"status\":404", html, StringComparison.Ordinal);
    }

    /// <summary>Bug: rectification happened blind; the requester's 不满意 comment was in the API only, not in the console.</summary>
    [Fact]
    public async Task The_ticket_page_shows_the_requesters_rating_whether_it_was_resolved_and_the_comment()
    {
        var number = await Hotline.Tests.Ratings.RatingStory.RepliedTicketAsync(Factory);
        using var rated = await Api.PostAsync(await Factory.AgentAsync(), $"/api/tickets/{number}/rating", new JsonObject
        {
            ["level"] = "Dissatisfied", ["resolved"] = false, ["comment"] = "超市仍在销售过期牛奶", ["channel"] = "Phone",
        });
        await Api.ExpectAsync(rated, HttpStatusCode.Created);
        var browser = await SignedInBrowserAsync("sup.rating", "督办员 刘洋", Roles.Supervisor);

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync($"/tickets/{number}"));

        Assert.Contains("诉求人评价", html, StringComparison.Ordinal);
        Assert.Contains("不满意", html, StringComparison.Ordinal);
        Assert.Contains("未解决", html, StringComparison.Ordinal);
        Assert.Contains("超市仍在销售过期牛奶", html, StringComparison.Ordinal);
    }

    /// <summary>A cookie client signed in as a new console user (in <paramref name="culture"/> when given).</summary>
    private async Task<HttpClient> SignedInBrowserAsync(string userName, string displayName, string role, string? culture = null)
    {
        using var created = await Api.PostAsync(await Factory.ClientAsync(Roles.Admin), "/api/admin/users", new JsonObject
        {
            ["userName"] = userName, ["displayName"] = displayName, ["role"] = role, ["password"] = "Correct-horse-9",
        });
        await Api.ExpectAsync(created, HttpStatusCode.Created);
        var browser = Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        if (culture is not null)
            browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd(culture);
        using var login = await Api.PostAsync(browser, "/api/auth/login", new JsonObject { ["userName"] = userName, ["password"] = "Correct-horse-9" });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        return browser;
    }
}
