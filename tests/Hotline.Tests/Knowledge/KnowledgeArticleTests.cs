using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Knowledge;

/// <summary>An article's attachments, its view count and the draft queue's dismissal, through the API the knowledge pages use.</summary>
public sealed class KnowledgeArticleTests(KnowledgeArticleTests.Fixture fixture) : IClassFixture<KnowledgeArticleTests.Fixture>
{
    /// <summary>A server without the seed (these tests write their own articles) and a small attachment limit.</summary>
    public sealed class Fixture() : HotlineFixture(new HotlineFactory(settings: new Dictionary<string, string?> { ["Attachments:MaxBytes"] = "4096" }));

    private HotlineFactory Factory => fixture.Factory;

    private static async Task<long> ArticleAsync(HttpClient editor, string title, bool publish, string department = "zjj")
    {
        using var created = await Api.PostAsync(editor, "/api/knowledge/articles", new JsonObject
        {
            ["title"] = title, ["answer"] = "可向属地街道便民服务中心申请，材料齐全的当场受理。", ["departmentCodes"] = new JsonArray(department),
        });
        var id = (await Api.ExpectAsync(created, HttpStatusCode.Created)).GetProperty("id").GetInt64();
        if (publish)
        {
            using var published = await Api.PostAsync(editor, $"/api/knowledge/articles/{id}/actions/publish", new JsonObject { ["expectedVersion"] = 1 });
            await Api.ExpectAsync(published, HttpStatusCode.OK);
        }
        return id;
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, long article, byte[] bytes, string fileName, string contentType) =>
        await client.PostAsync($"/api/knowledge/articles/{article}/attachments", Files.Form(bytes, fileName, contentType));

