using Hotline.Domain.Analytics;
using Hotline.Server.Analytics;
using Hotline.Server.Common;
using Hotline.Server.Data;
using Hotline.Server.Reference;
using Hotline.Server.Sla;
using Hotline.Server.Text;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hotline.Tests.Analytics;

/// <summary>The analytics projector starting (two nodes on a database never projected) and stopping (mid-batch).</summary>
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
            AnalyticsProjector Node() => new(new PostgresContexts(options), f.Services.GetRequiredService<CityClock>(), f.Services.GetRequiredService<SlaRules>(),
                f.Services.GetRequiredService<ChineseText>(), f.Services.GetRequiredService<SchemeStore>(), f.Services.GetRequiredService<ReferenceData>(),
                f.Services.GetRequiredService<SqliteWriteGate>(), loggers.CreateLogger<AnalyticsProjector>());
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
            Assert.Equal(tickets, await check.Set<AnalyticsRollup>().Where(r => r.Grain == RollupGrain.Fine && r.Part == FactPart.Centre).SumAsync(r => r.Measures.Registered));
        }, new Dictionary<string, string?> { ["Analytics:Projector"] = "false" });

    /// <summary>
    /// A server stopping cancels the projector's token wherever the batch is. Each moment is reached by an interceptor
    /// cancelling the token there (no timing): as the batch's transaction begins, as it writes, as it commits.
    /// </summary>
    [Theory]
    [InlineData(CancelAt.TransactionStarted)]
    [InlineData(CancelAt.WriteInTransaction)]
    [InlineData(CancelAt.Commit)]
    public Task Stopping_the_projector_inside_a_batch_logs_no_error_and_the_next_start_applies_every_event_once(CancelAt moment) =>
        HotlineFactory.RunAsync(async f =>
        {
            var agent = await f.AgentAsync();
            for (var i = 0; i < 3; i++)
                await Api.RegisterAsync(agent, Api.Citizen(title: $"路灯不亮第{i}天", phone: $"1390000202{i}"));

            var logs = new ErrorLog();
            using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
            using var stopping = new CancellationTokenSource();
            var cancel = new CancelInterceptor(moment, stopping);
            var contexts = new Contexts(f, loggers, cancel);
            AnalyticsProjector Node(IDbContextFactory<HotlineDbContext> c) => new(c, f.Services.GetRequiredService<CityClock>(),
                f.Services.GetRequiredService<SlaRules>(), f.Services.GetRequiredService<ChineseText>(), f.Services.GetRequiredService<SchemeStore>(),
                f.Services.GetRequiredService<ReferenceData>(), f.Services.GetRequiredService<SqliteWriteGate>(), loggers.CreateLogger<AnalyticsProjector>());

            using (var stopped = Node(contexts))
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped.CatchUpAsync(stopping.Token));
            Assert.True(cancel.Fired);
            Assert.Empty(logs.Errors);

            using var restarted = Node(new Contexts(f, loggers, null));
            await restarted.CatchUpAsync(CancellationToken.None);
            Assert.Empty(logs.Errors);
            await using var check = contexts.CreateDbContext();
            Assert.Equal(await check.TicketEvents.MaxAsync(e => e.Id), await restarted.PositionAsync(CancellationToken.None));
            var tickets = await check.Tickets.CountAsync();
            Assert.Equal(tickets, await check.Set<TicketFact>().CountAsync(r => r.Part == FactPart.Centre));
            Assert.Equal(tickets, await check.Set<AnalyticsRollup>().Where(r => r.Grain == RollupGrain.Fine && r.Part == FactPart.Centre).SumAsync(r => r.Measures.Registered));
            Assert.Equal(tickets, await check.Set<TicketWord>().Select(w => w.TicketId).Distinct().CountAsync());
        }, new Dictionary<string, string?> { ["Analytics:Projector"] = "false" });

    public enum CancelAt
    {
        TransactionStarted,
        WriteInTransaction,
        Commit,
    }

    /// <summary>Cancels the token the first time the batch reaches the moment.</summary>
    private sealed class CancelInterceptor(CancelAt moment, CancellationTokenSource stopping) : DbTransactionInterceptor, IDbCommandInterceptor
    {
        public bool Fired { get; private set; }

        public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
            CancellationToken cancellationToken = default)
        {
            Cancel(CancelAt.TransactionStarted);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            Cancel(CancelAt.Commit);
            return ValueTask.FromResult(result);
        }

        public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (command.Transaction is not null)
                Cancel(CancelAt.WriteInTransaction);
            return ValueTask.FromResult(result);
        }

        private void Cancel(CancelAt at)
        {
            if (at != moment || Fired)
                return;
            Fired = true;
            stopping.Cancel();
        }
    }

    /// <summary>Contexts on the test server's database (either provider) that log to the test and may carry an interceptor.</summary>
    private sealed class Contexts(HotlineFactory f, ILoggerFactory loggers, IInterceptor? interceptor) : IDbContextFactory<HotlineDbContext>
    {
        public HotlineDbContext CreateDbContext()
        {
            IInterceptor[] interceptors = interceptor is null ? [] : [interceptor];
            if (f.UsesPostgres)
            {
                return new PostgresHotlineDbContext(new DbContextOptionsBuilder<PostgresHotlineDbContext>()
                    .UseNpgsql(TestDatabases.ForDatabase(f.PostgresDatabase!)).UseLoggerFactory(loggers).AddInterceptors(interceptors).Options);
            }
            return new SqliteHotlineDbContext(new DbContextOptionsBuilder<SqliteHotlineDbContext>()
                .UseSqlite($"Data Source={Path.Combine(f.DataPath, "hotline.db")};Foreign Keys=True;Default Timeout=30").UseLoggerFactory(loggers)
                .AddInterceptors(interceptors).Options);
        }
    }

    private sealed class PostgresContexts(DbContextOptions<PostgresHotlineDbContext> options) : IDbContextFactory<HotlineDbContext>
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
