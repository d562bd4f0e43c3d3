using Hotline.Domain.Analytics;
using Hotline.Server.Analytics;
using Hotline.Server.Common;
using Hotline.Server.Data;
using Hotline.Server.Reference;
using Hotline.Server.Sla;
using Hotline.Server.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hotline.Tests.Analytics;

/// <summary>Two nodes start the analytics projector on a database that has never been projected.</summary>
public sealed class ProjectorStartTests
{
    [PostgresFact]
    public Task Two_projectors_starting_together_on_an_empty_database_apply_every_event_once_and_log_no_error() =>
        HotlineFactory.RunAsync(async f =>
        {
            var agent = await f.AgentAsync();
            for (var i = 0; i < 5; i++)
                await Api.RegisterAsync(agent, Api.Citizen(title: $"小区停水第{i}天", phone: $"1390000101{i}"));

            // Each "node" has its own projector and its own contexts, whose every log entry (EF's included) is kept.
            var logs = new ErrorLog();
            using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
            var options = new DbContextOptionsBuilder<PostgresHotlineDbContext>()
                .UseNpgsql(TestDatabases.ForDatabase(f.PostgresDatabase!)).UseLoggerFactory(loggers).Options;
            AnalyticsProjector Node() => new(new Contexts(options), f.Services.GetRequiredService<CityClock>(), f.Services.GetRequiredService<SlaRules>(),
                f.Services.GetRequiredService<ChineseText>(), f.Services.GetRequiredService<SchemeStore>(), f.Services.GetRequiredService<ReferenceData>(),
                loggers.CreateLogger<AnalyticsProjector>());
            using var first = Node();
            using var second = Node();

            await using (var db = new PostgresHotlineDbContext(options))
                Assert.False(await db.Set<AnalyticsCheckpoint>().AnyAsync()); // never projected
            var start = new TaskCompletionSource();
            var runs = new[] { first, second }.Select(p => Task.Run(async () =>
            {
                await start.Task;
                return await p.CatchUpAsync(CancellationToken.None);
            })).ToList();
            start.SetResult();
            var applied = await Task.WhenAll(runs);

            Assert.Empty(logs.Errors);
            await using var check = new PostgresHotlineDbContext(options);
            var lastEvent = await check.TicketEvents.MaxAsync(e => e.Id);
            Assert.Equal(lastEvent, await first.PositionAsync(CancellationToken.None));
            Assert.Equal(await check.TicketEvents.CountAsync(), applied.Sum()); // each event applied by one of them, once
            var tickets = await check.Tickets.CountAsync();
            Assert.True(tickets >= 5);
            Assert.Equal(tickets, await check.Set<TicketFact>().CountAsync(r => r.Part == FactPart.Centre));
            Assert.Equal(tickets, await check.Set<AnalyticsRollup>().Where(r => !r.Coarse && r.Part == FactPart.Centre).SumAsync(r => r.Measures.Registered));
        }, new Dictionary<string, string?> { ["Analytics:Projector"] = "false" });

    private sealed class Contexts(DbContextOptions<PostgresHotlineDbContext> options) : IDbContextFactory<HotlineDbContext>
    {
        public HotlineDbContext CreateDbContext() => new PostgresHotlineDbContext(options);
    }

    /// <summary>Keeps every entry at Error or above.</summary>
    private sealed class ErrorLog : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ErrorLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error)
                    log.Errors.Enqueue($"{category}: {formatter(state, exception)} {exception?.Message}");
            }
        }
    }
}
