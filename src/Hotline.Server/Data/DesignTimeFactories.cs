using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Hotline.Server.Data;

// Used only by `dotnet ef migrations add`: each provider's migrations are generated from its own context.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteHotlineDbContext>
{
    public SqliteHotlineDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteHotlineDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresHotlineDbContext>
{
    public PostgresHotlineDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresHotlineDbContext>().UseNpgsql("Host=localhost;Database=hotline_design").Options);
}
