using Hotline.Domain.Tickets;

namespace Hotline.Tests.Tickets;

public sealed class DuplicateHintsTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private const string Url = "/api/tickets/duplicate-hints";

    private HotlineFactory Factory => fixture.Factory;

    private static JsonObject Text(JsonObject body, string title, string description, string? category = null)
    {
        body["title"] = title;
        body["description"] = description;
        if (category is not null)
            body["categoryCode"] = category;
        return body;
    }

    private static async Task<JsonElement> HintsAsync(HttpClient client, JsonObject draft)
    {
        using var response = await Api.PostAsync(client, Url, draft);
        return await Api.ExpectAsync(response, HttpStatusCode.OK);
    }

    private static string[] Numbers(JsonElement hints, string list) =>
        hints.GetProperty(list).EnumerateArray().Select(t => list == "similar" ? t.GetProperty("ticket").Number() : t.Number()).ToArray();

    [Fact]
    public async Task Same_phone_lists_the_open_tickets_newest_first_but_not_those_resolved_at_intake_or_closed()
    {
        var agent = await Factory.AgentAsync();
        const string phone = "13900000001";
        var older = (await Api.RegisterAsync(agent, Api.Citizen(title: "同号码：路灯不亮", phone: phone))).Number();
        var newer = (await Api.RegisterAsync(agent, Api.Citizen(title: "同号码：井盖缺失", phone: phone))).Number();
        var resolved = (await Api.RegisterAsync(agent, Api.Citizen(title: "同号码：已当场答复", phone: phone))).Number();
        await Api.ActAsync(agent, resolved, "resolve-at-intake", new JsonObject { ["answer"] = "已当场答复。" });
        var closed = (await Api.RegisterAsync(agent, Api.Citizen(title: "同号码：已归档", phone: phone))).Number();
        await Api.ActAsync(agent, closed, "resolve-at-intake", new JsonObject { ["answer"] = "已当场答复。" });
        await Api.ActAsync(agent, closed, "close");

        var hints = await HintsAsync(agent, Api.Citizen(title: "同号码：再次来电", phone: $" {phone} "));

        Assert.Equal([newer, older], Numbers(hints, "samePhone"));
        Assert.Empty(Numbers(hints, "sameCreditCode"));
        Assert.DoesNotContain(newer, Numbers(hints, "similar")); // already listed above
    }

    [Fact]
    public async Task Same_credit_code_lists_the_enterprise_s_open_tickets_whatever_the_case_typed()
    {
        var agent = await Factory.AgentAsync();
        var code = "91320411MA2AB7C3D" + UnifiedSocialCreditCode.CheckCharacter("91320411MA2AB7C3D");
        var open = (await Api.RegisterAsync(agent, Api.Enterprise(code, "同信用代码：开办超时"))).Number();
        var other = (await Api.RegisterAsync(agent, Api.Enterprise(title: "另一家企业：开办超时"))).Number();

        var draft = Api.Enterprise(code.ToLowerInvariant(), "同信用代码：再次反映");
        draft["requester"]!["phone"] = "0519-80000002";
        var hints = await HintsAsync(agent, draft);

        Assert.Equal([open], Numbers(hints, "sameCreditCode"));
        Assert.DoesNotContain(other, Numbers(hints, "sameCreditCode"));
        var summary = hints.GetProperty("sameCreditCode")[0];
        Assert.Equal("同信用代码：开办超时", summary.Str("title"));
        Assert.Equal("常州市恒远精密机械有限公司", summary.Str("requesterName"));
    }

    [Fact]
    public async Task A_reworded_ticket_about_the_same_matter_is_similar_and_an_unrelated_one_is_not()
    {
        var agent = await Factory.AgentAsync();
        var same = (await Api.RegisterAsync(agent, Text(Api.Citizen(phone: "13900000003"),
            "夜市摊贩占道经营堵塞道路",
            "钟楼区南大街100号每天晚上有大量流动摊贩占用人行道和非机动车道经营，油烟大、垃圾多，行人只能走机动车道，非常危险。请城管部门规范管理。",
            "um-street-vending"))).Number();
        var unrelated = (await Api.RegisterAsync(agent, Text(Api.Citizen(phone: "13900000004"),
            "建筑垃圾乱倒", "钟楼区某工地把建筑垃圾倒在河边绿化带里，已经堆了半个月没人清理，请尽快清运。", "um-garbage"))).Number();

        var hints = await HintsAsync(agent, Text(Api.Citizen(phone: "13900000005"),
            "南大街100号门口晚上摊贩占道",
            "每天晚上九点以后南大街100号附近有很多流动摊贩在人行道上摆摊，油烟和垃圾很多，行人被迫走机动车道，希望城管来管一管。",
            "um-street-vending"));

        var similar = hints.GetProperty("similar").EnumerateArray().ToList();
        var match = Assert.Single(similar, s => s.GetProperty("ticket").Number() == same);
        Assert.InRange(match.GetProperty("similarity").GetDouble(), 0.3, 1.0);
        Assert.Equal("夜市摊贩占道经营堵塞道路", match.GetProperty("ticket").Str("title"));
        Assert.DoesNotContain(unrelated, Numbers(hints, "similar"));
        Assert.True(similar.Count <= 5);
    }

    [Fact]
    public async Task An_existing_ticket_s_hints_leave_out_the_ticket_itself()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var first = (await Api.RegisterAsync(agent, Text(Api.Citizen(phone: "13900000006"),
            "游泳馆池水浑浊", "武进区湖塘镇花园街5号的游泳馆池水浑浊有异味，孩子游完眼睛发红，也没有公示余氯检测结果。", "ph-swimming-water"))).Number();
        var second = (await Api.RegisterAsync(agent, Text(Api.Citizen(phone: "13900000006"),
            "花园街游泳馆水质差", "湖塘镇花园街5号游泳馆的池水很浑浊，有异味，孩子游完眼睛红，馆内没有公示余氯检测。", "ph-swimming-water"))).Number();

        var hints = await Api.GetAsync(dispatcher, $"/api/tickets/{second}/duplicate-hints");

        Assert.Equal([first], Numbers(hints, "samePhone"));
        Assert.DoesNotContain(second, Numbers(hints, "similar"));
        Assert.DoesNotContain(first, Numbers(hints, "similar"));
        using var missing = await dispatcher.GetAsync("/api/tickets/NOPE/duplicate-hints");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Department_handlers_are_refused()
    {
        var agent = await Factory.AgentAsync();
        var handler = await Factory.HandlerAsync("cgj");
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "承办人不可见提示", phone: "13900000007"))).Number();

        using var post = await Api.PostAsync(handler, Url, Api.Citizen(phone: "13900000007"));
        using var get = await handler.GetAsync($"/api/tickets/{number}/duplicate-hints");

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
    }

    [Fact]
    public async Task A_confidential_requester_is_only_a_notice_for_an_agent_and_listed_for_a_supervisor()
    {
        var agent = await Factory.AgentAsync();
        var supervisor = await Factory.SupervisorAsync();
        const string phone = "13900000008";
        var open = (await Api.RegisterAsync(agent, Api.Citizen(title: "保密：非保密的早先来电", phone: phone))).Number();
        var secret = (await Api.RegisterAsync(agent, Api.Citizen(title: "保密：举报人来电", phone: phone, confidential: true))).Number();

        var forAgent = await HintsAsync(agent, Api.Citizen(title: "保密：再次来电", phone: phone));
        var forSupervisor = await HintsAsync(supervisor, Api.Citizen(title: "保密：再次来电", phone: phone));

        static string[] Listed(JsonElement hints) => hints.GetProperty("samePhone").EnumerateArray().Select(t => t.Number()).ToArray();
        Assert.Equal([open], Listed(forAgent));
        Assert.True(forAgent.GetProperty("confidentialMatter").GetBoolean()); // that one exists, not which
        Assert.Contains(secret, Listed(forSupervisor));
        Assert.Equal("张三丰", forSupervisor.GetProperty("samePhone").EnumerateArray().Single(t => t.Number() == secret).Str("requesterName"));

        // Seen from the confidential ticket, the reporter's other tickets would name them: nothing is looked up by their phone.
        var fromSecret = await Api.GetAsync(agent, $"/api/tickets/{secret}/duplicate-hints");
        Assert.Empty(Listed(fromSecret));
        Assert.DoesNotContain(fromSecret.GetProperty("similar").EnumerateArray(), s => s.GetProperty("ticket").Number() == open);
        Assert.Contains(open, Listed(await Api.GetAsync(supervisor, $"/api/tickets/{secret}/duplicate-hints")));
    }

    [Theory]
    [InlineData("categoryCode", "nothing")]
    [InlineData("districtCode", "atlantis")]
    public async Task Unknown_codes_are_named_in_a_validation_problem(string field, string value)
    {
        var agent = await Factory.AgentAsync();
        var draft = Api.Citizen();
        draft[field] = value;
        using var response = await Api.PostAsync(agent, Url, draft);
        var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}

