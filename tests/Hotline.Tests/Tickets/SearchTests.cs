using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Tickets;

public sealed class SearchTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task Keyset_pages_walk_newest_first_without_gaps_or_repeats()
    {
        var agent = await Factory.AgentAsync();
        var registered = new List<string>();
        for (var i = 0; i < 25; i++)
            registered.Add((await Api.RegisterAsync(agent, Api.Citizen(title: $"分页工单{i:D2}"))).Number());

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Api.GetAsync(agent, $"/api/tickets?q=分页工单&limit=10{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.Number()));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(registered), seen);
    }

    [Fact]
    public async Task Filters_narrow_by_status_type_category_tree_district_text_phone_credit_code_and_date()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var citizen = (await Api.RegisterAsync(agent, Api.Citizen(title: "筛选：夜间施工噪音", phone: "13700001111", category: "environment"))).Number();
        var enterprise = (await Api.RegisterAsync(agent, Api.Enterprise(title: "筛选：企业开办超时"))).Number();
        await Api.ActAsync(dispatcher, enterprise, "dispatch", Api.Dispatch("scjg"));

        async Task<string[]> Find(string query) =>
            (await Api.GetAsync(agent, $"/api/tickets?q=筛选&{query}")).GetProperty("items").EnumerateArray().Select(t => t.Number()).ToArray();

        Assert.Equal([enterprise], await Find("status=Dispatched"));
        Assert.Equal([citizen], await Find("status=registered"));
        Assert.Equal([enterprise], await Find("department=scjg"));
        Assert.Equal([enterprise], await Find("category=biz-startup")); // parent node finds its children's tickets
        Assert.Equal([enterprise], await Find("district=xinbei"));
        Assert.Equal([citizen], await Find("phone=13700001111"));
        Assert.Equal([enterprise], await Find($"creditCode={Api.ValidCreditCode.ToLowerInvariant()}"));
        var byText = await Api.GetAsync(agent, $"/api/tickets?q={Uri.EscapeDataString("夜间施工噪音")}");
        Assert.Equal([citizen], byText.GetProperty("items").EnumerateArray().Select(t => t.Number()).ToArray());
        Assert.Equal(2, (await Find("type=Complaint&from=2026-11-23&to=2026-11-23")).Length);
        Assert.Empty(await Find("from=2026-11-24"));
        Assert.Empty(await Find("to=2026-11-22"));
    }

    [Theory]
    [InlineData("status=Flying", "status")]
    [InlineData("type=7", "type")]
    [InlineData("from=23/11/2026", "from")]
    [InlineData("limit=1000", "limit")]
    [InlineData("cursor=%%%", "cursor")]
    [InlineData("category=nothing", "category")]
    public async Task Bad_filters_are_named_in_a_validation_problem(string query, string field)
    {
        var agent = await Factory.AgentAsync();
        using var response = await agent.GetAsync($"/api/tickets?{query}");
        var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}

public sealed class DateRangeSearchTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    [Fact]
    public async Task A_date_range_finds_every_ticket_registered_in_it_even_when_ids_do_not_follow_dates()
    {
        var factory = fixture.Factory;
        var agent = await factory.AgentAsync();
        await Api.RegisterAsync(agent, Api.Citizen(title: "今天登记"));
        await using (var scope = factory.Services.CreateAsyncScope()) // older tickets inserted later: higher ids, earlier dates
            await scope.ServiceProvider.GetRequiredService<Hotline.Server.Demo.DemoTicketGenerator>().GenerateAsync(300, 3, CancellationToken.None);

        await using var check = factory.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<Hotline.Server.Data.HotlineDbContext>();
        var start = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var end = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var expected = await db.Tickets.Where(t => t.RegisteredAt >= start && t.RegisteredAt < end).OrderByDescending(t => t.Id).Select(t => t.Number).ToListAsync();

        var found = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Api.GetAsync(agent, $"/api/tickets?from=2026-09-01&to=2026-09-30&limit=50{(cursor is null ? "" : $"&cursor={cursor}")}");
            found.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.Number()));
            cursor = page.TryGetProperty("nextCursor", out var n) ? n.GetString() : null;
        }
        while (cursor is not null);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, found);
    }
}
