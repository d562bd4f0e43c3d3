using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Operations;

public sealed class PostgresTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    [PostgresFact]
    public async Task With_HOTLINE_TEST_POSTGRES_set_the_suite_really_runs_on_postgresql_with_its_own_migrations()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();

        Assert.IsType<PostgresHotlineDbContext>(db);
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.True(await db.Departments.AnyAsync());
    }
}
