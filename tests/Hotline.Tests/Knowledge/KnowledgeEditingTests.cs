using Hotline.Server.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Knowledge;

/// <summary>Editing through /api/knowledge: versions, lifecycle, diff, visibility by role, proposals, synonyms.</summary>
public sealed class KnowledgeEditingTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>, IAsyncLifetime
{
    private HotlineFactory Factory => fixture.Factory;

    public Task InitializeAsync() => Knowledge.SeededAsync(Factory);

    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonObject Content(string title = "电动自行车上牌需要什么材料", string answer = "携带身份证、购车发票和合格证到车管所办理。") => new()
    {
        ["title"] = title, ["answer"] = answer, ["questions"] = new JsonArray("电瓶车怎么上牌"),
        ["categoryCodes"] = new JsonArray("tr-signals"), ["departmentCodes"] = new JsonArray("gaj"), ["legalBasis"] = "《电动自行车安全技术规范》",
    };

    [Fact]
    public async Task An_editor_writes_a_draft_publishes_it_and_every_change_is_a_version_with_a_diff()
    {
        var editor = await Factory.ClientAsync(Roles.KnowledgeEditor);
        using var created = await Api.PostAsync(editor, "/api/knowledge/articles", Content());
        var article = await Api.ExpectAsync(created, HttpStatusCode.Created);
        var id = article.GetProperty("id").GetInt64();
        Assert.Equal(("Draft", 1), (article.Str("status"), article.GetProperty("version").GetInt32()));

        // A draft is the editors' only: agents neither find nor open it.
        var agent = await Factory.AgentAsync();
        Assert.DoesNotContain(await Knowledge.SearchAsync(agent, "电瓶车上牌"), h => h.GetProperty("id").GetInt64() == id);
        using (var hidden = await agent.GetAsync($"/api/knowledge/articles/{id}"))
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);

        var edited = Content(answer: "携带身份证、购车发票和合格证，到就近的上牌点办理，当场发牌。");
        using (var stale = await editor.PutAsJsonAsync($"/api/knowledge/articles/{id}", new { content = edited, expectedVersion = 0 }))
            Assert.Equal(0 + 1, (await Api.ExpectAsync(stale, HttpStatusCode.Conflict)).GetProperty("currentVersion").GetInt32());
        using (var saved = await editor.PutAsJsonAsync($"/api/knowledge/articles/{id}", new { content = edited, expectedVersion = 1, note = "上牌点" }))
            Assert.Equal(2, (await Api.ExpectAsync(saved, HttpStatusCode.OK)).GetProperty("version").GetInt32());
        using (var submitted = await Api.PostAsync(editor, $"/api/knowledge/articles/{id}/actions/submit", new JsonObject { ["expectedVersion"] = 2 }))
            Assert.Equal("Review", (await Api.ExpectAsync(submitted, HttpStatusCode.OK)).Str("status"));
        using (var wrong = await Api.PostAsync(editor, $"/api/knowledge/articles/{id}/actions/reopen", new JsonObject { ["expectedVersion"] = 3 }))
            Assert.Equal("ArticleActionNotAllowed", (await Api.ExpectAsync(wrong, HttpStatusCode.Conflict)).Str("code"));
        using (var published = await Api.PostAsync(editor, $"/api/knowledge/articles/{id}/actions/publish", new JsonObject { ["expectedVersion"] = 3 }))
            Assert.Equal("Published", (await Api.ExpectAsync(published, HttpStatusCode.OK)).Str("status"));

