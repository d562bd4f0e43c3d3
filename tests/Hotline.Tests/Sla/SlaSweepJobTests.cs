using Hotline.Server.Sla;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hotline.Tests.Sla;

/// <summary>The Quartz job sweeps, then waits for a clock due before its next fire instead of finding it one interval late.</summary>
public sealed class SlaSweepJobTests : IAsyncLifetime
{
    private readonly HotlineFixture fixture = new();

    private HotlineFactory Factory => fixture.Factory;

    public Task InitializeAsync() => fixture.InitializeAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    [Fact]
    public async Task A_warning_due_before_the_next_fire_is_handled_at_its_instant_within_the_same_run()
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Enterprise())).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        var signFor = (await Api.GetAsync(await Factory.SupervisorAsync(), $"/api/tickets/{number}/sla")).EnumerateArray().Single(c => c.Str("kind") == "SignFor");
        var warnAt = signFor.GetProperty("firstWarningAt").GetDateTimeOffset();
        Factory.Clock.SetUtcNow(warnAt.ToUniversalTime().AddMilliseconds(-300));

        var time = new WatchedTime(Factory.Clock);
        var run = Job(intervalMs: 500, time).Execute(null!, CancellationToken.None).AsTask();
        await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(30)); // it is waiting for the due instant
        Assert.False(run.IsCompleted);
        Assert.Equal(0, await WarningsAsync(number));
        Factory.Clock.Advance(TimeSpan.FromMilliseconds(300));
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, await WarningsAsync(number));
    }

    [Fact]
    public async Task A_run_with_nothing_due_before_the_next_fire_returns_at_once()
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Enterprise())).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));

        await Job(intervalMs: 500).Execute(null!, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, await WarningsAsync(number));
    }

    private SlaSweepJob Job(int intervalMs, TimeProvider? time = null) =>
        new(Factory.Services.GetRequiredService<SlaSweeper>(), time ?? Factory.Clock, Options.Create(new SlaOptions { SweepIntervalMilliseconds = intervalMs }));

    private async Task<int> WarningsAsync(string number) =>
        (await Api.GetAsync(await Factory.SupervisorAsync(), $"/api/tickets/{number}/events")).EnumerateArray().Count(e => e.Str("action") == "sla-warn");

    /// <summary>The test's fake clock, telling the test when the job starts to wait on it.</summary>
    private sealed class WatchedTime(TimeProvider inner) : TimeProvider
    {
        private readonly TaskCompletionSource created = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerCreated => created.Task;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            created.TrySetResult();
            return timer;
        }
    }
}
