using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Demo;
using Hotline.Server.Ratings;
using Hotline.Tests.Ratings;
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

    /// <summary>
    /// Demo tickets had no access code, so the self-service page (/track) could not be tried on them: each now gets one
    /// as intake issues it, stored only as its salted hash, and the newest few codes are handed out by the generator.
    /// </summary>
    [Fact]
    public Task Demo_tickets_get_hashed_access_codes_and_the_handed_out_ones_open_the_self_service_page() => HotlineFactory.RunAsync(async factory =>
    {
        IReadOnlyList<DemoAccessCode> samples;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var generator = scope.ServiceProvider.GetRequiredService<DemoTicketGenerator>();
            Assert.Equal(40, await generator.GenerateAsync(40, seed: 5, CancellationToken.None));
            samples = generator.AccessCodeSamples;
        }

        await using var check = factory.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<HotlineDbContext>();
        var hashes = await db.Set<TicketAccessCode>().AsNoTracking().Select(c => c.Hash).ToListAsync();
        Assert.Equal(40, hashes.Count);
        Assert.All(hashes, h => Assert.StartsWith("pbkdf2-sha256$", h, StringComparison.Ordinal));
        var newest = await db.Tickets.AsNoTracking().OrderByDescending(t => t.Number).Select(t => t.Number).Take(3).ToListAsync();
        Assert.Equal(newest.Order(StringComparer.Ordinal), samples.Select(s => s.Number).Order(StringComparer.Ordinal));
        Assert.All(samples, s => Assert.Matches("^[0-9]{8}$", s.Code));
        Assert.DoesNotContain(hashes, h => samples.Any(s => h.Contains(s.Code, StringComparison.Ordinal)));

        foreach (var sample in samples)
        {
            var (status, html) = await RatingStory.PostFormAsync(factory.CreateClient(), "/track", "track",
                new() { ["Lookup.Number"] = sample.Number, ["Lookup.Code"] = sample.Code });
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains(sample.Number, html, StringComparison.Ordinal);
        }
        var wrong = samples[0].Code[..7] + (samples[0].Code[7] == '0' ? '1' : '0');
        var (refused, _) = await RatingStory.PostFormAsync(factory.CreateClient(), "/track", "track",
            new() { ["Lookup.Number"] = samples[0].Number, ["Lookup.Code"] = wrong });
        Assert.Equal(HttpStatusCode.Forbidden, refused);
    });
}
