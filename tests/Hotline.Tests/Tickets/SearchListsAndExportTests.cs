using System.Net.Http.Headers;
using MiniExcelLibs;

namespace Hotline.Tests.Tickets;

/// <summary>
/// 工单查询 through the API the console page uses: the new filters, the named lists shared with the work queues (a
/// queue's length equals its list's), the done lists, saved searches, and the streamed export.
/// </summary>
public sealed class SearchListsAndExportTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    private static async Task<string[]> NumbersAsync(HttpClient client, string query)
    {
        var page = await Api.GetAsync(client, $"/api/tickets?limit=200&{query}");
        return page.GetProperty("items").EnumerateArray().Select(t => t.Number()).ToArray();
    }

    [Fact]
    public async Task Number_name_channel_rating_and_sort_narrow_the_search()
    {
        var agent = await Factory.AgentAsync();
        var first = (await Api.RegisterAsync(agent, Api.Citizen(title: "查询：名字前缀", phone: "13711112222"))).Number();
        var web = Api.Citizen(title: "查询：网站来件", phone: "13711112222");
        web["channel"] = "Web";
        web["requester"]!["name"] = "欧阳修远";
        var second = (await Api.RegisterAsync(agent, web)).Number();

        Assert.Equal([first], await NumbersAsync(agent, $"number={first}"));
        Assert.Contains(second, await NumbersAsync(agent, $"number={second[..10]}")); // HL + the day: that day's tickets
        Assert.Contains(second, await NumbersAsync(agent, $"number={second[2..10]}")); // the day alone, as read aloud
        Assert.Equal([second], await NumbersAsync(agent, "name=欧阳&phone=13711112222"));
        Assert.Equal([second], await NumbersAsync(agent, "channel=Web&phone=13711112222"));
        Assert.Equal([first, second], await NumbersAsync(agent, "phone=13711112222&sort=oldest"));
        Assert.Equal([second, first], await NumbersAsync(agent, "phone=13711112222"));
        Assert.Empty(await NumbersAsync(agent, "phone=13711112222&rating=unsatisfied"));
        Assert.Equal([second, first], await NumbersAsync(agent, "phone=13711112222&rating=unrated&overdue=false"));

        using var bad = await agent.GetAsync("/api/tickets?number=XX1&sort=sideways&list=everything&rating=Great&channel=Fax");
        var problem = await Api.ExpectAsync(bad, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "number", "sort", "list", "rating", "channel" })
            Assert.True(errors.TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task A_confidential_reporter_is_never_found_by_name_or_phone_for_an_agent_but_is_for_a_supervisor()
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen(title: "查询：保密举报", phone: "13722223333", confidential: true);
        body["requester"]!["name"] = "司马保密";
        var number = (await Api.RegisterAsync(agent, body)).Number();

        Assert.Empty(await NumbersAsync(agent, "name=司马保密"));
        Assert.Empty(await NumbersAsync(agent, "phone=13722223333"));
        Assert.Contains(number, await NumbersAsync(agent, "q=查询：保密举报")); // found by its matter, listed masked
        var listed = (await Api.GetAsync(agent, "/api/tickets?q=查询：保密举报")).GetProperty("items")[0];
        Assert.Equal(Hotline.Domain.Tickets.Masking.MaskName("司马保密"), listed.Str("requesterName"));
        Assert.StartsWith("司*", listed.Str("requesterName"), StringComparison.Ordinal);

        var supervisor = await Factory.SupervisorAsync();
        Assert.Equal([number], await NumbersAsync(supervisor, "name=司马保密"));
        Assert.Equal([number], await NumbersAsync(supervisor, "phone=13722223333"));
    }

    [Fact]
    public async Task A_work_queue_and_the_search_list_of_the_same_name_are_the_same_tickets()
    {
        var dispatcher = await Factory.DispatcherAsync();
        await Api.RegisterAsync(await Factory.AgentAsync(), Api.Citizen(title: "查询：待派单"));
        var queue = (await Api.GetAsync(dispatcher, "/api/queues/dispatch")).EnumerateArray().Select(t => t.Number()).Order().ToArray();
        var list = (await NumbersAsync(dispatcher, "list=dispatch")).Order().ToArray();

        Assert.True(queue.Length < 200, "the queue is capped at 200; the comparison needs fewer");
        Assert.Equal(queue, list);
    }

    [Fact]
    public async Task A_department_sees_what_it_replied_and_what_came_back_and_an_agent_what_they_registered()
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var handler = await Factory.HandlerAsync("rsj");
        var other = await Factory.HandlerAsync("zjj");
        var replied = (await Api.RegisterAsync(agent, Api.Citizen(title: "已办：工资拖欠"))).Number();
        var reopened = (await Api.RegisterAsync(agent, Api.Citizen(title: "整改：工资仍未发放"))).Number();
        foreach (var n in new[] { replied, reopened })
        {
            await Api.ActAsync(dispatcher, n, "dispatch", Api.Dispatch("rsj"));
            await Api.ActAsync(handler, n, "sign-for");
            await Api.ActAsync(handler, n, "reply", Api.Reply());
        }
        await Api.ActAsync(await Factory.SupervisorAsync(), reopened, "reopen", Api.Reopen());

        var done = await NumbersAsync(handler, "list=replied");
        Assert.Contains(replied, done);
        Assert.DoesNotContain(reopened, done); // a reopen takes the answer back
        var cameBack = await NumbersAsync(handler, "list=came-back");
        Assert.Contains(reopened, cameBack);
        Assert.DoesNotContain(replied, cameBack);
        Assert.DoesNotContain(replied, await NumbersAsync(other, "list=replied")); // another department's answers are not theirs

        var mine = await NumbersAsync(agent, "list=registered");
        Assert.Contains(replied, mine);
        Assert.DoesNotContain(replied, await NumbersAsync(dispatcher, "list=registered"));
    }

    [Fact]
    public async Task Saved_searches_belong_to_one_person_and_a_name_is_replaced_not_doubled()
    {
        var admin = await Factory.ClientAsync(Roles.Admin);
        var mine = await Factory.SupervisorAsync();
        var theirs = await Factory.SupervisorAsync();

        using (var saved = await Api.PostAsync(mine, "/api/saved-searches", new JsonObject { ["name"] = "本周超期", ["query"] = "overdue=true&cursor=abc&status=SignedFor" }))
            Assert.Equal("status=SignedFor&overdue=true", (await Api.ExpectAsync(saved, HttpStatusCode.OK)).Str("query")); // paging dropped, order fixed
        using (var again = await Api.PostAsync(mine, "/api/saved-searches", new JsonObject { ["name"] = "本周超期", ["query"] = "overdue=true" }))
            await Api.ExpectAsync(again, HttpStatusCode.OK);
        var list = await Api.GetAsync(mine, "/api/saved-searches");
        Assert.Equal(1, list.GetArrayLength());
        Assert.Equal("overdue=true", list[0].Str("query"));
        Assert.Equal(0, (await Api.GetAsync(theirs, "/api/saved-searches")).GetArrayLength());

        var id = list[0].GetProperty("id").GetInt64();
        using (var notTheirs = await theirs.DeleteAsync($"/api/saved-searches/{id}"))
            Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        using (var deleted = await mine.DeleteAsync($"/api/saved-searches/{id}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var unnamed = await Api.PostAsync(admin, "/api/saved-searches", new JsonObject { ["name"] = " ", ["query"] = "q=x" });
        Assert.True((await Api.ExpectAsync(unnamed, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task The_export_streams_every_matching_ticket_as_csv_and_xlsx_in_the_readers_language_and_masks_as_the_list_does()
    {
        var agent = await Factory.AgentAsync();
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
            numbers.Add((await Api.RegisterAsync(agent, Api.Citizen(title: $"导出：第{i}件", phone: "13733334444"))).Number());
        var confidential = (await Api.RegisterAsync(agent, Api.Citizen(title: "导出：保密", phone: "13733335555", confidential: true))).Number();

        using var csv = await agent.GetAsync("/api/tickets/export?format=Csv&q=" + Uri.EscapeDataString("导出："));
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".csv", csv.Content.Headers.ContentDisposition?.FileNameStar ?? csv.Content.Headers.ContentDisposition?.FileName);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // UTF-8 with BOM, so Excel reads the Chinese
        var lines = System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("工单编号,登记时间", lines[0], StringComparison.Ordinal);
        Assert.Equal(5, lines.Length);
        Assert.Equal([confidential, .. Enumerable.Reverse(numbers)], lines.Skip(1).Select(l => l.Split(',')[0]).ToArray()); // the search's order
        var masked = lines.Single(l => l.StartsWith(confidential, StringComparison.Ordinal));
        Assert.Contains(Hotline.Domain.Tickets.Masking.MaskName("张三丰"), masked, StringComparison.Ordinal);
        Assert.Contains("137****5555", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("13733335555", masked, StringComparison.Ordinal);

        agent.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        using var xlsx = await agent.GetAsync("/api/tickets/export?phone=13733334444&sort=oldest");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        await using var stream = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(numbers, rows.Select(r => r["Number"]?.ToString()).ToArray());
        Assert.Equal("Complaint", rows[0]["Type"]?.ToString());

        using var bad = await agent.GetAsync("/api/tickets/export?status=Lost");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode); // refused before any byte of a download
    }
}
