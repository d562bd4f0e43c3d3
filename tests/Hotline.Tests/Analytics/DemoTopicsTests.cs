using Hotline.Domain.Access;
using Hotline.Server.Analytics;
using Hotline.Server.Common;
using Hotline.Server.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Analytics;

/// <summary>Hot topics on the demo data: what people call about (停水, 营业执照…), not the words every call has.</summary>
public sealed class DemoTopicsTests(HotlineFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<HotlineFixture>
{
    /// <summary>Words that say nothing about a matter (among them those seen at the top of the demo data's topics).</summary>
    private static readonly string[] Generic =
        ["时间", "公司", "有限公司", "企业", "问题", "情况", "项目", "条件", "办法", "管理", "进度", "文件", "小区", "要求", "原因", "工作", "我家", "不合理"];

    private static readonly string Titles = string.Join('|', System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(
        Path.Combine(Hotline.Server.Reference.SeedLoader.DefaultSeedPath, "demo", "ticket-templates.json"))).RootElement.EnumerateArray().Select(t => t.GetProperty("title").GetString()));

    [Fact]
    public async Task The_top_topics_of_the_demo_data_are_matters_not_generic_words()
    {
        var f = fixture.Factory;
        await using (var scope = f.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DemoTicketGenerator>().GenerateAsync(400, seed: 13, CancellationToken.None);
        await f.Services.GetRequiredService<AnalyticsProjector>().CatchUpAsync(CancellationToken.None);
        var today = f.Services.GetRequiredService<CityClock>().Today;
        var leader = await f.ClientAsync(Roles.Leader);
        foreach (var days in new[] { 30, 365 })
        {
            var topics = await Api.GetAsync(leader, $"/api/analytics/topics?period=range&from={today.AddDays(1 - days):yyyy-MM-dd}&to={today:yyyy-MM-dd}");
            var top = topics.EnumerateArray().Take(15).Select(t => t.Str("word")!).ToList();
            output.WriteLine($"{days} days: {string.Join(' ', topics.EnumerateArray().Take(30).Select(t => t.Str("word")))}");
            Assert.True(top.Count >= 10, string.Join(' ', top));
            Assert.True(!top.Intersect(Generic).Any(), $"top topics of {days} days: {string.Join(' ', top)}");
            var stop = File.ReadAllLines(Path.Combine(Hotline.Server.Reference.SeedLoader.DefaultSeedPath, "text", "topic-stopwords.txt")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();
            Assert.True(!top.Any(stop.Contains), $"top topics of {days} days: {string.Join(' ', top)}");
            // A matter is what a ticket's title is about: most of the top ten are words of the demo tickets' titles.
            Assert.True(top.Take(10).Count(w => Titles.Contains(w, StringComparison.Ordinal)) >= 7, $"top topics of {days} days: {string.Join(' ', top)}");
        }
    }
}
