using Hotline.Domain.Knowledge;
using Hotline.Server.Data;
using Hotline.Server.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Knowledge;

/// <summary>知识库自助更新 from the event log: uses and ratings of articles, drafts from unmatched answers, review flags, the enterprise library.</summary>
public sealed class KnowledgeFeedbackTests(KnowledgeFeedbackTests.Fixture fixture) : IClassFixture<KnowledgeFeedbackTests.Fixture>, IAsyncLifetime
{
    /// <summary>A server whose feedback runs only when a test says so.</summary>
    public sealed class Fixture() : HotlineFixture(new HotlineFactory(settings: Knowledge.Seeded(new() { ["Knowledge:FeedbackIntervalSeconds"] = "0" })));

    private HotlineFactory factory => fixture.Factory;

    public async Task InitializeAsync()
    {
        await Knowledge.SeededAsync(factory);
        await Feedback.RunOnceAsync(CancellationToken.None); // the cursor starts here (first run)
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private KnowledgeFeedbackWorker Feedback => factory.Services.GetRequiredService<KnowledgeFeedbackWorker>();

    private async Task<T> DbAsync<T>(Func<HotlineDbContext, Task<T>> read)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<HotlineDbContext>());
    }

    private async Task DrainAsync()
    {
        while (await Feedback.RunOnceAsync(CancellationToken.None) > 0)
        {
        }
    }

    [Fact]
    public async Task An_answer_from_an_article_counts_a_use_and_an_unsatisfied_rating_flags_the_article()
    {
        var agent = await factory.AgentAsync();
        var article = await Knowledge.IdOfSeedAsync(factory, "faq-pf-loan");
        var body = Api.Citizen(title: "公积金贷款多久批", type: "Consultation", category: "pf-loan");
        body["intakeAnswer"] = "材料齐全的一般在规定时限内审批完成。";
        body["intakeArticleId"] = article;
        var number = (await Api.RegisterAsync(agent, body)).Number();
        using (var rated = await Api.PostAsync(agent, $"/api/tickets/{number}/rating", new JsonObject { ["level"] = "Dissatisfied", ["resolved"] = false }))
            await Api.ExpectAsync(rated, HttpStatusCode.Created);
        await DrainAsync();

        var row = await DbAsync(db => db.KnowledgeArticles.AsNoTracking().SingleAsync(a => a.Id == article));
        Assert.Equal((1, 0, 1), (row.Uses, row.RatedSatisfied, row.RatedUnsatisfied));
        var flag = await DbAsync(db => db.KnowledgeFlags.AsNoTracking().SingleAsync(f => f.ArticleId == article));
        Assert.Equal((ReviewReason.UnsatisfiedRating, number), (flag.Reason, flag.TicketNumber));
        await DrainAsync(); // read again: nothing counted twice
        Assert.Equal(1, (await DbAsync(db => db.KnowledgeArticles.AsNoTracking().SingleAsync(a => a.Id == article))).Uses);
    }

    [Fact]
    public async Task A_reply_no_article_covers_proposes_a_draft_with_the_question_answer_and_legal_basis()
    {
        var agent = await factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "小区电梯困人救援太慢", category: "hs-property-service"))).Number();
        await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("zjj"));
        var zjj = await factory.HandlerAsync("zjj");
        await Api.ActAsync(zjj, number, "sign-for");
        await Api.ActAsync(zjj, number, "reply", new JsonObject
        {
            ["result"] = "Explained", ["resolution"] = "电梯困人应拨打96333，维保单位须在30分钟内到达现场。", ["legalBasis"] = "《江苏省电梯安全管理办法》",
        });
        await DrainAsync();
        var proposal = await DbAsync(db => db.KnowledgeProposals.AsNoTracking().SingleAsync(p => p.TicketNumber == number));
        Assert.Equal((ProposalKind.UnmatchedAnswer, "小区电梯困人救援太慢", "zjj", "《江苏省电梯安全管理办法》"),
            (proposal.Kind, proposal.Question, proposal.DepartmentCode, proposal.LegalBasis));
        Assert.Contains("96333", proposal.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_replies_to_one_ticket_read_in_one_round_propose_one_draft_and_the_round_moves_on()
    {
        // Regression: the second reply's draft was added beside the first (unsaved) one, the round's save failed on the
        // unique (ticket, kind) and the cursor never moved: feedback stalled for good, retrying the same round.
        var agent = await factory.AgentAsync();
        var dispatcher = await factory.DispatcherAsync();
        var zjj = await factory.HandlerAsync("zjj");
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "楼道应急照明灯长期不亮", category: "hs-property-service"))).Number();
        var reply = new JsonObject { ["result"] = "Explained", ["resolution"] = "已督促物业在三日内更换应急照明灯具并每月巡检。", ["legalBasis"] = "《物业管理条例》" };
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("zjj"));
        await Api.ActAsync(zjj, number, "sign-for");
        await Api.ActAsync(zjj, number, "reply", reply.DeepClone().AsObject());
        using (var rated = await Api.PostAsync(agent, $"/api/tickets/{number}/rating", new JsonObject { ["level"] = "Dissatisfied", ["resolved"] = false }))
            await Api.ExpectAsync(rated, HttpStatusCode.Created);
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("zjj"));
        await Api.ActAsync(zjj, number, "sign-for");
        await Api.ActAsync(zjj, number, "reply", reply.DeepClone().AsObject());

        for (var round = 0; round < 20 && await Feedback.RunOnceAsync(CancellationToken.None) > 0; round++)
        {
        }

        Assert.Equal(await DbAsync(db => db.TicketEvents.MaxAsync(e => e.Id)), await DbAsync(db => db.KnowledgeFeed.Select(c => c.LastEventId).SingleAsync()));
        Assert.Equal(1, await DbAsync(db => db.KnowledgeProposals.CountAsync(p => p.TicketNumber == number)));
    }

    [Fact]
    public async Task A_well_covered_question_proposes_no_draft()
    {
        var agent = await factory.AgentAsync();
        var body = Api.Citizen(title: "低保标准是多少", type: "Consultation", category: "ca-minimum-living");
        body["description"] = "想问一下常州低保标准是多少，怎么申请低保。";
        body["intakeAnswer"] = "每人每月1000元，向户籍所在地街道申请。";
        var number = (await Api.RegisterAsync(agent, body)).Number();
        await DrainAsync();
        Assert.False(await DbAsync(db => db.KnowledgeProposals.AnyAsync(p => p.TicketNumber == number)));
    }

    [Fact]
    public async Task A_department_that_answers_its_own_articles_question_differently_flags_the_article_and_the_same_answer_does_not()
    {
        const string answer = "业主在自有或租赁的固定车位安装充电桩，物业服务企业应当配合，不得阻挠；遇到阻挠可向属地住建部门投诉。";
        var editor = await factory.ClientAsync(Roles.KnowledgeEditor);
        long article;
        using (var created = await Api.PostAsync(editor, "/api/knowledge/articles", new JsonObject
        {
            ["title"] = "小区地下车库能否安装电动汽车充电桩", ["questions"] = new JsonArray("物业不让装充电桩怎么办"), ["answer"] = answer,
            ["categoryCodes"] = new JsonArray("hs-property-service"), ["departmentCodes"] = new JsonArray("zjj"),
        }))
            article = (await Api.ExpectAsync(created, HttpStatusCode.Created)).GetProperty("id").GetInt64();
        using (var published = await Api.PostAsync(editor, $"/api/knowledge/articles/{article}/actions/publish", new JsonObject { ["expectedVersion"] = 1 }))
            await Api.ExpectAsync(published, HttpStatusCode.OK);

        async Task<string> RepliedByZjjAsync(string resolution)
        {
            var body = Api.Citizen(title: "小区地下车库能否安装电动汽车充电桩", category: "hs-property-service", type: "Consultation");
            body["description"] = "想在小区地下车库安装电动汽车充电桩，物业不让装充电桩怎么办？";
            var number = (await Api.RegisterAsync(await factory.AgentAsync(), body)).Number();
            await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("zjj"));
            var zjj = await factory.HandlerAsync("zjj");
            await Api.ActAsync(zjj, number, "sign-for");
            await Api.ActAsync(zjj, number, "reply", new JsonObject { ["result"] = "Explained", ["resolution"] = resolution, ["legalBasis"] = "《物业管理条例》" });
            await DrainAsync();
            return number;
        }
        Task<List<KnowledgeFlag>> ChangedAnswerFlagsAsync() => DbAsync(db => db.KnowledgeFlags.AsNoTracking()
            .Where(f => f.ArticleId == article && f.Reason == ReviewReason.DepartmentAnswerChanged).ToListAsync());

        await RepliedByZjjAsync(answer); // the department answers as its article does
        Assert.Empty(await ChangedAnswerFlagsAsync());

        const string changed = "自今年十二月起由供电公司统一受理报装申请，携带产权证明到营业厅办理即可。";
        var number = await RepliedByZjjAsync(changed);
        var flag = Assert.Single(await ChangedAnswerFlagsAsync());
        Assert.Equal((number, changed, (DateTimeOffset?)null), (flag.TicketNumber, flag.Detail, flag.ClearedAt));
        // Editors see it among the articles to review, with the department's new answer beside it.
        var listed = (await Api.GetAsync(editor, "/api/knowledge/flags")).EnumerateArray().Single(f => f.GetProperty("articleId").GetInt64() == article);
        Assert.Equal(("DepartmentAnswerChanged", number), (listed.Str("reason"), listed.Str("ticketNumber")));
    }

    [Fact]
    public async Task An_enterprise_that_calls_enters_the_enterprise_library()
    {
        var code = Hotline.Tests.Enterprises.PolicyPushTests.Code(555);
        await Api.RegisterAsync(await factory.AgentAsync(), Api.Enterprise(code));
        await DrainAsync();
        var enterprise = await Api.GetAsync(await factory.AgentAsync(), $"/api/enterprises/{code}");
        Assert.Equal(("常州市恒远精密机械有限公司", "ticket", "service@hengyuan.example.com"), (enterprise.Str("name"), enterprise.Str("source"), enterprise.Str("email")));
    }

    [Fact]
    public async Task A_confidential_reporter_never_enters_the_enterprise_library()
    {
        var code = Hotline.Tests.Enterprises.PolicyPushTests.Code(556);
        var body = Api.Enterprise(code);
        body["type"] = "Report";
        body["requester"]!["confidential"] = true;
        await Api.RegisterAsync(await factory.AgentAsync(), body);
        await DrainAsync();

        using var response = await (await factory.AgentAsync()).GetAsync($"/api/enterprises/{code}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(await DbAsync(db => db.Enterprises.AnyAsync(e => e.CreditCode == code)));
    }

    [Fact]
    public async Task A_draft_from_a_confidential_report_masks_the_reporter()
    {
        var body = Api.Citizen(title: "钱保密举报小区电梯困人救援太慢", phone: "13912347788", confidential: true, type: "Report", category: "hs-property-service");
        body["requester"]!["name"] = "钱保密";
        var number = (await Api.RegisterAsync(await factory.AgentAsync(), body)).Number();
        await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("zjj"));
        var zjj = await factory.HandlerAsync("zjj");
        await Api.ActAsync(zjj, number, "sign-for");
        await Api.ActAsync(zjj, number, "reply", new JsonObject
        {
            ["result"] = "Explained", ["resolution"] = "已电话13912347788告知钱保密：电梯困人应拨打96333，维保单位须在30分钟内到达现场。",
            ["legalBasis"] = "《江苏省电梯安全管理办法》",
        });
        await DrainAsync();

        var proposal = await DbAsync(db => db.KnowledgeProposals.AsNoTracking().SingleAsync(p => p.TicketNumber == number));
        Assert.Equal("钱**举报小区电梯困人救援太慢", proposal.Question);
        Assert.Contains("96333", proposal.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("钱保密", proposal.Answer, StringComparison.Ordinal);
        Assert.DoesNotContain("13912347788", proposal.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Articles_expiring_within_thirty_days_are_flagged_and_those_past_expire()
    {
        var editor = await factory.ClientAsync(Roles.KnowledgeEditor);
        async Task<long> PublishedAsync(string title, string expires)
        {
            using var created = await Api.PostAsync(editor, "/api/knowledge/articles", new JsonObject { ["title"] = title, ["answer"] = "阶段性政策。", ["expiresOn"] = expires });
            var id = (await Api.ExpectAsync(created, HttpStatusCode.Created)).GetProperty("id").GetInt64();
            using var published = await Api.PostAsync(editor, $"/api/knowledge/articles/{id}/actions/publish", new JsonObject { ["expectedVersion"] = 1 });
            await Api.ExpectAsync(published, HttpStatusCode.OK);
            return id;
        }
        var soon = await PublishedAsync("年底到期的阶段性政策", "2026-12-15");
        var later = await PublishedAsync("明年到期的政策", "2027-03-01");
        await Feedback.DailyAsync(CancellationToken.None); // 23 November 2026
        var flagged = await DbAsync(db => db.KnowledgeFlags.AsNoTracking().Where(f => f.Reason == ReviewReason.ExpiresSoon).Select(f => f.ArticleId).ToListAsync());
        Assert.Contains(soon, flagged);
        Assert.DoesNotContain(later, flagged);

        factory.Clock.Advance(TimeSpan.FromDays(30)); // 23 December 2026 (the other tests of this class do not mind the later date)
        await Feedback.DailyAsync(CancellationToken.None);
        Assert.Equal(ArticleStatus.Expired, (await DbAsync(db => db.KnowledgeArticles.AsNoTracking().SingleAsync(a => a.Id == soon))).Status);
        Assert.Equal(ArticleStatus.Published, (await DbAsync(db => db.KnowledgeArticles.AsNoTracking().SingleAsync(a => a.Id == later))).Status);
        var history = (await Api.GetAsync(editor, $"/api/knowledge/articles/{soon}/versions")).EnumerateArray().First();
        Assert.Equal(("expire", "系统"), (history.Str("action"), history.Str("actorName")));
    }
}