    private static async Task<string> RefusalAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("errors").GetProperty("file")[0].GetString()!;
    }

    [Fact]
    public async Task An_editor_attaches_a_file_that_agents_download_and_the_public_only_from_an_article_in_force()
    {
        var editor = await Factory.ClientAsync(Roles.KnowledgeEditor);
        var published = await ArticleAsync(editor, "居住证办理需要哪些材料", publish: true);
        var draft = await ArticleAsync(editor, "居住证办理流程（修订中）", publish: false);

        long attachment;
        using (var uploaded = await UploadAsync(editor, published, Files.PngBytes, "办理流程图.png", "image/png"))
        {
            var meta = await Api.ExpectAsync(uploaded, HttpStatusCode.Created);
            Assert.Equal(("办理流程图.png", "image/png", (long)Files.PngBytes.Length), (meta.Str("fileName"), meta.Str("contentType"), meta.GetProperty("size").GetInt64()));
            attachment = meta.GetProperty("id").GetInt64();
        }
        var listed = (await Api.GetAsync(await Factory.AgentAsync(), $"/api/knowledge/articles/{published}")).GetProperty("attachments").EnumerateArray().Single();
        Assert.Equal(attachment, listed.GetProperty("id").GetInt64());

        using (var download = await (await Factory.AgentAsync()).GetAsync($"/api/knowledge/articles/{published}/attachments/{attachment}"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
            Assert.Equal(Files.PngBytes, await download.Content.ReadAsByteArrayAsync());
        }
        var anonymous = Factory.CreateClient();
        using (var onAsk = await anonymous.GetAsync($"/ask/articles/{published}/attachments/{attachment}"))
            Assert.Equal(Files.PngBytes, await onAsk.Content.ReadAsByteArrayAsync());
        using (var wrongArticle = await (await Factory.AgentAsync()).GetAsync($"/api/knowledge/articles/{draft}/attachments/{attachment}"))
            Assert.Equal(HttpStatusCode.NotFound, wrongArticle.StatusCode);

        using (var onDraft = await UploadAsync(editor, draft, Files.PngBytes, "草稿附件.png", "image/png"))
        {
            var draftAttachment = (await Api.ExpectAsync(onDraft, HttpStatusCode.Created)).GetProperty("id").GetInt64();
            using var hidden = await anonymous.GetAsync($"/ask/articles/{draft}/attachments/{draftAttachment}");
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }
        using (var byAgent = await UploadAsync(await Factory.AgentAsync(), published, Files.PngBytes, "x.png", "image/png"))
            Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
    }

    [Fact]
    public async Task Attachments_of_a_refused_type_size_or_content_are_refused_as_problems_naming_the_file()
    {
        var editor = await Factory.ClientAsync(Roles.KnowledgeEditor, acceptLanguage: "en");
        var article = await ArticleAsync(editor, "残疾人证办理须知", publish: false);

        using (var exe = await UploadAsync(editor, article, [0x4D, 0x5A, 0x90, 0x00], "setup.exe", "application/octet-stream"))
            Assert.StartsWith("Unsupported attachment type: .exe.", await RefusalAsync(exe), StringComparison.Ordinal);
        var big = new byte[5000];
        Files.PngBytes.CopyTo(big, 0);
        using (var tooLarge = await UploadAsync(editor, article, big, "大图.png", "image/png"))
            Assert.Equal("The attachment must not exceed 4096 bytes.", await RefusalAsync(tooLarge));
        using (var renamed = await UploadAsync(editor, article, "<script>alert(1)</script>"u8.ToArray(), "图片.png", "image/png"))
            Assert.Equal("The file's content does not match its type.", await RefusalAsync(renamed));

        Assert.Empty((await Api.GetAsync(editor, $"/api/knowledge/articles/{article}")).GetProperty("attachments").EnumerateArray());
    }

    [Fact]
    public async Task Each_reading_of_an_article_counts_one_view_on_the_public_page_and_through_the_api()
    {
        var editor = await Factory.ClientAsync(Roles.KnowledgeEditor);
        var article = await ArticleAsync(editor, "老年人优待证怎么办理", publish: true);
        async Task<long> ViewsAsync()
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Hotline.Server.Data.HotlineDbContext>();
            return await db.KnowledgeArticles.AsNoTracking().Where(a => a.Id == article).Select(a => a.Views).SingleAsync();
        }

        var anonymous = Factory.CreateClient();
        Assert.Contains("老年人优待证怎么办理", WebUtility.HtmlDecode(await anonymous.GetStringAsync($"/ask/{article}")), StringComparison.Ordinal);
        Assert.Equal(1, await ViewsAsync());
        await anonymous.GetStringAsync($"/ask/{article}");
        Assert.Equal(2, await ViewsAsync());
        await Api.GetAsync(await Factory.AgentAsync(), $"/api/knowledge/articles/{article}");
        Assert.Equal(3, await ViewsAsync());
        Assert.Equal(3, (await Api.GetAsync(editor, "/api/knowledge/articles")).EnumerateArray().Single(a => a.GetProperty("id").GetInt64() == article)
            .GetProperty("views").GetInt64()); // listing articles reads no article
    }

    [Fact]
    public async Task An_editor_dismisses_a_proposed_draft_and_it_leaves_the_queue_with_the_decision_recorded()
    {
        var editor = await Factory.ClientAsync(Roles.KnowledgeEditor);
        var article = await ArticleAsync(editor, "物业费收费标准由谁核定", publish: true);
        long proposal;
        using (var proposed = await Api.PostAsync(await Factory.HandlerAsync("zjj"), $"/api/knowledge/articles/{article}/proposals",
            new JsonObject { ["answer"] = "普通住宅前期物业服务收费实行政府指导价，由价格主管部门核定。" }))
            proposal = (await Api.ExpectAsync(proposed, HttpStatusCode.Created)).GetProperty("id").GetInt64();
        Assert.Contains((await Api.GetAsync(editor, "/api/knowledge/proposals")).EnumerateArray(), p => p.GetProperty("id").GetInt64() == proposal);

        using (var dismissed = await Api.PostAsync(editor, $"/api/knowledge/proposals/{proposal}/dismiss", new JsonObject { ["note"] = "现行答复已包含该内容。" }))
            Assert.Equal(HttpStatusCode.NoContent, dismissed.StatusCode);

        Assert.DoesNotContain((await Api.GetAsync(editor, "/api/knowledge/proposals")).EnumerateArray(), p => p.GetProperty("id").GetInt64() == proposal);
        var decided = (await Api.GetAsync(editor, "/api/knowledge/proposals?status=Dismissed")).EnumerateArray().Single(p => p.GetProperty("id").GetInt64() == proposal);
        Assert.Equal(("Dismissed", "现行答复已包含该内容。", HotlineFactory.Start), (decided.Str("status"), decided.Str("decisionNote"), decided.GetProperty("decidedAt").GetDateTimeOffset()));
        Assert.False(string.IsNullOrEmpty(decided.Str("decidedBy")));
        Assert.Equal(2, (await Api.GetAsync(editor, $"/api/knowledge/articles/{article}")).GetProperty("version").GetInt32()); // a dismissed draft changes nothing of the article (created, published)
        using (var again = await Api.PostAsync(editor, $"/api/knowledge/proposals/{proposal}/dismiss", new JsonObject()))
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode); // decided once
    }
}