/// <summary>Moves the clock, so it has a server of its own.</summary>
public sealed class DuplicateHintsWindowTests
{
    [Fact]
    public async Task Tickets_older_than_30_days_are_not_similar_but_still_open_for_the_same_phone()
    {
        var factory = new HotlineFactory();
        try
        {
            var agent = await factory.AgentAsync();
            var draft = Api.Citizen(phone: "13900000009");
            var old = (await Api.RegisterAsync(agent, draft.DeepClone().AsObject())).Number();

            factory.Clock.Advance(TimeSpan.FromDays(29));
            using var hints = await Api.PostAsync(agent, "/api/tickets/duplicate-hints", Api.Citizen(phone: "13900000010"));
            var within = await Api.ExpectAsync(hints, HttpStatusCode.OK);
            Assert.Contains(old, within.GetProperty("similar").EnumerateArray().Select(s => s.GetProperty("ticket").Number()));

            factory.Clock.Advance(TimeSpan.FromDays(2));
            using var later = await Api.PostAsync(agent, "/api/tickets/duplicate-hints", Api.Citizen(phone: "13900000010"));
            var after = await Api.ExpectAsync(later, HttpStatusCode.OK);
            Assert.Empty(after.GetProperty("similar").EnumerateArray());

            using var byPhone = await Api.PostAsync(agent, "/api/tickets/duplicate-hints", draft);
            Assert.Equal([old], (await Api.ExpectAsync(byPhone, HttpStatusCode.OK)).GetProperty("samePhone").EnumerateArray().Select(t => t.Number()));
        }
        finally
        {
            await factory.DisposeAsync();
            factory.DeleteData();
        }
    }
}
