using Hotline.Domain.Tickets;

namespace Hotline.Tests.Security;

/// <summary>
/// Every operation of /openapi/v1.json called anonymously and as every role, against another department's ticket and a
/// confidential reporter's ticket: refused (401, 403, 404), answered exactly as for a ticket that does not exist, or
/// answered with the reporter masked; never a server error. A new endpoint is swept the day it is documented.
/// </summary>
public sealed class ApiAccessSweepTests
{
    private const string Phone = "13911116666";
    private const string Name = "孙保密";
    private const string Email = "sun.secret@example.com";
    private const string Missing = "HL20991231999999";
    private static readonly string[] Identifiers = [Phone, Name, Email];
    private static readonly string[] MaskedRoles = [Roles.Agent, Roles.Dispatcher, Roles.Leader, Roles.DepartmentHandler, Roles.KnowledgeEditor];

    /// <summary>The action route names, so the actions operation is called with each of them.</summary>
    private static readonly string[] Actions = TicketWorkflow.Transitions.Select(t => t.RouteName).Distinct().ToArray();

    [Fact]
    public Task Every_operation_refuses_an_anonymous_caller() => HotlineFactory.RunAsync(async factory =>
    {
        var (zjj, _) = await TicketsAsync(factory);
        var anonymous = factory.CreateClient();
        foreach (var operation in await ApiOperation.AllAsync(factory))
        {
            using var request = operation.Request(operation.Url(zjj));
            using var response = await anonymous.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{operation}: {(int)response.StatusCode} for an anonymous caller");
        }
    });

    [Fact]
    public Task Another_departments_ticket_is_answered_exactly_like_one_that_does_not_exist() => HotlineFactory.RunAsync(async factory =>
    {
        var (zjj, _) = await TicketsAsync(factory);
        var handler = await factory.HandlerAsync("scjg");
        var checkedCount = 0;
        foreach (var operation in (await ApiOperation.AllAsync(factory)).Where(o => o.IsAboutATicket))
        {
            foreach (var action in operation.Template.Contains("{action}", StringComparison.Ordinal) ? Actions : ["close"])
            {
                var (otherStatus, otherBody) = await SendAsync(handler, operation, operation.Url(zjj, action));
                var (missingStatus, missingBody) = await SendAsync(handler, operation, operation.Url(Missing, action));

                Assert.True(otherStatus is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.UnsupportedMediaType,
                    $"{operation} ({action}): {(int)otherStatus} for another department's ticket: {otherBody}");
                Assert.True(otherStatus == missingStatus, $"{operation} ({action}): {(int)otherStatus} for another department's ticket but {(int)missingStatus} for none");
                Assert.Equal(Normalize(missingBody), Normalize(otherBody.Replace(zjj, Missing, StringComparison.Ordinal)));
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 30, $"{checkedCount} calls checked");
    });

    [Fact]
    public Task No_operation_names_a_confidential_reporter_to_a_masked_role_or_fails_for_any_role() => HotlineFactory.RunAsync(async factory =>
    {
        var (zjj, scjg) = await TicketsAsync(factory);
        var operations = await ApiOperation.AllAsync(factory);
        foreach (var role in Roles.All)
        {
            var client = await factory.ClientAsync(role, role == Roles.DepartmentHandler ? "scjg" : null);
            foreach (var operation in operations)
            {
                foreach (var number in operation.IsAboutATicket ? new[] { scjg, zjj } : [scjg])
                {
                    foreach (var action in operation.Template.Contains("{action}", StringComparison.Ordinal) ? Actions : ["close"])
                    {
                        var (status, body) = await SendAsync(client, operation, operation.Url(number, action));
                        Assert.True((int)status < 500, $"{role} {operation} ({action}) on {number}: {(int)status} {body}");
                        if (MaskedRoles.Contains(role) && (int)status < 300)
                        {
                            foreach (var identifier in Identifiers)
                                Assert.False(body.Contains(identifier, StringComparison.Ordinal), $"{role} {operation} on {number} names the reporter ({identifier}): {body}");
                        }
                    }
                }
            }
        }
    });

    /// <summary>A confidential report at 住建局 and one at 市场监管局 (signed for), with a note naming the reporter.</summary>
    private static async Task<(string Zjj, string Scjg)> TicketsAsync(HotlineFactory factory)
    {
        var agent = await factory.AgentAsync();
        var dispatcher = await factory.DispatcherAsync();
        async Task<string> ReportAsync(string department)
        {
            var body = Api.Citizen(title: "举报无证经营", phone: Phone, confidential: true, type: "Report", category: "consumer");
            body["requester"]!["name"] = Name;
            body["requester"]!["email"] = Email;
            var number = (await Api.RegisterAsync(agent, body)).Number();
            await Api.ActAsync(dispatcher, number, "dispatch", Api.Dispatch(department));
            var handler = await factory.HandlerAsync(department);
            await Api.ActAsync(handler, number, "sign-for");
            await Api.ActAsync(handler, number, "add-progress", new JsonObject { ["note"] = $"已联系{Name}，电话{Phone}。" });
            return number;
        }
        return (await ReportAsync("zjj"), await ReportAsync("scjg"));
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, ApiOperation operation, string url)
    {
        using var request = operation.Request(url);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A problem's body without its per-request trace id.</summary>
    private static string Normalize(string body) => System.Text.RegularExpressions.Regex.Replace(body, "\"traceId\":\"[^\"]*\"", "");
}
