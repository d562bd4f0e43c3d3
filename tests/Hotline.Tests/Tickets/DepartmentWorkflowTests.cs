namespace Hotline.Tests.Tickets;

/// <summary>Whole stories of 接诉即办 through the API: every ticket reaches one department that answers it, and nobody passes the buck without a trace.</summary>
public sealed class DepartmentWorkflowTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    private static string Later(TimeSpan span) => (HotlineFactory.Start + span).ToString("O");

    [Fact]
    public async Task Dispatch_return_redispatch_sign_extension_reply_reopen_reply_close()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var supervisor = await Factory.SupervisorAsync();
        var scjg = await Factory.HandlerAsync("scjg");
        var cgj = await Factory.HandlerAsync("cgj");
        var number = (await Api.RegisterAsync(agent)).Number();

        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(scjg, number, "return", Api.Return());
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("cgj"));
        await Api.ActAsync(cgj, number, "sign-for");
        await Api.ActAsync(cgj, number, "add-progress", new JsonObject { ["note"] = "已联系街道执法中队，今晚现场核查。" });
        var requested = await Api.ActAsync(cgj, number, "request-extension", new JsonObject { ["reason"] = "需协调夜间联合执法。", ["requestedDeadline"] = Later(TimeSpan.FromDays(10)) });
        Assert.NotNull(requested.GetProperty("pendingExtensionDeadline").GetString());
        var approved = await Api.ActAsync(supervisor, number, "decide-extension", new JsonObject { ["approved"] = true, ["comment"] = "同意延期。" });
        Assert.Equal(HotlineFactory.Start + TimeSpan.FromDays(10), approved.GetProperty("extendedDeadline").GetDateTimeOffset());
        await Api.ActAsync(cgj, number, "reply", Api.Reply());
        await Api.ActAsync(supervisor, number, "reopen", Api.Reopen());
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("cgj"));
        await Api.ActAsync(cgj, number, "sign-for");
        await Api.ActAsync(cgj, number, "reply", Api.Reply());
        var closed = await Api.ActAsync(agent, number, "close");

        Assert.Equal("Closed", closed.Str("status"));
        Assert.Equal(["scjg"], closed.GetProperty("returnedBy").Strings());
        var actions = (await Api.GetAsync(agent, $"/api/tickets/{number}/events")).EnumerateArray().Select(e => e.Str("action")).ToArray();
        Assert.Equal(["register", "dispatch", "return", "dispatch", "sign-for", "add-progress", "request-extension", "decide-extension",
            "reply", "reopen", "dispatch", "sign-for", "reply", "close"], actions);
    }

    [Fact]
    public async Task Co_handling_departments_add_their_part_and_only_the_main_department_replies()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var main = await Factory.HandlerAsync("cgj");
        var environment = await Factory.HandlerAsync("sthj");
        var housing = await Factory.HandlerAsync("zjj");
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "夜间施工噪音", category: "um-construction-noise"))).Number();

        var dispatched = await Api.ActAsync(dispatcher, number, "dispatch", new JsonObject
        {
            ["departmentCode"] = "cgj", ["coHandlingDepartmentCodes"] = new JsonArray("sthj", "zjj"),
        });
        Assert.Equal(["sthj", "zjj"], dispatched.GetProperty("coHandlingDepartmentCodes").Strings());

        // Co-handlers see the ticket in their inbox and add their part; they cannot sign for or reply.
        Assert.Contains(number, (await Api.GetAsync(environment, "/api/queues/department")).EnumerateArray().Select(t => t.Number()));
        var view = await Api.GetAsync(environment, $"/api/tickets/{number}");
        Assert.Equal(["add-progress", "contribute", "attach-file"], view.GetProperty("allowedActions").Strings());
        await Api.ActAsync(environment, number, "contribute", new JsonObject { ["contribution"] = "经噪声监测，夜间噪声超标 8 分贝。" });
        await Api.ActAsync(housing, number, "contribute", new JsonObject { ["contribution"] = "已约谈施工单位，责令停止夜间施工。" });
        using (var signByCoHandler = await Api.ActionAsync(environment, number, "sign-for", 4))
            Assert.Equal(HttpStatusCode.Forbidden, signByCoHandler.StatusCode);

        await Api.ActAsync(main, number, "sign-for");
        using (var replyByCoHandler = await Api.ActionAsync(housing, number, "reply", 5, Api.Reply()))
            Assert.Equal(HttpStatusCode.Forbidden, replyByCoHandler.StatusCode);
        using (var mainContributes = await Api.ActionAsync(main, number, "contribute", 5, new JsonObject { ["contribution"] = "x" }))
            Assert.Equal(HttpStatusCode.Forbidden, mainContributes.StatusCode);
        var replied = await Api.ActAsync(main, number, "reply", Api.Reply());

        Assert.Equal("Replied", replied.Str("status"));
        var history = await Api.GetAsync(agent, $"/api/tickets/{number}/events");
        var contributions = history.EnumerateArray().Where(e => e.Str("action") == "contribute").Select(e => e.GetProperty("change").Str("departmentCode"));
        Assert.Equal(["sthj", "zjj"], contributions);
    }

    [Fact]
    public async Task A_duplicate_follows_its_master_and_is_answered_and_closed_with_it_keeping_its_own_requester()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var handler = await Factory.HandlerAsync("cgj");
        var master = (await Api.RegisterAsync(agent, Api.Citizen(title: "延陵中路占道经营", phone: "13800000001"))).Number();
        var repeat = (await Api.RegisterAsync(agent, Api.Citizen(title: "延陵中路又有摊贩占道", phone: "13800000002"))).Number();

        var merged = await Api.ActAsync(dispatcher, repeat, "mark-duplicate", new JsonObject { ["masterNumber"] = master });
        Assert.Equal("Merged", merged.Str("status"));
        Assert.Equal(master, merged.Str("masterNumber"));
        await Api.ActAsync(dispatcher, master, "dispatch", Api.Dispatch("cgj"));
        await Api.ActAsync(handler, master, "sign-for");
        await Api.ActAsync(handler, master, "reply", Api.Reply());

        var answered = await Api.GetAsync(agent, $"/api/tickets/{repeat}");
        Assert.Equal("Replied", answered.Str("status"));
        Assert.Equal("已现场核查并处理，摊贩已劝离。", answered.Str("resolution"));
        Assert.Equal("13800000002", answered.GetProperty("requester").Str("phone"));
        var last = (await Api.GetAsync(agent, $"/api/tickets/{repeat}/events")).EnumerateArray().Last();
        Assert.Equal("answer-with-master", last.Str("action"));
        Assert.Equal("system", last.GetProperty("actor").Str("id"));

        await Api.ActAsync(agent, master, "close");
        Assert.Equal("Closed", (await Api.GetAsync(agent, $"/api/tickets/{repeat}")).Str("status"));
    }

    [Fact]
    public async Task A_ticket_cannot_duplicate_itself_a_finished_ticket_or_one_that_does_not_exist()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent)).Number();
        var finished = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(agent, finished, "resolve-at-intake", new JsonObject { ["answer"] = "已答复。" });

        foreach (var (master, code) in new[] { (number, "工单不能作为自身的重复件。"), (finished, "主件工单已办结或本身是重复件，不能并案。"), ("HL20200101000001", "主件工单不存在或无权查看。") })
        {
            using var response = await Api.ActionAsync(agent, number, "mark-duplicate", 1, new JsonObject { ["masterNumber"] = master });
            var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal(code, problem.GetProperty("errors").GetProperty("masterNumber")[0].GetString());
        }
    }

    [Fact]
    public async Task A_department_may_return_a_ticket_only_so_often_and_getting_it_back_needs_a_supervisor()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var supervisor = await Factory.SupervisorAsync();
        var scjg = await Factory.HandlerAsync("scjg");
        var number = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(scjg, number, "return", Api.Return());

        // The dispatcher may not simply send it back: that is how buck-passing (推诿) starts.
        using (var pingPong = await Api.ActionAsync(dispatcher, number, "dispatch", 3, Api.Dispatch("scjg")))
        {
            var problem = await Api.ExpectAsync(pingPong, HttpStatusCode.Forbidden);
            Assert.Equal("ReturnedBySameDepartment", problem.Str("code"));
        }
        await Api.ActAsync(supervisor, number, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(scjg, number, "return", Api.Return());
        await Api.ActAsync(supervisor, number, "dispatch", Api.Dispatch("scjg"));

        using var third = await Api.ActionAsync(scjg, number, "return", 6, Api.Return());
        var refused = await Api.ExpectAsync(third, HttpStatusCode.Conflict);
        Assert.Equal("ReturnLimitReached", refused.Str("code"));
        Assert.Contains("2", refused.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_supervision_order_is_answered_by_the_department_and_leaves_the_supervisors_queue()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var supervisor = await Factory.SupervisorAsync();
        var handler = await Factory.HandlerAsync("zjj");
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "物业不作为", category: "hs-property-service"))).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("zjj"));

        var supervised = await Api.ActAsync(supervisor, number, "supervise", new JsonObject { ["instructions"] = "请三日内核实并答复。", ["dueAt"] = Later(TimeSpan.FromDays(3)) });
        Assert.Equal([1], supervised.GetProperty("openSupervisionOrders").EnumerateArray().Select(o => o.GetInt32()));
        Assert.Contains(number, (await Api.GetAsync(supervisor, "/api/queues/supervision")).EnumerateArray().Select(t => t.Number()));

        using (var wrongOrder = await Api.ActionAsync(handler, number, "answer-supervision", 3, new JsonObject { ["orderNumber"] = 7, ["answer"] = "x" }))
            await Api.ExpectAsync(wrongOrder, HttpStatusCode.BadRequest);
        var answered = await Api.ActAsync(handler, number, "answer-supervision", new JsonObject { ["orderNumber"] = 1, ["answer"] = "已约谈物业公司，限期整改。" });

        Assert.Empty(answered.GetProperty("openSupervisionOrders").EnumerateArray());
        Assert.DoesNotContain(number, (await Api.GetAsync(supervisor, "/api/queues/supervision")).EnumerateArray().Select(t => t.Number()));
    }

    [Fact]
    public async Task A_difficult_ticket_goes_to_the_leaders_queue_and_the_leaders_instructions_must_be_answered()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var supervisor = await Factory.SupervisorAsync();
        var leader = await Factory.ClientAsync(Roles.Leader);
        var handler = await Factory.HandlerAsync("zjj");
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "老旧小区加装电梯多年未果", category: "hs-old-community"))).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("zjj"));

        using (var tooEarly = await Api.ActionAsync(leader, number, "leader-instruct", 2, new JsonObject { ["instructions"] = "x", ["dueAt"] = Later(TimeSpan.FromDays(5)) }))
            Assert.Equal(HttpStatusCode.Conflict, tooEarly.StatusCode);
        await Api.ActAsync(supervisor, number, "escalate-to-leader", new JsonObject { ["reason"] = "涉及多部门、反复投诉三年。" });
        Assert.Contains(number, (await Api.GetAsync(leader, "/api/queues/leader")).EnumerateArray().Select(t => t.Number()));

        var instructed = await Api.ActAsync(leader, number, "leader-instruct", new JsonObject { ["instructions"] = "请住建局牵头，十个工作日内拿出方案。", ["dueAt"] = Later(TimeSpan.FromDays(14)) });
        Assert.False(instructed.GetProperty("inLeaderQueue").GetBoolean());
        Assert.Equal("请住建局牵头，十个工作日内拿出方案。", instructed.Str("leaderInstructions"));
        Assert.DoesNotContain(number, (await Api.GetAsync(leader, "/api/queues/leader")).EnumerateArray().Select(t => t.Number()));

        var answered = await Api.ActAsync(handler, number, "answer-supervision", new JsonObject { ["orderNumber"] = 1, ["answer"] = "已制定加装电梯方案并公示。" });
        Assert.Empty(answered.GetProperty("openSupervisionOrders").EnumerateArray());
    }

    [Fact]
    public async Task Extension_requests_are_decided_once_and_a_refusal_says_why()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var handler = await Factory.HandlerAsync("scjg");
        var number = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(handler, number, "sign-for");

        using (var past = await Api.ActionAsync(handler, number, "request-extension", 3, new JsonObject { ["reason"] = "x", ["requestedDeadline"] = Later(TimeSpan.FromDays(-1)) }))
            await Api.ExpectAsync(past, HttpStatusCode.BadRequest);
        await Api.ActAsync(handler, number, "request-extension", new JsonObject { ["reason"] = "需调取监控。", ["requestedDeadline"] = Later(TimeSpan.FromDays(7)) });
        using (var twice = await Api.ActionAsync(handler, number, "request-extension", 4, new JsonObject { ["reason"] = "再申请", ["requestedDeadline"] = Later(TimeSpan.FromDays(8)) }))
            Assert.Equal("ExtensionPending", (await Api.ExpectAsync(twice, HttpStatusCode.Conflict)).Str("code"));
        using (var noReason = await Api.ActionAsync(dispatcher, number, "decide-extension", 4, new JsonObject { ["approved"] = false }))
            Assert.True((await Api.ExpectAsync(noReason, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("comment", out _));

        var rejected = await Api.ActAsync(dispatcher, number, "decide-extension", new JsonObject { ["approved"] = false, ["comment"] = "理由不充分，请按期办结。" });

        Assert.Equal(JsonValueKind.Null, rejected.TryGetProperty("pendingExtensionDeadline", out var p) ? p.ValueKind : JsonValueKind.Null);
        Assert.False(rejected.TryGetProperty("extendedDeadline", out _));
    }

    [Fact]
    public async Task The_dispatch_queue_holds_new_returned_and_reopened_tickets()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var handler = await Factory.HandlerAsync("scjg");
        var fresh = (await Api.RegisterAsync(agent)).Number();
        var returned = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, returned, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(handler, returned, "return", Api.Return());
        var withDepartment = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, withDepartment, "dispatch", Api.Dispatch("scjg"));

        var queue = (await Api.GetAsync(dispatcher, "/api/queues/dispatch")).EnumerateArray().Select(t => t.Number()).ToList();

        Assert.Contains(fresh, queue);
        Assert.Contains(returned, queue);
        Assert.DoesNotContain(withDepartment, queue);
        using var forbidden = await handler.GetAsync("/api/queues/dispatch");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }
}

