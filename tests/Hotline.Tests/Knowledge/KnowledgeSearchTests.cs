using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Knowledge;

/// <summary>Chinese search over the seeded knowledge base, through HTTP, on SQLite FTS5 or PostgreSQL tsvector.</summary>
public sealed class KnowledgeSearchTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>, IAsyncLifetime
{
    private HotlineFactory Factory => fixture.Factory;

    public Task InitializeAsync() => Knowledge.SeededAsync(Factory);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_seeded_knowledge_base_has_at_least_200_articles_and_every_one_names_its_source()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var seeded = await scope.ServiceProvider.GetRequiredService<Hotline.Server.Data.HotlineDbContext>().KnowledgeArticles.AsNoTracking()
            .Where(a => a.SeedKey != null).Select(a => new { a.SeedKey, a.Source }).ToListAsync();
        Assert.True(seeded.Count >= 200, $"{seeded.Count} seeded articles");
        Assert.All(seeded, a => Assert.False(string.IsNullOrWhiteSpace(a.Source), $"{a.SeedKey} has no source"));
        // Agents see the source with the article.
        var article = await Api.GetAsync(await Factory.AgentAsync(), $"/api/knowledge/articles/{await Knowledge.IdOfSeedAsync(Factory, "faq-pf-loan")}");
        Assert.Equal(seeded.Single(a => a.SeedKey == "faq-pf-loan").Source, article.GetProperty("content").Str("source"));
    }

    [Fact]
    public async Task A_two_character_word_finds_its_article_through_a_synonym()
    {
        var hits = await Knowledge.SearchAsync(await Factory.AgentAsync(), "社保");
        Assert.NotEmpty(hits);
        Assert.Contains(hits.Take(5), h => h.Text("titleParts").Contains("社会保险", StringComparison.Ordinal) || h.Text("titleParts").Contains("社保", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_one_character_query_matches_inside_titles()
    {
        var hits = await Knowledge.SearchAsync(await Factory.AgentAsync(), "税");
        Assert.NotEmpty(hits);
        Assert.All(hits.Take(3), h => Assert.Contains("税", h.Text("titleParts") + h.Text("snippet"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pinyin_initials_find_a_title()
    {
        var hits = await Knowledge.SearchAsync(await Factory.AgentAsync(), "dbbz");
        Assert.Contains(hits.Take(3), h => h.Text("titleParts").Contains("低保标准", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_homophone_typo_still_finds_the_article()
    {
        var hits = await Knowledge.SearchAsync(await Factory.AgentAsync(), "公机金贷款审批要多久");
        Assert.Contains(hits.Take(3), h => h.Text("titleParts").Contains("公积金贷款", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Snippets_mark_the_query_terms()
    {
        var hits = await Knowledge.SearchAsync(await Factory.AgentAsync(), "简易注销公示");
        var first = hits.First();
        Assert.Contains(first.GetProperty("snippet").EnumerateArray(), p => p.GetProperty("hit").GetBoolean());
        Assert.Contains(first.GetProperty("titleParts").EnumerateArray(), p => p.GetProperty("hit").GetBoolean() && p.GetProperty("text").GetString() == "简易注销");
    }

    [Fact]
    public async Task Expired_articles_show_to_agents_as_not_in_force()
    {
        var hits = await Knowledge.SearchAsync(await Factory.AgentAsync(), "文旅消费券怎么领取");
        var voucher = hits.First(h => h.Text("titleParts").Contains("消费券", StringComparison.Ordinal));
        Assert.False(voucher.GetProperty("inForce").GetBoolean());
        Assert.Equal("Expired", voucher.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_agent_answers_at_intake_from_an_article_and_the_event_records_it()
    {
        var agent = await Factory.AgentAsync();
        var article = (await Knowledge.SearchAsync(agent, "低保标准")).First();
        var body = Api.Citizen(title: "咨询低保标准", type: "Consultation", category: "ca-minimum-living");
        body["intakeAnswer"] = "常州低保标准为每人每月1000元。";
        body["intakeArticleId"] = article.GetProperty("id").GetInt64();
        var ticket = await Api.RegisterAsync(agent, body);
        Assert.Equal("ResolvedAtIntake", ticket.Str("status"));

        var events = await Api.GetAsync(agent, $"/api/tickets/{ticket.Number()}/events");
        var change = events.EnumerateArray().Last().GetProperty("change");
        Assert.Equal(article.GetProperty("id").GetInt64(), change.GetProperty("articleId").GetInt64());
        Assert.Equal(article.GetProperty("version").GetInt32(), change.GetProperty("articleVersion").GetInt32());
    }

    [Fact]
    public async Task An_expired_article_cannot_be_answered_from()
    {
        var agent = await Factory.AgentAsync();
        var expired = (await Knowledge.SearchAsync(agent, "文旅消费券")).First(h => !h.GetProperty("inForce").GetBoolean());
        var body = Api.Citizen(title: "消费券", type: "Consultation");
        body["intakeAnswer"] = "请关注发放公告。";
        body["intakeArticleId"] = expired.GetProperty("id").GetInt64();
        using var response = await Api.PostAsync(agent, "/api/tickets", body);
        var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("intakeArticleId", out _));
    }
}
