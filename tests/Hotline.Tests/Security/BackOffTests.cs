using Hotline.Server.Access;
using Hotline.Server.Ratings;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using static Hotline.Tests.Ratings.RatingStory;

namespace Hotline.Tests.Security;

/// <summary>
/// Guessing, with the production settings: a sign-in does not tell whether the name exists, failures back off per
/// client address and per account instead of locking anyone out, bad API keys and wrong access codes back off too.
/// Each client is a different address through the trusted local proxy (X-Forwarded-For from loopback). The clock is the
/// test's, so waiting is moving it.
/// </summary>
public sealed class BackOffTests(BackOffTests.ProductionLimitsFixture fixture) : IClassFixture<BackOffTests.ProductionLimitsFixture>
{
    private HotlineFactory factory => fixture.Factory;
    private CountingHasher hasher => fixture.Hasher;

    /// <summary>A real socket, the production limits, and a password hasher that counts.</summary>
    public sealed class ProductionLimitsFixture : HotlineFixture
    {
        public ProductionLimitsFixture()
            : base(new HotlineFactory(kestrel: true, productionLimits: true)) =>
            Factory.TestServices = s =>
            {
                s.RemoveAll<IPasswordHasher<HotlineUser>>();
                s.AddSingleton<IPasswordHasher<HotlineUser>>(Hasher);
            };

        public CountingHasher Hasher { get; } = new();
    }

