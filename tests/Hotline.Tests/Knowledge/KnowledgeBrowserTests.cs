using System.Net;
using System.Text.Json.Nodes;
using Hotline.Domain.Knowledge;
using Hotline.Server.Data;
using Hotline.Server.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Hotline.Tests.Knowledge;

/// <summary>The knowledge base as its users meet it, in Debian's Chromium against a real socket: agent, citizen on a phone, editor.</summary>
public sealed class KnowledgeBrowserTests(KestrelKnowledgeFixture fixture) : IClassFixture<KestrelKnowledgeFixture>, IAsyncLifetime
{
    private const string Password = "Correct-horse-9";
    private TestChromium? chromium;

    private HotlineFactory Factory => fixture.Factory;

    public async Task InitializeAsync()
    {
        chromium = await TestChromium.LaunchAsync();
        await Knowledge.SeededAsync(Factory);
    }

    public async Task DisposeAsync()
    {
        if (chromium is not null)
            await chromium.DisposeAsync();
    }

    [BrowserFact]
    public async Task An_agent_types_a_call_picks_the_suggested_article_and_answers_at_intake()
    {
        var page = await SignInAsync("kn.agent", "话务员 周敏", Roles.Agent, "/agent", "话务台");

        await page.Keyboard.PressAsync("Alt+P");
        await page.Keyboard.TypeAsync("13955556666");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("吴秀英");
        await page.Keyboard.PressAsync("Alt+T");
        await page.Keyboard.TypeAsync("咨询低保标准");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("我母亲一个人生活，想问一下常州低保标准现在是多少，怎么申请低保。");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("zdsh");
        await Assertions.Expect(page.GetByTestId("category-option").First).ToContainTextAsync("最低生活保障");
        await page.Keyboard.PressAsync("Tab");

        // The suggestions follow the text; the first one is the answer the agent needs.
        var first = page.GetByTestId("knowledge-suggestion").First;
        await Assertions.Expect(first).ToContainTextAsync("低保标准");
        await page.Keyboard.PressAsync("Alt+O");
        await Assertions.Expect(page.GetByTestId("opened-article")).ToContainTextAsync("1000元/人/月");
        await page.Keyboard.PressAsync("Alt+A");

        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex("工单 HL\\d{14} 已登记并一次办结"))).ToBeVisibleAsync();
        var mine = page.GetByTestId("my-ticket-row");
        await Assertions.Expect(mine.First).ToContainTextAsync("咨询低保标准");
        var number = await mine.First.GetAttributeAsync("data-number");
        var agent = await Factory.AgentAsync();
        var ticket = await Api.GetAsync(agent, $"/api/tickets/{number}");
        Assert.Equal("ResolvedAtIntake", ticket.Str("status"));
        Assert.Contains("1000元/人/月", ticket.Str("intakeAnswer"), StringComparison.Ordinal);
        var answered = (await Api.GetAsync(agent, $"/api/tickets/{number}/events")).EnumerateArray().Last().GetProperty("change");
        Assert.Equal(await Knowledge.IdOfSeedAsync(Factory, "faq-ca-dibao"), answered.GetProperty("articleId").GetInt64());
        Assert.True(answered.GetProperty("articleVersion").GetInt32() >= 1);
    }

    [BrowserFact]
    public async Task A_citizen_finds_an_answer_on_the_public_page_on_a_phone_and_says_it_solved_the_question()
    {
        var page = await chromium!.NewPhonePageAsync("zh-CN", fixture.BaseAddress);
        await page.GotoAsync("/ask");

        await page.GetByLabel("您的问题").FillAsync("外地交的社保怎么转到常州");
        await page.GetByRole(AriaRole.Button, new() { Name = "查找答案" }).TapAsync();
        var result = page.GetByTestId("ask-result").First;
        await Assertions.Expect(result).ToContainTextAsync("社保");
        var box = await page.GetByRole(AriaRole.Button, new() { Name = "查找答案" }).BoundingBoxAsync();
        Assert.True(box is { Height: >= 44 }, "Touch targets are at least 44 px high.");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "No sideways scrolling on a phone.");
        await result.GetByRole(AriaRole.Link).TapAsync();
        await Assertions.Expect(page.GetByTestId("ask-answer")).ToContainTextAsync("转移接续");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "hotline-screenshots", "ask-phone.png"), FullPage = true });

        var before = await ResolutionsAsync();
        await page.GetByTestId("ask-solved").TapAsync();
        await Assertions.Expect(page.GetByTestId("ask-resolved")).ToBeVisibleAsync();
        Assert.Equal(before + 1, await ResolutionsAsync());
    }

    [BrowserFact]
    public async Task An_editor_merges_a_proposed_draft_into_a_new_article()
    {
        var feedback = Factory.Services.GetRequiredService<KnowledgeFeedbackWorker>();
        await feedback.RunOnceAsync(CancellationToken.None); // the cursor starts now
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen(title: "小区里养的鸽子扰民", type: "Consultation", category: "um-garbage");
        body["description"] = "邻居在楼顶养了几十只鸽子，清晨鸽哨很响，鸽粪落在阳台上，想问该找哪个部门。";
        body["intakeAnswer"] = "楼顶搭建鸽棚属于违法搭建的，由城市管理部门查处；饲养鸽子影响环境卫生的，可由社区和物业劝导。";
        var ticket = (await Api.RegisterAsync(agent, body)).Number();
        var proposalId = await ProposalForAsync(feedback, ticket);

        var page = await SignInAsync("kn.editor", "知识库编辑 黄蕾", Roles.KnowledgeEditor, "/knowledge/drafts", "草稿队列");
        var row = page.GetByTestId("draft-row").Filter(new() { HasText = "小区里养的鸽子扰民" });
        await Assertions.Expect(row).ToContainTextAsync(ticket);
        await row.GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("draft-proposal")).ToContainTextAsync("城市管理部门");
        await Interactive(page);
        await Assertions.Expect(page.Locator("#article-title")).ToHaveValueAsync("小区里养的鸽子扰民");
        await page.Locator("#article-title").FillAsync("楼顶养鸽子扰民找哪个部门？");
        await page.GetByTestId("merge-draft").ClickAsync();

        await Assertions.Expect(page.GetByTestId("article-page")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "楼顶养鸽子扰民找哪个部门？" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("article-status")).ToHaveTextAsync("草稿");
        await using var scope = Factory.Services.CreateAsyncScope();
        var proposal = await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().KnowledgeProposals.AsNoTracking().SingleAsync(p => p.Id == proposalId);
        Assert.Equal(ProposalStatus.Merged, proposal.Status);
        Assert.NotNull(proposal.MergedArticleId);
    }

    private async Task<long> ProposalForAsync(KnowledgeFeedbackWorker feedback, string ticket)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await feedback.RunOnceAsync(CancellationToken.None);
            await using var scope = Factory.Services.CreateAsyncScope();
            var id = await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().KnowledgeProposals.AsNoTracking()
                .Where(p => p.TicketNumber == ticket).Select(p => (long?)p.Id).FirstOrDefaultAsync();
            if (id is { } found)
                return found;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"No draft was proposed for {ticket}.");
    }

    private async Task<int> ResolutionsAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().OnlineResolutions.CountAsync();
    }

    private async Task<IPage> SignInAsync(string userName, string displayName, string role, string returnUrl, string heading)
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        using (var created = await Api.PostAsync(admin, "/api/admin/users", new JsonObject
        {
            ["userName"] = userName, ["displayName"] = displayName, ["role"] = role, ["password"] = Password,
        }))
        {
            await Api.ExpectAsync(created, HttpStatusCode.Created);
        }
        var context = await chromium!.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading })).ToBeVisibleAsync();
        await Interactive(page);
        return page;
    }

    private static Task Interactive(IPage page) => Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
}
