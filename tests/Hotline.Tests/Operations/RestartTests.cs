using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Operations;

public sealed class RestartTests
{
    [Fact]
    public async Task Tickets_and_their_history_survive_a_restart_and_numbering_continues()
    {
        var first = new HotlineFactory();
        string number;
        string key;
        try
        {
            key = await first.ApiKeyAsync(Roles.Agent);
            var agent = first.CreateClient();
            agent.DefaultRequestHeaders.Add("X-Api-Key", key);
            number = (await Api.RegisterAsync(agent, Api.Citizen(title: "重启前登记"))).Number();
            var dispatcher = await first.DispatcherAsync();
            await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("cgj"));
        }
        finally
        {
            await first.DisposeAsync(); // stop the host: nothing kept in memory survives
        }

        var second = new HotlineFactory(first.DataPath, first.PostgresDatabase);
        try
        {
            var agent = second.CreateClient();
            agent.DefaultRequestHeaders.Add("X-Api-Key", key); // the API key is in the database too
            var ticket = await Api.GetAsync(agent, $"/api/tickets/{number}");
            Assert.Equal("重启前登记", ticket.Str("title"));
            Assert.Equal("Dispatched", ticket.Str("status"));
            Assert.Equal(2, (await Api.GetAsync(agent, $"/api/tickets/{number}/events")).GetArrayLength());

            var next = (await Api.RegisterAsync(agent, Api.Citizen(title: "重启后登记"))).Number();
            Assert.Equal(long.Parse(number[10..], System.Globalization.CultureInfo.InvariantCulture) + 1,
                long.Parse(next[10..], System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            await second.DisposeAsync();
            second.DeleteData();
        }
    }

    [Fact]
    public async Task Seeding_twice_changes_nothing()
    {
        await using var factory = new HotlineFactory();
        try
        {
            _ = factory.Server;
            var counts = await CountsAsync(factory);
            await using (var scope = factory.Services.CreateAsyncScope())
                await Hotline.Server.Operations.StartupTasks.PrepareAsync(scope.ServiceProvider);
            Assert.Equal(counts, await CountsAsync(factory));
            Assert.True(counts.Departments >= 29 && counts.Categories >= 100 && counts.Policies == 12);
        }
        finally
        {
            factory.DeleteData();
        }
    }

    private static async Task<(int Departments, int Categories, int Districts, int Policies, int Days)> CountsAsync(HotlineFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Hotline.Server.Data.HotlineDbContext>();
        return (db.Departments.Count(), db.Categories.Count(), db.Districts.Count(), db.SlaPolicies.Count(), db.CalendarDays.Count());
    }
}
