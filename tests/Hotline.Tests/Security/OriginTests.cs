using System.Net.WebSockets;
using System.Text;

namespace Hotline.Tests.Security;

/// <summary>
/// A page on another port of the same host gets the user's cookie (same site) but not their origin: it may not open
/// the hub or a console circuit, and may not make a cookie-authenticated change. On a real socket, as a browser would.
/// </summary>
public sealed class OriginTests(KestrelHotlineFixture fixture) : IClassFixture<KestrelHotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;
    private Uri Site => fixture.BaseAddress;
    private string OwnOrigin => Site.GetLeftPart(UriPartial.Authority);
    private string OtherPort => $"{Site.Scheme}://{Site.Host}:{(Site.Port == 8080 ? 8081 : 8080)}";

    [Fact]
    public async Task The_hub_refuses_a_websocket_from_another_origin_that_carries_the_cookie()
    {
        var cookie = await CookieAsync("ws.agent", Roles.Agent);

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => OpenHubSocketAsync(cookie, OtherPort));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);

        using var own = await OpenHubSocketAsync(cookie, OwnOrigin);
        Assert.Equal(WebSocketState.Open, own.State);
        Assert.Contains("{}", await HandshakeAsync(own), StringComparison.Ordinal); // the SignalR handshake answer
    }

    [Theory]
    [InlineData("/hubs/tickets/negotiate?negotiateVersion=1")]
    [InlineData("/_blazor/negotiate?negotiateVersion=1")]
    public async Task Negotiating_a_hub_or_a_console_circuit_from_another_origin_is_refused(string url)
    {
        var cookie = await CookieAsync($"negotiate.{url.Length}", Roles.Dispatcher);

        using var foreign = await SendAsync(HttpMethod.Post, url, cookie, OtherPort);
        using var own = await SendAsync(HttpMethod.Post, url, cookie, OwnOrigin);

        await SecurityKit.ProblemAsync(foreign, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task A_cookie_upload_needs_the_site_origin_and_the_antiforgery_token()
    {
        var cookie = await CookieAsync("upload.agent", Roles.Agent);
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Citizen(title: "跨站上传"))).Number();
        var url = $"/api/tickets/{number}/attachments";
        var before = await SecurityKit.DatabaseStateAsync(Factory);

        using (var foreign = await SendAsync(HttpMethod.Post, url, cookie, OtherPort, Files.Png("跨站.png")))
            await SecurityKit.ProblemAsync(foreign, HttpStatusCode.Forbidden);
        using (var noToken = await SendAsync(HttpMethod.Post, url, cookie, OwnOrigin, Files.Png("无令牌.png")))
            await SecurityKit.ProblemAsync(noToken, HttpStatusCode.BadRequest);
        using (var noOrigin = await SendAsync(HttpMethod.Post, url, cookie, origin: null, Files.Png("无来源.png")))
            await SecurityKit.ProblemAsync(noOrigin, HttpStatusCode.BadRequest);
        Assert.Equal(before, await SecurityKit.DatabaseStateAsync(Factory));

        // The site's own script asks for a token (which another origin cannot read) and sends it.
        using var tokenResponse = await SendAsync(HttpMethod.Get, "/api/auth/antiforgery", cookie, OwnOrigin);
        var token = await Api.ExpectAsync(tokenResponse, HttpStatusCode.OK);
        var withAntiforgeryCookie = $"{cookie}; {tokenResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal))}";
        using var upload = await SendAsync(HttpMethod.Post, url, withAntiforgeryCookie, OwnOrigin, Files.Png("现场.png"),
            (token.Str("headerName"), token.Str("token")));
        await Api.ExpectAsync(upload, HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_api_key_upload_needs_no_token()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "集成上传"))).Number();

        using var upload = await agent.PostAsync($"/api/tickets/{number}/attachments", Files.Png("集成.png"));

        await Api.ExpectAsync(upload, HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_form_shaped_cookie_post_cannot_register_a_ticket()
    {
        var cookie = await CookieAsync("form.agent", Roles.Agent);
        var before = await SecurityKit.DatabaseStateAsync(Factory);

        // What a <form enctype="text/plain"> on another site can send: JSON-looking text without the JSON content type.
        using var response = await SendAsync(HttpMethod.Post, "/api/tickets", cookie, origin: null,
            new StringContent(Api.Citizen().ToJsonString(), Encoding.UTF8, "text/plain"));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType, $"{(int)response.StatusCode}");
        Assert.Equal(before, await SecurityKit.DatabaseStateAsync(Factory));
    }

    [Fact]
    public async Task A_cookie_change_from_another_origin_is_refused_even_as_json()
    {
        var cookie = await CookieAsync("json.agent", Roles.Agent);

        using var response = await SendAsync(HttpMethod.Post, "/api/tickets", cookie, OtherPort, JsonContent.Create(Api.Citizen()));

        await SecurityKit.ProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_configured_console_origin_is_allowed_too()
    {
        await using var factory = new HotlineFactory(kestrel: true, settings: new Dictionary<string, string?> { ["Security:AllowedOrigins:0"] = "https://hotline.example.gov.cn" });
        try
        {
            factory.StartServer();
            await SecurityKit.CreateUserAsync(factory, "proxied", Roles.Agent);
            var cookie = await SecurityKit.SignInAsync(factory, "proxied");
            using var client = new HttpClient { BaseAddress = factory.ClientOptions.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/tickets/negotiate?negotiateVersion=1");
            request.Headers.Add("Cookie", cookie);
            request.Headers.Add("Origin", "https://hotline.example.gov.cn");

            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            factory.DeleteData();
        }
    }

    [Fact]
    public async Task Behind_a_tls_proxy_the_cookies_are_secure()
    {
        await SecurityKit.CreateUserAsync(Factory, "tls.agent", Roles.Agent);
        using var client = new HttpClient { BaseAddress = Site };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = JsonContent.Create(new { userName = "tls.agent", password = SecurityKit.Password }),
        };
        request.Headers.Add("X-Forwarded-Proto", "https"); // from loopback: a trusted proxy

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.All(response.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Behind_a_tls_proxy_answers_ask_for_https_from_then_on()
    {
        using var client = new HttpClient { BaseAddress = Site };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Host = "hotline.example.gov.cn"; // HSTS is never sent for localhost

        using var response = await client.SendAsync(request);
        using var plain = await client.GetAsync("/health/live");

        Assert.Contains("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security")); // only over HTTPS
    }

    [Fact]
    public async Task An_encoded_nul_in_the_path_is_refused_by_kestrel_before_the_application_and_changes_nothing()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "路径里的空字符"))).Number();
        using var client = new HttpClient { BaseAddress = Site };
        client.DefaultRequestHeaders.Add("X-Api-Key", await Factory.ApiKeyAsync(Roles.Supervisor));
        var before = await SecurityKit.DatabaseStateAsync(Factory);

        using var response = await client.PostAsync($"/api/tickets/{number}/actions/close%00", JsonContent.Create(new { expectedVersion = 1 }));

        // Kestrel answers this itself (an empty 400, connection closed); no application code runs, so nothing changes.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await SecurityKit.DatabaseStateAsync(Factory));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/tickets/{number}")).StatusCode);
    }

    private async Task<string> CookieAsync(string userName, string role)
    {
        await SecurityKit.CreateUserAsync(Factory, userName, role);
        return await SecurityKit.SignInAsync(Factory, userName);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string cookie, string? origin, HttpContent? content = null,
        (string Name, string Value)? header = null)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = Site };
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("Cookie", cookie);
        if (origin is not null)
            request.Headers.Add("Origin", origin);
        if (header is { } h)
            request.Headers.Add(h.Name, h.Value);
        return await client.SendAsync(request);
    }

    private async Task<ClientWebSocket> OpenHubSocketAsync(string cookie, string origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", cookie);
        socket.Options.SetRequestHeader("Origin", origin);
        try
        {
            await socket.ConnectAsync(new Uri($"ws://{Site.Authority}/hubs/tickets"), CancellationToken.None);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string> HandshakeAsync(ClientWebSocket socket)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }
}
