using System.Collections.Concurrent;
using Hotline.Server.Live;
using Hotline.Server.Telephony;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Telephony;

/// <summary>来电弹屏 through HTTP: the telephony system posts a ringing call, the agent's screen gets the caller's history.</summary>
public sealed class TelephonyTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private const string Url = "/api/telephony/incoming";
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task A_call_pops_the_callers_earlier_tickets_newest_first_on_the_agents_hub_connection()
    {
        await CreateUserAsync("zhou.agent", "话务员 周敏", Roles.Agent);
        var agent = await Factory.AgentAsync();
        var first = (await Api.RegisterAsync(agent, Api.Citizen("路灯不亮", phone: "13900001111"))).Number();
        var second = (await Api.RegisterAsync(agent, Api.Citizen("井盖缺失", phone: "13900001111"))).Number();
        await Api.RegisterAsync(agent, Api.Citizen("别人的诉求", phone: "13900002222"));
        await using var hub = await ConnectAsUserAsync("zhou.agent");
        var telephony = await Factory.AgentAsync();

        using var response = await Api.PostAsync(telephony, Url, new JsonObject { ["callerPhone"] = "+86 139 0000 1111", ["agent"] = "zhou.agent", ["callId"] = "cti-0001" });

        var accepted = await Api.ExpectAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("zhou.agent", accepted.Str("agentUserName"));
        Assert.Equal("13900001111", accepted.Str("callerPhone"));
        Assert.Equal(2, accepted.GetProperty("historyCount").GetInt32());
        var popped = await hub.WaitForAsync();
        Assert.Equal("cti-0001", popped.CallId);
        Assert.Equal([second, first], popped.History.Select(t => t.Number));
        Assert.Equal(TicketStatusOf("Registered"), popped.History[0].Status);
    }

    [Fact]
    public async Task A_call_to_an_extension_reaches_the_agent_signed_in_there()
    {
        await CreateUserAsync("sun.agent", "话务员 孙丽", Roles.Agent);
        var seats = Factory.Services.GetRequiredService<AgentSeats>();
        var sun = await seats.FindByUserNameAsync("sun.agent");
        await seats.SetExtensionAsync(sun!.UserId, "8012");
        var agent = await Factory.AgentAsync();
        await Api.RegisterAsync(agent, Api.Enterprise());

        using var response = await Api.PostAsync(agent, Url, new JsonObject { ["callerPhone"] = "051986001234", ["extension"] = "8012", ["callId"] = "cti-0002" });

        var accepted = await Api.ExpectAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("sun.agent", accepted.Str("agentUserName"));
        Assert.True(accepted.GetProperty("historyCount").GetInt32() >= 1, "a landline typed without its dash finds tickets stored with it");
    }

    [Fact]
    public async Task Taking_an_extension_moves_it_from_the_agent_who_had_it()
    {
        await CreateUserAsync("a.seat", "话务员 甲", Roles.Agent);
        await CreateUserAsync("b.seat", "话务员 乙", Roles.Agent);
        var seats = Factory.Services.GetRequiredService<AgentSeats>();
        await seats.SetExtensionAsync((await seats.FindByUserNameAsync("a.seat"))!.UserId, "8100");
        await seats.SetExtensionAsync((await seats.FindByUserNameAsync("b.seat"))!.UserId, "8100");

        Assert.Equal("b.seat", (await seats.FindByExtensionAsync("8100"))!.UserName);
        Assert.Null((await seats.FindByUserNameAsync("a.seat"))!.Extension);
    }

    [Fact]
    public async Task A_confidential_report_is_not_in_the_popped_history_only_a_notice_that_one_exists()
    {
        await CreateUserAsync("wu.agent", "话务员 吴静", Roles.Agent);
        var agent = await Factory.AgentAsync();
        await Api.RegisterAsync(agent, Api.Citizen("举报无证经营", phone: "13900003333", confidential: true));
        await using var hub = await ConnectAsUserAsync("wu.agent");

        using var response = await Api.PostAsync(agent, Url, new JsonObject { ["callerPhone"] = "13900003333", ["agent"] = "wu.agent", ["callId"] = "cti-0003" });

        await Api.ExpectAsync(response, HttpStatusCode.Accepted);
        var popped = await hub.WaitForAsync();
        Assert.Empty(popped.History); // an agent sees confidential reporters masked: the report is never matched by phone
        Assert.True(popped.ConfidentialMatter);
    }

    [Fact]
    public async Task Bad_fields_are_named_in_a_problem()
    {
        var agent = await Factory.AgentAsync();

        using var response = await Api.PostAsync(agent, Url, new JsonObject { ["callerPhone"] = "12345", ["extension"] = "x1" });

        var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("callerPhone", out _));
        Assert.True(errors.TryGetProperty("callId", out _));
        Assert.True(errors.TryGetProperty("extension", out _));
    }

    [Fact]
    public async Task Neither_agent_nor_extension_is_a_validation_problem()
    {
        var agent = await Factory.AgentAsync();
        using var response = await Api.PostAsync(agent, Url, new JsonObject { ["callerPhone"] = "13900001111", ["callId"] = "c" });
        var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("agent", out _));
    }

    [Fact]
    public async Task An_unknown_agent_is_422_naming_the_agent_field()
    {
        var agent = await Factory.AgentAsync();

        using var response = await Api.PostAsync(agent, Url, new JsonObject { ["callerPhone"] = "13900001111", ["agent"] = "nobody", ["callId"] = "cti-0004" });

        var problem = await Api.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("nobody", problem.GetProperty("errors").GetProperty("agent")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_extension_nobody_holds_is_422_naming_the_extension_field()
    {
        var agent = await Factory.AgentAsync();
        using var response = await Api.PostAsync(agent, Url, new JsonObject { ["callerPhone"] = "13900001111", ["extension"] = "8999", ["callId"] = "cti-0005" });
        var problem = await Api.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("extension", out _));
    }

    [Fact]
    public async Task A_department_handler_is_not_an_agent_a_call_can_pop_to()
    {
        await CreateUserAsync("handler.scjg", "承办人 钱", Roles.DepartmentHandler, "scjg");
        var agent = await Factory.AgentAsync();
        using var response = await Api.PostAsync(agent, Url, new JsonObject { ["callerPhone"] = "13900001111", ["agent"] = "handler.scjg", ["callId"] = "cti-0006" });
        await Api.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Only_an_api_key_of_the_centre_may_post_calls()
    {
        var body = new JsonObject { ["callerPhone"] = "13900001111", ["agent"] = "agent", ["callId"] = "cti-0007" };
        using var anonymous = await Api.PostAsync(Factory.CreateClient(), Url, body.DeepClone());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        await CreateUserAsync("cookie.agent", "话务员 郑", Roles.Agent);
        var browser = await SignedInAsync("cookie.agent");
        using var withCookie = await Api.PostAsync(browser, Url, body.DeepClone());
        Assert.Equal(HttpStatusCode.Unauthorized, withCookie.StatusCode);

        using var handlerKey = await Api.PostAsync(await Factory.HandlerAsync("scjg"), Url, body.DeepClone());
        Assert.Equal(HttpStatusCode.Forbidden, handlerKey.StatusCode);
    }

    [Fact]
    public async Task Problems_are_in_english_on_request()
    {
        var agent = await Factory.ClientAsync(Roles.Agent, acceptLanguage: "en");
        using var response = await Api.PostAsync(agent, Url, new JsonObject { ["callerPhone"] = "13900001111", ["agent"] = "nobody", ["callId"] = "c" });
        var problem = await Api.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("There is no agent with the user name \"nobody\".", problem.GetProperty("errors").GetProperty("agent")[0].GetString());
    }

    private static Hotline.Domain.Tickets.TicketStatus TicketStatusOf(string name) => Enum.Parse<Hotline.Domain.Tickets.TicketStatus>(name);

    private async Task CreateUserAsync(string userName, string displayName, string role, string? department = null)
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using var created = await Api.PostAsync(admin, "/api/admin/users", new JsonObject
        {
            ["userName"] = userName, ["displayName"] = displayName, ["role"] = role, ["password"] = "Correct-horse-9", ["departmentCode"] = department,
        });
        await Api.ExpectAsync(created, HttpStatusCode.Created);
    }

    private async Task<HttpClient> SignedInAsync(string userName)
    {
        var browser = Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        using var login = await Api.PostAsync(browser, "/api/auth/login", new JsonObject { ["userName"] = userName, ["password"] = "Correct-horse-9" });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        return browser;
    }

    /// <summary>A hub connection with the user's own sign-in cookie, as their browser tab would have.</summary>
    private async Task<CallListener> ConnectAsUserAsync(string userName)
    {
        var handler = Factory.Server.CreateHandler();
        var cookies = new System.Net.CookieContainer();
        using (var client = new HttpClient(new CookieHandler(cookies, Factory.Server.CreateHandler())) { BaseAddress = Factory.Server.BaseAddress })
        {
            using var login = await Api.PostAsync(client, "/api/auth/login", new JsonObject { ["userName"] = userName, ["password"] = "Correct-horse-9" });
            Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        }
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Factory.Server.BaseAddress, "/hubs/tickets"), o =>
            {
                o.HttpMessageHandlerFactory = _ => handler;
                o.Transports = HttpTransportType.LongPolling;
                o.Headers["Cookie"] = cookies.GetCookieHeader(Factory.Server.BaseAddress);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        var listener = new CallListener(connection);
        await connection.StartAsync();
        await Live.LiveClient.JoinedAsync(connection);
        return listener;
    }

    private sealed class CookieHandler(System.Net.CookieContainer cookies, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                foreach (var value in values)
                    cookies.SetCookies(request.RequestUri!, value);
            }
            return response;
        }
    }

    private sealed class CallListener : IAsyncDisposable
    {
        private readonly ConcurrentQueue<IncomingCallMessage> received = new();

        public CallListener(HubConnection connection)
        {
            Connection = connection;
            connection.On<IncomingCallMessage>(nameof(ITicketsClient.IncomingCall), m => received.Enqueue(m));
        }

        public HubConnection Connection { get; }

        public async Task<IncomingCallMessage> WaitForAsync()
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                if (received.TryPeek(out var m))
                    return m;
                await Task.Delay(20);
            }
            throw new TimeoutException("The call did not arrive within 10 s.");
        }

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
