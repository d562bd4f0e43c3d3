using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Operations;

public sealed class DemoDataTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task The_demo_generator_makes_valid_realistic_tickets_whose_histories_replay_to_their_rows()
    {
        await using (var scope = Factory.Services.CreateAsyncScope())
            Assert.Equal(300, await scope.ServiceProvider.GetRequiredService<DemoTicketGenerator>().GenerateAsync(300, seed: 7, CancellationToken.None));

        await using var check = Factory.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var tickets = await db.Tickets.AsNoTracking().ToListAsync();
        var events = (await db.TicketEvents.AsNoTracking().ToListAsync()).ToLookup(e => e.TicketId);

        Assert.Equal(300, tickets.Count);
        Assert.All(tickets, t => Assert.True(TicketNumber.IsWellFormed(t.Number), t.Number));
        Assert.Equal(tickets.Count, tickets.Select(t => t.Number).Distinct().Count());
        Assert.DoesNotContain(tickets, t => t.Description.Contains('{', StringComparison.Ordinal)); // every placeholder filled
        Assert.Contains(tickets, t => t.RequesterKind == RequesterKind.Enterprise && UnifiedSocialCreditCode.IsValid(t.RequesterCreditCode));
        Assert.True(tickets.Select(t => t.Status).Distinct().Count() >= 4, "a spread of lifecycle states");
        Assert.True(tickets.Select(t => t.RegisteredAt.Month).Distinct().Count() >= 6, "spread over the year");
        foreach (var t in tickets)
        {
            var replayed = Ticket.Replay(events[t.Id].OrderBy(e => e.Version));
            Assert.Equal((t.Status, t.Version, t.AssignedDepartmentCode, t.Title), (replayed.Status, replayed.Version, replayed.AssignedDepartmentCode, replayed.Title));
        }

        // Numbering continues after the demo tickets registered today, if any.
        var agent = await Factory.AgentAsync();
        var next = (await Api.RegisterAsync(agent, Api.Citizen(title: "演示数据之后"))).Number();
        var today = tickets.Where(t => t.Number[..10] == next[..10]).Select(t => t.Number).DefaultIfEmpty("").Max(StringComparer.Ordinal)!;
        Assert.True(string.CompareOrdinal(next, today) > 0);
    }
}
