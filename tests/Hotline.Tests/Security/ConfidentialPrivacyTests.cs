using Hotline.Domain.Tickets;
using Hotline.Server.Ratings;
using Hotline.Server.Tickets;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Security;

/// <summary>
/// 举报人保密: a confidential reporter stays confidential to everyone who sees them masked, through every search and
/// lookup by their phone, name, email or credit code, and in every field of every change in the history.
/// </summary>
public sealed class ConfidentialPrivacyTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private const string Phone = "13912345566";
    private const string Name = "王秘密";
    private const string Email = "wang.secret@example.com";
    private const string ContactPerson = "赵保密";
    private const string EnterpriseName = Name + "有限公司";
    private static readonly string CreditCode = "91320400MA1XYB7K3" + UnifiedSocialCreditCode.CheckCharacter("91320400MA1XYB7K3");
    private static readonly string[] Identifiers = [Phone, Name, Email, CreditCode, ContactPerson];

    private HotlineFactory Factory => fixture.Factory;

    private static readonly string[] MaskedRoles = [Roles.Agent, Roles.Dispatcher, Roles.Leader, Roles.DepartmentHandler, Roles.KnowledgeEditor];

    public static TheoryData<string> AllRoles() => new(Roles.All);

    [Fact]
    public async Task A_handler_cannot_recover_a_masked_phone_by_trying_the_hidden_digits()
    {
        var (report, _) = await ReportsAsync("试号");
        var handler = await Factory.HandlerAsync("scjg");
        var shown = (await Api.GetAsync(handler, $"/api/tickets/{report}")).GetProperty("requester").Str("phone");
        Assert.Equal("139****5566", shown);

        // The attack as reported: fill the four hidden digits in (a sample around the right ones, the right ones included).
        var hits = new List<string>();
        for (var digits = 3400; digits < 3500; digits++)
        {
            var candidate = $"139{digits:D4}5566";
            var page = await Api.GetAsync(handler, $"/api/tickets?phone={candidate}");
            hits.AddRange(page.GetProperty("items").EnumerateArray().Select(t => candidate));
        }

        Assert.Empty(hits);
    }

    [Theory]
    [MemberData(nameof(AllRoles))]
    public async Task Every_requester_lookup_leaves_out_a_confidential_reporter_for_a_role_that_sees_them_masked(string role)
    {
        // A reporter of this run's own, so the lookups' limits (newest 10 or 20) never drop the report.
        var index = Roles.All.ToList().IndexOf(role);
        var phone = $"139000077{index:D2}";
        var creditCode = CreditCodeFor(index);
        var (report, ordinary) = await ReportsAsync($"查找{role}", phone);
        var enterpriseReport = await EnterpriseReportAsync($"查找{role}", phone, creditCode);
        var client = await Factory.ClientAsync(role, role == Roles.DepartmentHandler ? "scjg" : null);
        var found = new Dictionary<string, (IReadOnlyList<string> Numbers, string Expected)>();

        found["search by phone"] = (Numbers((await Api.GetAsync(client, $"/api/tickets?phone={phone}")).GetProperty("items")), report);
        found["search by credit code"] = (Numbers((await Api.GetAsync(client, $"/api/tickets?creditCode={creditCode}")).GetProperty("items")), enterpriseReport);
        using (var hints = await Api.PostAsync(client, "/api/tickets/duplicate-hints", Draft(phone: phone)))
        {
            if (hints.StatusCode != HttpStatusCode.Forbidden) // roles without duplicate hints are refused outright
                found["duplicate hints by phone"] = (Numbers((await Api.ExpectAsync(hints, HttpStatusCode.OK)).GetProperty("samePhone")), report);
        }
        using (var hints = await Api.PostAsync(client, "/api/tickets/duplicate-hints", Draft(creditCode: creditCode)))
        {
            if (hints.StatusCode != HttpStatusCode.Forbidden)
                found["duplicate hints by credit code"] = (Numbers((await Api.ExpectAsync(hints, HttpStatusCode.OK)).GetProperty("sameCreditCode")), enterpriseReport);
        }
        using (var hints = await client.GetAsync($"/api/tickets/{ordinary}/duplicate-hints"))
        {
            if (hints.StatusCode == HttpStatusCode.OK)
                found["hints of the reporter's ordinary ticket"] = (Numbers((await Api.ExpectAsync(hints, HttpStatusCode.OK)).GetProperty("samePhone")), report);
        }
        found["search by name"] = (Numbers((await Api.GetAsync(client, $"/api/tickets?name={Uri.EscapeDataString(Name)}&limit=200")).GetProperty("items")), report);
        found["export by phone"] = (await ExportedNumbersAsync(client, $"phone={phone}"), report);
        found["export by name"] = (await ExportedNumbersAsync(client, $"name={Uri.EscapeDataString(Name)}"), report);
        found["export by credit code"] = (await ExportedNumbersAsync(client, $"creditCode={creditCode}"), enterpriseReport);
        var callers = Factory.Services.GetRequiredService<CallerHistory>();
        found["caller history (screen-pop, agent console)"] = ((await callers.ForPhoneAsync(phone, Actor(role), CancellationToken.None))
            .Select(t => t.Number).ToList(), report);
        found["repeat caller's details (Alt+L)"] = ([(await callers.LastRequesterAsync(phone, Actor(role), CancellationToken.None))?.FromNumber ?? ""], enterpriseReport);
        found["enterprise's tickets (enterprise library)"] = ((await callers.ForCreditCodeAsync(creditCode, Actor(role), CancellationToken.None))
            .Select(t => t.Number).ToList(), enterpriseReport);

        foreach (var (lookup, (numbers, expected)) in found)
        {
            if (MaskedRoles.Contains(role))
                Assert.False(numbers.Contains(report) || numbers.Contains(enterpriseReport), $"{role}: {lookup} found the confidential report");
            else
                Assert.True(numbers.Contains(expected), $"{role}: {lookup} should find the report");
        }
        Assert.True(found.Count >= 3, "every role has some lookup to check");
    }

    [Theory]
    [MemberData(nameof(AllRoles))]
    public async Task An_export_masks_a_confidential_reporter_in_every_column_for_a_role_that_sees_them_masked(string role)
    {
        var index = Roles.All.ToList().IndexOf(role);
        var phone = $"139000078{index:D2}";
        var number = await EnterpriseReportAsync($"导出{role}（{EnterpriseName}，{phone}）", phone, CreditCodeFor(40 + index));
        var client = await Factory.ClientAsync(role, role == Roles.DepartmentHandler ? "scjg" : null);

        var csv = await ExportAsync(client, $"number={number}");

        Assert.Contains(number, csv, StringComparison.Ordinal);
        foreach (var identifier in (string[])[phone, EnterpriseName, CreditCodeFor(40 + index)])
        {
            if (MaskedRoles.Contains(role))
                Assert.False(csv.Contains(identifier, StringComparison.OrdinalIgnoreCase), $"{role} sees {identifier} in the export: {csv}");
            else
                Assert.Contains(identifier, csv, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_hidden_match_changes_neither_the_page_nor_the_cursor()
    {
        const string phone = "13912340001";
        var agent = await Factory.AgentAsync();
        var ordinary = (await Api.RegisterAsync(agent, Api.Citizen(title: "先前的普通来电", phone: phone))).Number();
        var body = Api.Citizen(title: "之后的举报", phone: phone, confidential: true, type: "Report");
        var report = (await Api.RegisterAsync(agent, body)).Number();

        var forAgent = await Api.GetAsync(agent, $"/api/tickets?phone={phone}&limit=1");
        var forSupervisor = await Api.GetAsync(await Factory.SupervisorAsync(), $"/api/tickets?phone={phone}&limit=1");

        Assert.Equal([ordinary], Numbers(forAgent.GetProperty("items"))); // as if the report did not exist:
        Assert.False(forAgent.TryGetProperty("nextCursor", out _)); // no second page hinted at
        Assert.Equal([report], Numbers(forSupervisor.GetProperty("items")));
        Assert.True(forSupervisor.TryGetProperty("nextCursor", out _));
    }

    [Fact]
    public async Task The_notice_of_a_confidential_matter_cannot_be_used_to_try_out_numbers()
    {
        await using var factory = new HotlineFactory(productionLimits: true);
        try
        {
            var agent = await factory.AgentAsync();
            var reporter = Api.Citizen(title: "举报", phone: "13955551234", confidential: true, type: "Report");
            await Api.RegisterAsync(agent, reporter);
            var allowance = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hotline.Server.Security.SecurityOptions>>().Value.ConfidentialNoticesPerHour;

            var told = new List<string>();
            for (var digits = 0; digits <= allowance + 5; digits++)
            {
                var candidate = $"139{digits:D4}1234"; // the right one (5555) is far past the allowance
                var hints = await Api.ExpectAsync(await Api.PostAsync(agent, "/api/tickets/duplicate-hints", Draft(phone: candidate)), HttpStatusCode.OK);
                if (hints.GetProperty("confidentialMatter").GetBoolean())
                    told.Add(candidate);
            }
            var right = await Api.ExpectAsync(await Api.PostAsync(agent, "/api/tickets/duplicate-hints", Draft(phone: "13955551234")), HttpStatusCode.OK);

            Assert.Empty(told);
            Assert.False(right.GetProperty("confidentialMatter").GetBoolean()); // withheld: the hour's allowance is spent
            var fresh = await factory.AgentAsync(); // another agent, with an allowance left, is told
            Assert.True((await Api.ExpectAsync(await Api.PostAsync(fresh, "/api/tickets/duplicate-hints", Draft(phone: "13955551234")), HttpStatusCode.OK))
                .GetProperty("confidentialMatter").GetBoolean());
        }
        finally
        {
            await factory.DisposeAsync();
            factory.DeleteData();
        }
    }

    [Theory]
    [MemberData(nameof(AllRoles))]
    public async Task Every_field_of_every_change_in_the_history_is_masked_for_a_role_that_sees_the_reporter_masked(string role)
    {
        var number = await WorkedReportAsync($"历史{role}");
        var client = await Factory.ClientAsync(role, role == Roles.DepartmentHandler ? "scjg" : null);

        var history = (await Api.GetAsync(client, $"/api/tickets/{number}/events")).ToString();
        var ticket = (await Api.GetAsync(client, $"/api/tickets/{number}")).ToString();
        var messages = (await Api.GetAsync(client, $"/api/tickets/{number}/messages")).ToString();

        foreach (var (what, json) in new[] { ("history", history), ("ticket", ticket), ("messages", messages) })
        {
            foreach (var identifier in Identifiers)
            {
                if (MaskedRoles.Contains(role))
                    Assert.False(json.Contains(identifier, StringComparison.OrdinalIgnoreCase), $"{role} sees {identifier} in the {what}: {json}");
            }
        }
        if (!MaskedRoles.Contains(role))
        {
            Assert.Contains(Email, history, StringComparison.Ordinal); // the email reply's sender, unmasked for those who may see it
            Assert.Contains(ContactPerson, history, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_department_desk_shows_the_report_without_naming_the_reporter()
    {
        var body = Api.Citizen(title: $"举报：{Name}反映（电话{Phone}）", phone: Phone, confidential: true, type: "Report", category: "consumer");
        body["requester"]!["name"] = Name;
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), body)).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        var desks = Factory.Services.GetRequiredService<Hotline.Server.Desks.DeskQueries>();

        var row = (await desks.InboxAsync(Actor(Roles.DepartmentHandler), CancellationToken.None)).Single(r => r.Ticket.Number == number).Ticket;
        var supervisorsRow = (await desks.InboxAsync(Actor(Roles.Supervisor), CancellationToken.None)).Single(r => r.Ticket.Number == number).Ticket;

        Assert.Equal("举报：王**反映（电话139****5566）", row.Title);
        Assert.Equal("王**", row.RequesterName);
        Assert.Equal($"举报：{Name}反映（电话{Phone}）", supervisorsRow.Title);
    }

    /// <summary>
    /// An enterprise's confidential report (so every identifier is in play), dispatched to 市场监管局, with each kind of
    /// text naming the reporter: the centre's instructions, the department's notes, a reply, the requester's email.
    /// </summary>
    private async Task<string> WorkedReportAsync(string title)
    {
        var number = await EnterpriseReportAsync(title);
        var handler = await Factory.HandlerAsync("scjg");
        var supervisor = await Factory.SupervisorAsync();
        var mention = $"联系人{ContactPerson}（{EnterpriseName}，{Phone}，{Email}，{CreditCode}）";
        await Api.ActAsync(handler, number, "sign-for", new JsonObject { ["note"] = $"已签收，{mention}" });
        await Api.ActAsync(handler, number, "add-progress", new JsonObject { ["note"] = $"已约谈{mention}" });
        await Api.ActAsync(supervisor, number, "supervise", new JsonObject
        {
            ["instructions"] = $"请保护{mention}的身份", ["dueAt"] = (HotlineFactory.Start + TimeSpan.FromDays(3)).ToString("O"),
        });
        await Api.ActAsync(handler, number, "await-requester", new JsonObject { ["reason"] = $"请{ContactPerson}补充证据" });
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var version = await scope.ServiceProvider.GetRequiredService<RequesterMessages>()
                .AddAsync(number, $"我是{ContactPerson}，证据见附件。电话{Phone}", RequesterMessageChannel.Email, CancellationToken.None, fromEmail: Email);
            Assert.NotNull(version);
        }
        await Api.ActAsync(handler, number, "reply", new JsonObject { ["result"] = "Resolved", ["resolution"] = $"已查处，并回复{mention}。" });
        return number;
    }

    /// <summary>A citizen's confidential report to 市场监管局 and the same person's ordinary ticket, at 住建局.</summary>
    private async Task<(string Report, string Ordinary)> ReportsAsync(string title, string phone = Phone)
    {
        var agent = await Factory.AgentAsync();
        var dispatcher = await Factory.DispatcherAsync();
        var report = Api.Citizen(title: $"{title}：举报无证经营", phone: phone, confidential: true, type: "Report", category: "consumer");
        report["requester"]!["name"] = Name;
        report["requester"]!["email"] = Email;
        var reportNumber = (await Api.RegisterAsync(agent, report)).Number();
        await Api.ActAsync(dispatcher, reportNumber, "dispatch", Api.Dispatch("scjg"));
        var ordinary = Api.Citizen(title: $"{title}：物业维修", phone: phone);
        ordinary["requester"]!["name"] = Name;
        var ordinaryNumber = (await Api.RegisterAsync(agent, ordinary)).Number();
        await Api.ActAsync(dispatcher, ordinaryNumber, "dispatch", Api.Dispatch("zjj"));
        return (reportNumber, ordinaryNumber);
    }

    private async Task<string> EnterpriseReportAsync(string title, string phone = Phone, string? creditCode = null)
    {
        var body = Api.Enterprise(creditCode: creditCode ?? CreditCode, title: $"{title}：举报偷税");
        body["type"] = "Report";
        body["requester"]!["name"] = EnterpriseName;
        body["requester"]!["phone"] = phone;
        body["requester"]!["email"] = Email;
        body["requester"]!["contactPerson"] = ContactPerson;
        body["requester"]!["confidential"] = true;
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), body)).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        return number;
    }

    private static JsonObject Draft(string? phone = null, string? creditCode = null)
    {
        var draft = creditCode is null ? Api.Citizen(title: "再次来电", phone: phone ?? "13800000000") : Api.Enterprise(creditCode: creditCode, title: "再次来电");
        return draft;
    }

    private static string CreditCodeFor(int index)
    {
        var body = $"91320400MA1XYB{index:D2}K";
        return body + UnifiedSocialCreditCode.CheckCharacter(body);
    }

    private static async Task<string> ExportAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"/api/tickets/export?format=Csv&{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<IReadOnlyList<string>> ExportedNumbersAsync(HttpClient client, string query) =>
        System.Text.RegularExpressions.Regex.Matches(await ExportAsync(client, query), "HL[0-9]{14}").Select(m => m.Value).ToList();

    private static Actor Actor(string role) => new($"lookup-{role}", role, role, role == Roles.DepartmentHandler ? "scjg" : null);

    private static List<string> Numbers(JsonElement items) => items.EnumerateArray().Select(t => t.Number()).ToList();
}
