using Hotline.Server.Analytics;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Analytics;

/// <summary>
/// A small centre on 23 November 2026, made through the API: five tickets with 市场监管局, one with 住建局 (with
/// 市场监管局 co-handling), a confidential reporter, an answer at intake, a return, ratings, a withdrawal.
/// </summary>
public sealed class AnalyticsWorld : HotlineFixture, IAsyncLifetime
{
    public Dictionary<string, string> Numbers { get; } = [];

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var f = Factory;
        var agent = await f.AgentAsync();
        var dispatcher = await f.DispatcherAsync();
        var scjg = await f.HandlerAsync("scjg");
        var zjj = await f.HandlerAsync("zjj");

        async Task<string> Register(string key, JsonObject body) => Numbers[key] = (await Api.RegisterAsync(agent, body)).Number();
        async Task Rate(string number, string level, bool resolved) =>
            await Api.ExpectAsync(await Api.PostAsync(agent, $"/api/tickets/{number}/rating", new JsonObject { ["level"] = level, ["resolved"] = resolved, ["channel"] = "Phone" }), HttpStatusCode.Created);

        // Satisfied and resolved.
        var a = await Register("satisfied", Api.Citizen(title: "超市出售过期牛奶", category: "con-food-safety"));
        await Api.ActAsync(dispatcher, a, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(scjg, a, "sign-for");
        await Api.ActAsync(scjg, a, "reply", Api.Reply());
        await Rate(a, "Satisfied", true);
        // Basically satisfied, a confidential reporter.
        var b = await Register("confidential", Api.Citizen(title: "饭店后厨卫生差", phone: "13900000001", confidential: true, category: "con-food-safety", type: "Report"));
        await Api.ActAsync(dispatcher, b, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(scjg, b, "sign-for");
        await Api.ActAsync(scjg, b, "reply", Api.Reply());
        await Rate(b, "BasicallySatisfied", false);
        // Returned by 市场监管局, then 住建局 with 市场监管局 co-handling.
        var c = await Register("returned", Api.Citizen(title: "小区电梯经常故障", phone: "13900000002"));
        await Api.ActAsync(dispatcher, c, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(scjg, c, "return", Api.Return());
        await Api.ActAsync(await f.SupervisorAsync(), c, "dispatch", new JsonObject { ["departmentCode"] = "zjj", ["coHandlingDepartmentCodes"] = new JsonArray("scjg") });
        await Api.ActAsync(zjj, c, "sign-for");
        await Api.ActAsync(zjj, c, "reply", Api.Reply());
        await Rate(c, "Satisfied", true);
        // Still with 市场监管局.
        var d = await Register("open", Api.Citizen(title: "商场消防通道被堵", phone: "13900000003"));
        await Api.ActAsync(dispatcher, d, "dispatch", Api.Dispatch("scjg"));
        // Withdrawn by the requester.
        var e = await Register("withdrawn", Api.Citizen(title: "噪音扰民", phone: "13900000004"));
        await Api.ActAsync(dispatcher, e, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(agent, e, "withdraw", new JsonObject { ["reason"] = "诉求人来电表示问题已自行解决，撤回诉求。" });
        // Answered at intake (一次办结).
        var g = await Register("intake", Api.Citizen(title: "咨询公积金提取", phone: "13900000005", type: "Consultation"));
        await Api.ActAsync(agent, g, "resolve-at-intake", new JsonObject { ["answer"] = "已告知提取条件和材料。" });
        await Rate(g, "Satisfied", true);
        await f.Services.GetRequiredService<AnalyticsProjector>().CatchUpAsync(CancellationToken.None);
    }
}
