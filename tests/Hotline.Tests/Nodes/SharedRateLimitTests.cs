using System.Globalization;

namespace Hotline.Tests.Nodes;

/// <summary>
/// The public pages' per-minute limit per client address (here the Q&amp;A page, Knowledge:PublicRequestsPerMinute) is
/// counted in Redis when there are several nodes: requests spread over two nodes are refused after the limit, not after
/// twice it; while Redis is down each node counts on its own and keeps serving.
/// </summary>
[Collection(ClusterTests.Name)]
public sealed class SharedRateLimitTests
{
    private const int Limit = 6;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Sla:SweepIntervalMilliseconds"] = "0",
        ["Sla:DailyDigest"] = "false",
        ["Sla:CalendarReminder"] = "false",
        ["Knowledge:PublicRequestsPerMinute"] = Limit.ToString(CultureInfo.InvariantCulture),
    };

    [NodesFact]
    public async Task Public_QA_requests_spread_over_two_nodes_are_refused_after_the_limit_not_after_twice_it()
    {
        await using var cluster = await NodeCluster.StartAsync(2, Settings);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);

        var answers = await InOneMinuteAsync(async () =>
        {
            var statuses = new List<(HttpStatusCode Status, bool RetryAfter)>();
            for (var i = 0; i < 2 * Limit; i++) // alternating nodes: each alone sees the limit, together twice it
            {
                using var client = (i % 2 == 0 ? a : b).Client();
                using var response = await client.GetAsync($"/ask?q=社保{i}");
                statuses.Add((response.StatusCode, response.Headers.RetryAfter is not null));
            }
            return statuses;
        });

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, Limit), answers.Take(Limit).Select(s => s.Status));
        Assert.All(answers.Skip(Limit), s => Assert.Equal((HttpStatusCode.TooManyRequests, true), s));
    }

    [NodesFact]
    public async Task With_Redis_stopped_each_node_keeps_serving_and_limits_on_its_own()
    {
        await using var cluster = await NodeCluster.StartAsync(2, Settings);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        cluster.Redis.Stop();

        foreach (var node in new[] { a, b })
        {
            // A fresh window of the node's own: the first requests pass (traffic continues), and refusals come before
            // long (per node, never unlimited). Its minute starts with its first request, so at most one renewal fits.
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 3 * Limit && !statuses.Contains(HttpStatusCode.TooManyRequests); i++)
            {
                using var client = node.Client();
                using var response = await client.GetAsync($"/ask?q=公积金{i}");
                statuses.Add(response.StatusCode);
            }
            Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, Limit), statuses.Take(Limit));
            Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        }
    }

    /// <summary>
    /// Runs <paramref name="requests"/> inside one minute of the clock (the nodes share this machine's clock and count
    /// fixed minutes), again from the start of the next minute if a boundary fell inside it, so a slow machine changes
    /// nothing but the wait.
    /// </summary>
    private static async Task<T> InOneMinuteAsync<T>(Func<Task<T>> requests)
    {
        for (var attempt = 0; ; attempt++)
        {
            var minute = Minute();
            var result = await requests();
            if (Minute() == minute || attempt == 3)
                return result;
            var now = Minute();
            await Waits.UntilAsync(() => Task.FromResult(Minute() > now), "the next minute", TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(200));
        }
    }

    private static long Minute() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 60_000;
}