    [Fact]
    public async Task An_unknown_name_costs_the_same_password_check_as_a_wrong_password()
    {
        await SecurityKit.CreateUserAsync(factory, "timing.known", Roles.Agent);
        var client = Client("198.51.100.1");

        var before = hasher.Verifications;
        using var unknown = await LoginAsync(client, "timing.nobody", "Wrong-horse-1");
        var afterUnknown = hasher.Verifications;
        using var wrong = await LoginAsync(client, "timing.known", "Wrong-horse-1");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (unknown.StatusCode, wrong.StatusCode));
        Assert.Equal(await unknown.Content.ReadAsStringAsync().ContinueWith(t => t.Result.Length), await wrong.Content.ReadAsStringAsync().ContinueWith(t => t.Result.Length));
        Assert.Equal(1, afterUnknown - before);
        Assert.Equal(1, hasher.Verifications - afterUnknown);
    }

    [Fact]
    public async Task Failures_from_one_address_back_off_then_let_the_right_password_in()
    {
        await SecurityKit.CreateUserAsync(factory, "sprayed", Roles.Agent);
        var attacker = Client("198.51.100.2");
        var free = Options.LoginPerClient.FreeFailures;
        for (var i = 0; i <= free; i++) // one name each: only the address's count is at work
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(attacker, $"spray{i}", "Wrong-horse-1")).StatusCode);

        using var waiting = await LoginAsync(attacker, "sprayed", SecurityKit.Password);
        var problem = await SecurityKit.ProblemAsync(waiting, HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(waiting.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(retryAfter, problem.GetProperty("retryAfter").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(Client("198.51.100.3"), "sprayed", SecurityKit.Password)).StatusCode); // others are not held up

        factory.Clock.Advance(TimeSpan.FromSeconds(retryAfter));
        Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(attacker, "sprayed", SecurityKit.Password)).StatusCode);
    }

    [Fact]
    public async Task Trying_someones_name_cannot_lock_them_out()
    {
        await SecurityKit.CreateUserAsync(factory, "targeted", Roles.Supervisor);
        var ownBrowser = Client("198.51.100.10");
        using (var first = await LoginAsync(ownBrowser, "targeted", SecurityKit.Password))
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode); // the browser gets its device cookie

        for (var i = 0; i < 50; i++) // from many addresses, as a botnet would
            await LoginAsync(Client($"203.0.113.{i + 1}"), "targeted", "Wrong-horse-1");

        using var stranger = await LoginAsync(Client("203.0.113.200"), "targeted", SecurityKit.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, stranger.StatusCode); // unknown browsers wait...
        using var own = await LoginAsync(ownBrowser, "targeted", SecurityKit.Password);
        Assert.Equal(HttpStatusCode.NoContent, own.StatusCode); // ...the person's own browser does not

        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<HotlineUser>>();
        Assert.False(await users.IsLockedOutAsync((await users.FindByNameAsync("targeted"))!));
        factory.Clock.Advance(TimeSpan.FromSeconds(Options.LoginPerAccount.MaxDelaySeconds));
        Assert.Equal(HttpStatusCode.NoContent, (await LoginAsync(Client("203.0.113.201"), "targeted", SecurityKit.Password)).StatusCode);
    }

    [Fact]
    public async Task A_burst_of_simultaneous_guesses_cannot_slip_past_the_count()
    {
        var client = Client("198.51.100.20");
        var before = hasher.Verifications;

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using var response = await LoginAsync(client, $"burst{i}", "Wrong-horse-1");
            return response.StatusCode;
        }));

        Assert.True(hasher.Verifications - before <= Options.LoginPerClient.FreeFailures + 1, $"{hasher.Verifications - before} passwords checked");
        Assert.Equal(50 - Options.LoginPerClient.FreeFailures - 1, answers.Count(a => a == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Bad_api_keys_back_off_per_address()
    {
        var good = await factory.ApiKeyAsync(Roles.Agent);
        var guesser = Client("198.51.100.30");
        HttpStatusCode last = default;
        for (var i = 0; i <= Options.ApiKeyPerClient.FreeFailures; i++)
            last = (await GetWithKeyAsync(guesser, $"hl_{i:x8}_{new string('0', 64)}")).StatusCode;

        Assert.Equal(HttpStatusCode.TooManyRequests, last);
        using var waiting = await GetWithKeyAsync(guesser, good);
        Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode);
        Assert.True(waiting.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.OK, (await GetWithKeyAsync(Client("198.51.100.31"), good)).StatusCode);

        factory.Clock.Advance(TimeSpan.FromSeconds(Options.ApiKeyPerClient.MaxDelaySeconds));
        Assert.Equal(HttpStatusCode.OK, (await GetWithKeyAsync(guesser, good)).StatusCode);
    }

    [Fact]
    public async Task Wrong_access_codes_back_off_per_ticket_from_every_address()
    {
        var number = (await Api.RegisterAsync(await factory.AgentAsync(), Api.Enterprise())).Number();
        var code = await Hotline.Tests.Ratings.RatingStory.AccessCodeAsync(factory, number);
        var wrong = code[..7] + (code[7] == '0' ? '1' : '0');
        for (var i = 0; i <= Options.TrackPerTicket.FreeFailures; i++)
            Assert.Equal(HttpStatusCode.Forbidden, (await PostFormAsync(Client($"192.0.2.{i + 1}"), "/track", "track", Lookup(number, wrong))).Status);

        var (status, html) = await PostFormAsync(Client("192.0.2.100"), "/track", "track", Lookup(number, code));
        Assert.Equal(HttpStatusCode.TooManyRequests, status); // the right code waits too: the ticket's codes are being tried
        Assert.Contains("查询码错误次数过多", html, StringComparison.Ordinal);

        factory.Clock.Advance(TimeSpan.FromSeconds(Options.TrackPerTicket.MaxDelaySeconds));
        Assert.Equal(HttpStatusCode.OK, (await PostFormAsync(Client("192.0.2.101"), "/track", "track", Lookup(number, code))).Status);
    }

    [Fact]
    public async Task Wrong_access_codes_back_off_per_address_across_tickets()
    {
        var agent = await factory.AgentAsync();
        var numbers = new List<string>();
        for (var i = 0; i <= Options.TrackPerClient.FreeFailures + 1; i++)
            numbers.Add((await Api.RegisterAsync(agent, Api.Enterprise(title: $"逐个试查询码{i}"))).Number());
        var client = Client("192.0.2.200");

        var statuses = new List<HttpStatusCode>();
        foreach (var number in numbers) // one wrong code per ticket: the ticket counts never trip
            statuses.Add((await PostFormAsync(client, "/track", "track", Lookup(number, "00000000"))).Status);

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(Options.TrackPerClient.FreeFailures + 1, statuses.Count(s => s == HttpStatusCode.Forbidden));
    }

    private Hotline.Server.Security.SecurityOptions Options => factory.Services.GetRequiredService<IOptions<Hotline.Server.Security.SecurityOptions>>().Value;

    private static Dictionary<string, string> Lookup(string number, string code) => new() { ["Lookup.Number"] = number, ["Lookup.Code"] = code };

    /// <summary>A browser at its own address, with its own cookies.</summary>
    private HttpClient Client(string address)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string userName, string password) =>
        Api.PostAsync(client, "/api/auth/login", new JsonObject { ["userName"] = userName, ["password"] = password });

    private static async Task<HttpResponseMessage> GetWithKeyAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/tickets?limit=1");
        request.Headers.Add("X-Api-Key", key);
        return await client.SendAsync(request);
    }

    /// <summary>Identity's hasher, counting how often a password is checked.</summary>
    public sealed class CountingHasher : IPasswordHasher<HotlineUser>
    {
        private readonly PasswordHasher<HotlineUser> inner = new();
        private int verifications;

        public int Verifications => Volatile.Read(ref verifications);

        public string HashPassword(HotlineUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(HotlineUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
