using Hotline.Server.Tickets;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Desks;

/// <summary>
/// The dispatch desk reads the duplicate hints (重复件提示) of its rows together, in a few statements for the page
/// (<see cref="DuplicateHints.ForTicketsAsync"/>; one lookup per row made 50 rows about 300 statements, 2.2 s at 1M
/// tickets). For every ticket they are exactly the hints <c>GET /api/tickets/{number}/duplicate-hints</c> gives, for a
/// viewer who sees confidential reporters masked and for one who sees them.
/// </summary>
public sealed class DuplicateHintsBatchTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private static readonly Actor Dispatcher = new("hints-batch-dispatcher", "测试派单员", Roles.Dispatcher, null);
    private static readonly Actor Supervisor = new("hints-batch-supervisor", "测试督办员", Roles.Supervisor, null);

    private static JsonObject Text(JsonObject body, string title, string description, string category)
    {
        body["title"] = title;
        body["description"] = description;
        body["categoryCode"] = category;
        return body;
    }

    private static string Json(DuplicateHintsView hints) => JsonSerializer.Serialize(hints);

    [Fact]
    public async Task A_page_of_tickets_gets_together_the_same_hints_as_one_at_a_time()
    {
        var factory = fixture.Factory;
        var agent = await factory.AgentAsync();
        var numbers = new List<string>();
        async Task<string> RegisterAsync(JsonObject body)
        {
            var number = (await Api.RegisterAsync(agent, body)).Number();
            numbers.Add(number);
            return number;
        }

        // A caller with more open tickets than a hint lists (ten), and one closed.
        for (var i = 0; i < 12; i++)
            await RegisterAsync(Api.Citizen(title: $"批量提示：第{i + 1}次来电", phone: "13900000101"));
        var closed = await RegisterAsync(Api.Citizen(title: "批量提示：已办结的来电", phone: "13900000101"));
        await Api.ActAsync(agent, closed, "resolve-at-intake", new JsonObject { ["answer"] = "已当场答复。" });
        await Api.ActAsync(agent, closed, "close");
        // An enterprise's tickets by credit code, and rewordings of two matters in two category families.
        await RegisterAsync(Api.Enterprise(title: "批量提示：企业开办超时"));
        await RegisterAsync(Api.Enterprise(title: "批量提示：企业开办仍未办结"));
        const string vending = "钟楼区南大街100号每天晚上有大量流动摊贩占用人行道和非机动车道经营，油烟大、垃圾多，行人只能走机动车道。";
        await RegisterAsync(Text(Api.Citizen(phone: "13900000103"), "南大街夜市摊贩占道", vending, "um-street-vending"));
        await RegisterAsync(Text(Api.Citizen(phone: "13900000104"), "南大街100号晚上摊贩占道经营", vending + "请城管规范管理。", "um-street-vending"));
        await RegisterAsync(Text(Api.Citizen(phone: "13900000105"), "建筑垃圾乱倒", "钟楼区某工地把建筑垃圾倒在河边绿化带里，已经堆了半个月没人清理。", "um-garbage"));
        const string pool = "武进区湖塘镇花园街5号的游泳馆池水浑浊有异味，孩子游完眼睛发红，也没有公示余氯检测结果。";
        await RegisterAsync(Text(Api.Citizen(phone: "13900000106"), "游泳馆池水浑浊", pool, "ph-swimming-water"));
        await RegisterAsync(Text(Api.Citizen(phone: "13900000107"), "花园街游泳馆水质差", pool + "请卫生监督所检查。", "ph-swimming-water"));
        // A confidential reporter (举报人) whose phone also has an ordinary ticket: a notice for the dispatcher, listed for the supervisor.
        var secret = await RegisterAsync(Api.Citizen(title: "批量提示：举报来电", phone: "13900000102", confidential: true));
        var ordinary = await RegisterAsync(Api.Citizen(title: "批量提示：同号码的普通来电", phone: "13900000102"));

        foreach (var viewer in new[] { Dispatcher, Supervisor })
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var hints = scope.ServiceProvider.GetRequiredService<DuplicateHints>();

            var together = await hints.ForTicketsAsync([.. numbers, "NOPE"], viewer, CancellationToken.None);

            Assert.Equal(numbers.Order(), together.Keys.Order()); // one not found is left out
            foreach (var number in numbers)
                Assert.Equal(Json(await hints.ForTicketAsync(number, viewer, CancellationToken.None)), Json(together[number]));
            // Not alike by chance: the page has every kind of hint.
            Assert.Equal(10, together[numbers[0]].SamePhone.Count);
            Assert.Contains(together.Values, h => h.SameCreditCode.Count > 0);
            Assert.Contains(together.Values, h => h.Similar.Count > 0);
            Assert.Equal(viewer == Dispatcher, together[ordinary].ConfidentialMatter);
            Assert.Equal(viewer == Supervisor, together[ordinary].SamePhone.Any(t => t.Number == secret));
        }
    }
}