public sealed class IntakeAnswerAndReplyFilesTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task An_agent_registers_and_answers_a_consultation_in_one_step_and_it_is_never_dispatched()
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen(title: "咨询稳岗返还政策", type: "Consultation", category: "policy");
        body["intakeAnswer"] = "符合条件的参保企业可通过人社网上办事大厅申请稳岗返还，无需提交纸质材料。";

        var ticket = await Api.RegisterAsync(agent, body);

        Assert.Equal("ResolvedAtIntake", ticket.Str("status"));
        Assert.Equal(2, ticket.GetProperty("version").GetInt32());
        var history = await Api.GetAsync(agent, $"/api/tickets/{ticket.Number()}/events");
        Assert.Equal(["register", "resolve-at-intake"], history.EnumerateArray().Select(e => e.Str("action")));
        Assert.DoesNotContain(ticket.Number(), (await Api.GetAsync(await Factory.DispatcherAsync(), "/api/queues/dispatch")).EnumerateArray().Select(t => t.Number()));
    }

    [Fact]
    public async Task A_reply_cites_files_attached_to_its_ticket_only()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var handler = await Factory.HandlerAsync("cgj");
        var number = (await Api.RegisterAsync(agent)).Number();
        var other = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch("cgj"));
        await Api.ActAsync(handler, number, "sign-for");
        using var upload = await handler.PostAsync($"/api/tickets/{number}/attachments", Files.Png("整改照片.png"));
        var own = (await Api.ExpectAsync(upload, HttpStatusCode.Created)).GetProperty("id").GetInt64();
        using var otherUpload = await agent.PostAsync($"/api/tickets/{other}/attachments", Files.Png("别的工单.png"));
        var foreign = (await Api.ExpectAsync(otherUpload, HttpStatusCode.Created)).GetProperty("id").GetInt64();

        var withForeign = Api.Reply();
        withForeign["attachmentIds"] = new JsonArray(own, foreign);
        using var refused = await Api.ActionAsync(handler, number, "reply", 4, withForeign);
        Assert.True((await Api.ExpectAsync(refused, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("attachmentIds[1]", out _));

        var reply = Api.Reply();
        reply["attachmentIds"] = new JsonArray(own);
        await Api.ActAsync(handler, number, "reply", reply);
        var last = (await Api.GetAsync(agent, $"/api/tickets/{number}/events")).EnumerateArray().Last();
        Assert.Equal([own], last.GetProperty("change").GetProperty("attachmentIds").EnumerateArray().Select(i => i.GetInt64()));
    }
}
