using System.Text;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Enterprises;

/// <summary>
/// Push pacing (<c>Enterprises:PushEmailsPerMinute</c>): the background push worker writes a batch, then waits on the
/// server's clock for the batch's share of a minute. The test moves the fake clock a second at a time; the emails'
/// queued times, read from that clock, show the spacing without timing anything.
/// </summary>
public sealed class PolicyPushPacingTests
{
    [Fact]
    public async Task A_push_writes_its_emails_no_faster_than_the_configured_rate()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Enterprises:PushEmailsPerMinute"] = "4", // batches of 2: one every 30 seconds
            ["Enterprises:PushBatchSize"] = "2",
            ["Enterprises:PushPollSeconds"] = "1",
            ["Notifications:PollMilliseconds"] = "0",
        };
        await HotlineFactory.RunAsync(async factory =>
        {
            var editor = await factory.ClientAsync(Roles.KnowledgeEditor);
            var rows = string.Join('\n', Enumerable.Range(900, 5).Select(n => $"{PolicyPushTests.Code(n)},常州测试{n}有限公司,C,天宁区,中型,有限责任公司,,,,e{n}@example.com,是"));
            using (var form = new MultipartFormDataContent())
            {
                form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("统一社会信用代码,企业名称,行业门类,所在区,企业规模,登记注册类型,标签,联系人,电话,邮箱,订阅\n" + rows)), "file", "e.csv");
                using var imported = await editor.PostAsync("/api/enterprises/import", form);
                await Api.ExpectAsync(imported, HttpStatusCode.OK);
            }
            long policy;
            using (var created = await Api.PostAsync(editor, "/api/policies", new JsonObject
            {
                ["title"] = "制造业企业技改贴息", ["summary"] = "技术改造项目贷款贴息。", ["fullTextUrl"] = "https://www.changzhou.gov.cn/policy/9",
                ["departmentCode"] = "gxj", ["industries"] = new JsonArray("C"),
            }))
                policy = (await Api.ExpectAsync(created, HttpStatusCode.Created)).GetProperty("id").GetInt64();
            using (var started = await Api.PostAsync(editor, $"/api/policies/{policy}/pushes", new JsonObject()))
                await Api.ExpectAsync(started, HttpStatusCode.Accepted);

            // Move the clock a second at a time, letting the worker act between steps, until all five are written. A slow
            // worker only lets the clock run further ahead of it: the wait after a batch starts when the batch is written.
            List<DateTimeOffset> queued = [];
            var patience = System.Diagnostics.Stopwatch.StartNew(); // stops a broken worker's test, measures nothing
            while (queued.Count < 5 && patience.Elapsed < TimeSpan.FromMinutes(2))
            {
                factory.Clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(20);
                queued = await QueuedAtAsync(factory);
            }

            Assert.Equal(5, queued.Count);
            // Batches of two: the first email of each later batch is queued at least 30 seconds after the batch before it.
            for (var i = 2; i < queued.Count; i += 2)
                Assert.True(queued[i] - queued[i - 1] >= TimeSpan.FromSeconds(30), $"email {i + 1} queued {queued[i] - queued[i - 1]} after email {i}");
            Assert.True(queued[1] - queued[0] < TimeSpan.FromSeconds(30), "the two emails of a batch are written together");
            Assert.True(queued[^1] - queued[0] >= TimeSpan.FromSeconds(60), "five emails at four a minute take at least a minute");
            Assert.Equal("Completed", (await Api.GetAsync(editor, $"/api/policies/{policy}/pushes")).EnumerateArray().Single().Str("status"));
        }, settings);
    }

    private static async Task<List<DateTimeOffset>> QueuedAtAsync(HotlineFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().PolicyDeliveries.AsNoTracking().Select(d => new { d.Id, d.QueuedAt }).ToListAsync();
        return [.. rows.OrderBy(d => d.Id).Select(d => d.QueuedAt)];
    }
}