        Assert.Contains(await Knowledge.SearchAsync(agent, "电瓶车上牌"), h => h.GetProperty("id").GetInt64() == id);
        var versions = (await Api.GetAsync(editor, $"/api/knowledge/articles/{id}/versions")).EnumerateArray().Select(v => v.Str("action")).ToList();
        Assert.Equal(["publish", "submit", "edited", "created"], versions);
        var diff = (await Api.GetAsync(editor, $"/api/knowledge/articles/{id}/diff?from=1&to=2")).EnumerateArray().Single();
        Assert.Equal("answer", diff.Str("field"));
        Assert.Contains(diff.GetProperty("parts").EnumerateArray(), p => p.Str("kind") == "Added" && p.Str("text").Contains("上牌点", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Agents_read_but_may_not_edit_and_bad_content_is_refused_by_field()
    {
        var agent = await Factory.AgentAsync();
        using (var forbidden = await Api.PostAsync(agent, "/api/knowledge/articles", Content()))
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var editor = await Factory.ClientAsync(Roles.KnowledgeEditor, acceptLanguage: "en");
        var bad = Content(title: "");
        bad["links"] = new JsonArray(new JsonObject { ["title"] = "x", ["url"] = "ftp://x" });
        using var refused = await Api.PostAsync(editor, "/api/knowledge/articles", bad);
        var errors = (await Api.ExpectAsync(refused, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal("This field is required.", errors.GetProperty("title")[0].GetString());
        Assert.True(errors.TryGetProperty("links[0].url", out _));
    }

    [Fact]
    public async Task A_department_proposes_a_change_to_its_own_article_and_not_to_others()
    {
        var handler = await Factory.HandlerAsync("gjj");
        var own = await Knowledge.IdOfSeedAsync(Factory, "faq-pf-rent");
        var other = await Knowledge.IdOfSeedAsync(Factory, "faq-ca-dibao");
        using (var proposed = await Api.PostAsync(handler, $"/api/knowledge/articles/{own}/proposals", new JsonObject { ["answer"] = "租房提取每年一次，额度按当年标准执行。" }))
            Assert.Equal("DepartmentProposal", (await Api.ExpectAsync(proposed, HttpStatusCode.Created)).Str("kind"));
        using (var refused = await Api.PostAsync(handler, $"/api/knowledge/articles/{other}/proposals", new JsonObject { ["answer"] = "x" }))
            Assert.Equal("NotOwnDepartment", (await Api.ExpectAsync(refused, HttpStatusCode.Conflict)).Str("code"));

        var editor = await Factory.ClientAsync(Roles.KnowledgeEditor);
        var proposal = (await Api.GetAsync(editor, "/api/knowledge/proposals")).EnumerateArray().First(p => p.GetProperty("articleId").GetInt64() == own);
        var article = await Api.GetAsync(editor, $"/api/knowledge/articles/{own}");
        var content = JsonNode.Parse(article.GetProperty("content").GetRawText())!.AsObject();
        content["answer"] = proposal.Str("answer");
        using (var merged = await Api.PostAsync(editor, $"/api/knowledge/proposals/{proposal.GetProperty("id").GetInt64()}/merge",
            new JsonObject { ["articleId"] = own, ["expectedVersion"] = article.GetProperty("version").GetInt32(), ["content"] = content }))
            Assert.Contains("每年一次", (await Api.ExpectAsync(merged, HttpStatusCode.OK)).GetProperty("content").Str("answer"), StringComparison.Ordinal);
        using (var twice = await Api.PostAsync(editor, $"/api/knowledge/proposals/{proposal.GetProperty("id").GetInt64()}/dismiss", new JsonObject()))
            Assert.Equal("ProposalDecided", (await Api.ExpectAsync(twice, HttpStatusCode.Conflict)).Str("code"));
    }

    [Fact]
    public async Task An_edited_synonym_group_changes_search_at_once()
    {
        var editor = await Factory.ClientAsync(Roles.KnowledgeEditor);
        var agent = await Factory.AgentAsync();
        static bool AboutBreachOfTrust(JsonElement h) => (h.Text("titleParts") + h.Text("snippet")).Contains("失信", StringComparison.Ordinal);
        Assert.DoesNotContain(await Knowledge.SearchAsync(agent, "老赖"), AboutBreachOfTrust);
        using (var added = await Api.PostAsync(editor, "/api/knowledge/synonyms", new JsonObject { ["words"] = new JsonArray("老赖", "失信") }))
            await Api.ExpectAsync(added, HttpStatusCode.OK);
        Assert.Contains((await Knowledge.SearchAsync(agent, "老赖")).Take(3), AboutBreachOfTrust);
    }
}
