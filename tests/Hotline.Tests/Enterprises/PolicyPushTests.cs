using System.Net.Http.Headers;
using System.Text;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Enterprises;
using Hotline.Tests.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Enterprises;

/// <summary>政策精准推送 against a real SMTP server (aiosmtpd): matching, unsubscribing, bounces, clicks, and no enterprise emailed twice.</summary>
public sealed class PolicyPushTests
{
    public static string Code(int n)
    {
        var first17 = $"91320400MA{n:D7}";
        return first17 + UnifiedSocialCreditCode.CheckCharacter(first17);
    }

    private static HotlineFactory Server(int smtpPort, string? dataPath = null, string? postgres = null)
    {
        var factory = Mail.Server(smtpPort, dataPath, postgres);
        factory.Settings["Enterprises:PushPollSeconds"] = "0"; // the test runs the batches
        factory.Settings["Enterprises:PushBatchSize"] = "3";
        factory.Settings["Knowledge:FeedbackIntervalSeconds"] = "0";
        return factory;
    }

    private static async Task<JsonElement> ImportAsync(HttpClient client, string csv)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "enterprises.csv");
        using var response = await client.PostAsync("/api/enterprises/import", form);
        return await Api.ExpectAsync(response, HttpStatusCode.OK);
    }

    private static async Task<long> PolicyAsync(HttpClient editor, string title = "制造业中小企业技术改造补贴")
    {
        using var response = await Api.PostAsync(editor, "/api/policies", new JsonObject
        {
            ["title"] = title, ["summary"] = "对**制造业**中小企业的技术改造项目给予补贴。", ["fullTextUrl"] = "https://www.changzhou.gov.cn/policy/1",
            ["departmentCode"] = "gxj", ["industries"] = new JsonArray("C"), ["sizes"] = new JsonArray("Small", "Medium"),
        });
        return (await Api.ExpectAsync(response, HttpStatusCode.Created)).GetProperty("id").GetInt64();
    }

    private static async Task<int> PushAllAsync(HotlineFactory factory)
    {
        var pushes = factory.Services.GetRequiredService<PolicyPushes>();
        var written = 0;
        for (int n; (n = await pushes.RunBatchAsync(CancellationToken.None)) >= 0;)
            written += n;
        return written;
    }

    private static async Task SendAllAsync(HotlineFactory factory)
    {
        while ((await Mail.SendAsync(factory)).Claimed > 0)
        {
        }
    }

    [SmtpFact]
    public async Task Only_matching_subscribed_enterprises_are_emailed_once_with_a_signed_unsubscribe_and_a_counted_link()
    {
        await using var sink = await SmtpSink.StartAsync();
        await HotlineFactory.RunAsync(async factory =>
        {
            var editor = await factory.ClientAsync(Roles.KnowledgeEditor);
            var report = await ImportAsync(editor, $"""
                统一社会信用代码,企业名称,行业门类,所在区,企业规模,登记注册类型,标签,联系人,电话,邮箱,订阅
                {Code(1)},常州甲精密机械有限公司,C,天宁区,小型,有限责任公司,,王一,13800000001,jia@example.com,是
                {Code(2)},常州乙重工股份有限公司,C,新北区,大型,股份有限公司,,王二,13800000002,yi@example.com,是
                {Code(3)},常州丙商贸有限公司,F,钟楼区,小型,有限责任公司,,王三,13800000003,bing@example.com,是
                {Code(4)},常州丁电子有限公司,C,武进区,中型,有限责任公司,,王四,13800000004,ding@example.com,否
                {Code(5)},常州戊五金有限公司,制造业,金坛区,中型,有限责任公司,,王五,13800000005,reject-wu@example.com,是
                91320400MA0000006X,常州己坏代码有限公司,C,天宁区,小型,有限责任公司,,王六,13800000006,ji@example.com,是
                {Code(7)},常州庚机电有限公司,Z,天宁区,巨型,有限责任公司,,王七,123,not-an-email,是
                """);
            Assert.Equal((7, 5, 0), (report.GetProperty("rows").GetInt32(), report.GetProperty("added").GetInt32(), report.GetProperty("updated").GetInt32()));
            var rejected = report.GetProperty("rejected").EnumerateArray().ToList();
            Assert.Equal([7, 8], rejected.Select(r => r.GetProperty("row").GetInt32()));
            Assert.True(rejected[0].GetProperty("errors").TryGetProperty("creditCode", out _));
            var seventh = rejected[1].GetProperty("errors");
            Assert.All(["industry", "size", "phone", "email"], f => Assert.True(seventh.TryGetProperty(f, out _), f));

            var policy = await PolicyAsync(editor);
            var preview = await Api.GetAsync(editor, $"/api/policies/{policy}/matches");
            Assert.Equal((3, 2), (preview.GetProperty("matched").GetInt32(), preview.GetProperty("canEmail").GetInt32()));
            using (var started = await Api.PostAsync(editor, $"/api/policies/{policy}/pushes", new JsonObject()))
                await Api.ExpectAsync(started, HttpStatusCode.Accepted);

            Assert.Equal(2, await PushAllAsync(factory));
            await SendAllAsync(factory);
            var message = Assert.Single(await sink.WaitForAsync(1));
            Assert.Equal("jia@example.com", message.To.Mailboxes.Single().Address);
            Assert.Contains("制造业中小企业技术改造补贴", message.Subject, StringComparison.Ordinal);
            Assert.Equal($"policy-push.policy-{policy}.{Code(1)}@hotline.example.cn", message.MessageId);
            var unsubscribe = message.Headers["List-Unsubscribe"]!.Trim('<', '>');
            Assert.StartsWith($"{Mail.PublicBaseUrl}/policy-unsubscribe/", unsubscribe, StringComparison.Ordinal);
            Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
            var link = System.Text.RegularExpressions.Regex.Match(message.Text(), $@"{Mail.PublicBaseUrl}/p/\S+").Value;

            // The policy link counts the click and leads to the full text.
            var anonymous = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            using (var click = await anonymous.GetAsync(new Uri(link).PathAndQuery))
            {
                Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
                Assert.Equal("https://www.changzhou.gov.cn/policy/1", click.Headers.Location!.ToString());
            }
            Assert.Equal(1, (await Api.GetAsync(editor, $"/api/policies/{policy}")).GetProperty("clicks").GetInt32());
            var pushed = (await Api.GetAsync(editor, $"/api/enterprises/{Code(1)}/pushes")).EnumerateArray().Single();
            Assert.Equal(1, pushed.GetProperty("clicks").GetInt32());

            // One click in the mail client (RFC 8058) unsubscribes; a forged token does nothing.
            using (var forged = await anonymous.PostAsync("/policy-unsubscribe/Zm9v.AAAAAAAAAAAAAAAAAAAAAA", new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])))
                Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
            using (var done = await anonymous.PostAsync(new Uri(unsubscribe).PathAndQuery, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])))
                Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            Assert.False((await Api.GetAsync(editor, $"/api/enterprises/{Code(1)}")).GetProperty("subscribed").GetBoolean());

            // The refused address is bounced; a second policy reaches nobody: one unsubscribed, one bounced, one never subscribed.
            var bounced = (await Mail.OutboxAsync(factory)).Single(o => o.ToAddress == "reject-wu@example.com");
            Assert.Equal(Hotline.Server.Notifications.OutboxStatus.Failed, bounced.Status);
            var second = await PolicyAsync(editor, "制造业企业用电补贴");
            using (var started = await Api.PostAsync(editor, $"/api/policies/{second}/pushes", new JsonObject()))
                await Api.ExpectAsync(started, HttpStatusCode.Accepted);
            Assert.Equal(0, await PushAllAsync(factory));
            Assert.NotNull((await Api.GetAsync(editor, $"/api/enterprises/{Code(5)}")).GetProperty("bouncedAt").GetString());
            var push = (await Api.GetAsync(editor, $"/api/policies/{second}/pushes")).EnumerateArray().Single();
            Assert.Equal(("Completed", 3, 0, 3), (push.Str("status"), push.GetProperty("matched").GetInt32(), push.GetProperty("queued").GetInt32(), push.GetProperty("skipped").GetInt32()));
        }, Settings(sink.Port));
    }

    [SmtpFact]
    public async Task A_push_over_several_pages_of_enterprises_writes_every_matching_one_once()
    {
        await using var sink = await SmtpSink.StartAsync();
        var settings = Settings(sink.Port);
        settings["Enterprises:PushBatchSize"] = "7"; // pages of 50: batches end inside pages, and pages inside batches
        await HotlineFactory.RunAsync(async factory =>
        {
            var editor = await factory.ClientAsync(Roles.KnowledgeEditor);
            // 130 enterprises, three pages; every third one is in retail (F), which the manufacturing policy does not reach.
            var numbers = Enumerable.Range(200, 130).ToList();
            var rows = string.Join('\n', numbers.Select(n => $"{Code(n)},常州测试{n}有限公司,{(n % 3 == 0 ? "F" : "C")},天宁区,中型,有限责任公司,,,,e{n}@example.com,是"));
            await ImportAsync(editor, "统一社会信用代码,企业名称,行业门类,所在区,企业规模,登记注册类型,标签,联系人,电话,邮箱,订阅\n" + rows);
            var policy = await PolicyAsync(editor);
            using (var started = await Api.PostAsync(editor, $"/api/policies/{policy}/pushes", new JsonObject()))
                await Api.ExpectAsync(started, HttpStatusCode.Accepted);

            var matching = numbers.Where(n => n % 3 != 0).Select(Code).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(matching.Count, await PushAllAsync(factory));
            await using var scope = factory.Services.CreateAsyncScope();
            var delivered = await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().PolicyDeliveries
                .Where(d => d.PolicyId == policy).Select(d => d.CreditCode).ToListAsync();
            Assert.Equal(matching, delivered.Order(StringComparer.Ordinal));
            var push = (await Api.GetAsync(editor, $"/api/policies/{policy}/pushes")).EnumerateArray().Single();
            Assert.Equal(("Completed", matching.Count, matching.Count), (push.Str("status"), push.GetProperty("matched").GetInt32(), push.GetProperty("queued").GetInt32()));
        }, settings);
    }

    [SmtpFact]
    public async Task A_restart_in_the_middle_of_a_push_emails_every_matching_enterprise_exactly_once()
    {
        await using var sink = await SmtpSink.StartAsync();
        var first = Server(sink.Port);
        first.Settings["Notifications:BatchSize"] = "3"; // a sending round takes three: the rest wait in the outbox over the restart
        long policy;
        try
        {
            var editor = await first.ClientAsync(Roles.KnowledgeEditor);
            var rows = string.Join('\n', Enumerable.Range(100, 10).Select(n => $"{Code(n)},常州测试{n}有限公司,C,天宁区,中型,有限责任公司,,,,e{n}@example.com,是"));
            await ImportAsync(editor, "统一社会信用代码,企业名称,行业门类,所在区,企业规模,登记注册类型,标签,联系人,电话,邮箱,订阅\n" + rows);
            policy = await PolicyAsync(editor);
            using (var started = await Api.PostAsync(editor, $"/api/policies/{policy}/pushes", new JsonObject()))
                await Api.ExpectAsync(started, HttpStatusCode.Accepted);
            var pushes = first.Services.GetRequiredService<PolicyPushes>();
            Assert.Equal(3, await pushes.RunBatchAsync(CancellationToken.None));
            Assert.Equal(3, await pushes.RunBatchAsync(CancellationToken.None));
            Assert.Equal(3, (await Mail.SendAsync(first)).Sent); // some went out, three are still waiting in the outbox
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = Server(sink.Port, first.DataPath, first.PostgresDatabase);
        second.Settings["Notifications:BatchSize"] = "3";
        try
        {
            second.StartServer();
            // After the restart an impatient editor pushes the same policy again while the first push resumes.
            var editor = await second.ClientAsync(Roles.KnowledgeEditor);
            using (var again = await Api.PostAsync(editor, $"/api/policies/{policy}/pushes", new JsonObject()))
                await Api.ExpectAsync(again, HttpStatusCode.Conflict); // one push of a policy at a time
            Assert.Equal(4, await PushAllAsync(second));
            using (var later = await Api.PostAsync(editor, $"/api/policies/{policy}/pushes", new JsonObject()))
                await Api.ExpectAsync(later, HttpStatusCode.Accepted);
            Assert.Equal(0, await PushAllAsync(second)); // everyone has it: nothing new
            await SendAllAsync(second);
            var messages = await sink.WaitForAsync(10);
            Assert.Equal(10, messages.Count);
            Assert.Equal(10, messages.Select(m => m.To.Mailboxes.Single().Address).Distinct().Count());
            await using var scope = second.Services.CreateAsyncScope();
            Assert.Equal(10, await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().PolicyDeliveries.CountAsync(d => d.PolicyId == policy));
        }
        finally
        {
            await second.DisposeAsync();
            second.DeleteData();
        }
    }

    private static Dictionary<string, string?> Settings(int port) => new()
    {
        ["Notifications:Smtp:Host"] = "127.0.0.1",
        ["Notifications:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notifications:Smtp:Security"] = "None",
        ["Notifications:Smtp:TimeoutSeconds"] = "5",
        ["Notifications:PollMilliseconds"] = "0",
        ["Hotline:RequesterLinks:PublicBaseUrl"] = Mail.PublicBaseUrl,
        ["Enterprises:PushPollSeconds"] = "0",
        ["Enterprises:PushBatchSize"] = "3",
        ["Knowledge:FeedbackIntervalSeconds"] = "0",
    };
}
