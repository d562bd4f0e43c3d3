using Hotline.Domain.Access;
using Hotline.Server.Analytics;
using Hotline.Server.Data;
using Hotline.Server.Notifications;
using Hotline.Tests.Infrastructure;
using Hotline.Tests.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MiniExcelLibs;

namespace Hotline.Tests.Analytics;

/// <summary>研判报告: built once per period whatever runs it, kept, emailed with its workbook.</summary>
public class ReportTests
{
    private const string Leader = "赵伟 <leader@example.cn>";
    /// <summary>The leader and the six department heads of the seed with an email address.</summary>
    private const int Recipients = 7;

    private static HotlineFactory Server(HotlineFactory? sharing = null, int? smtpPort = null)
    {
        var factory = smtpPort is { } port ? Mail.Server(port) : new HotlineFactory(sharing?.DataPath, sharing?.PostgresDatabase);
        factory.Settings["Analytics:ReportRecipients:0"] = Leader;
        return factory;
    }

    /// <summary>A week of work from Monday 23 November, then the clock at Monday 30 November 10:00: last week's report is due.</summary>
    private static async Task WeekOfWorkAsync(HotlineFactory f)
    {
        var agent = await f.AgentAsync();
        var rated = (await Api.RegisterAsync(agent, Api.Citizen(title: "小区停水三天无人处理"))).Number();
        await Api.ActAsync(await f.DispatcherAsync(), rated, "dispatch", Api.Dispatch("zjj"));
        await Api.ActAsync(await f.HandlerAsync("zjj"), rated, "sign-for");
        await Api.ActAsync(await f.HandlerAsync("zjj"), rated, "reply", Api.Reply());
        await Api.ExpectAsync(await Api.PostAsync(agent, $"/api/tickets/{rated}/rating", new JsonObject { ["level"] = "Dissatisfied", ["resolved"] = false }), HttpStatusCode.Created);
        var open = (await Api.RegisterAsync(agent, Api.Enterprise(title: "企业开办超过承诺时限"))).Number();
        await Api.ActAsync(await f.DispatcherAsync(), open, "dispatch", Api.Dispatch("scjg"));
        await Api.RegisterAsync(agent, Api.Citizen(title: "噪音扰民", phone: "13900000009"));
        f.Clock.Advance(TimeSpan.FromDays(7));
        await f.Services.GetRequiredService<AnalyticsProjector>().CatchUpAsync(CancellationToken.None);
    }

    private static async Task<(int Reports, List<OutboxEmail> Emails)> StoredAsync(HotlineFactory f)
    {
        await using var scope = f.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HotlineDbContext>();
        return (await db.Set<AnalysisReport>().CountAsync(),
            await db.OutboxEmails.AsNoTracking().Where(e => e.Kind == EmailKinds.AnalysisReport).ToListAsync());
    }

    private static ReportBuilder Builder(HotlineFactory f) => f.Services.GetRequiredService<ReportBuilder>();

    [Fact]
    public async Task Two_schedulers_build_each_due_report_once_and_email_each_recipient_once()
    {
        var first = Server();
        var second = Server(sharing: first);
        try
        {
            await WeekOfWorkAsync(first);
            second.Clock.Advance(TimeSpan.FromDays(7));
            second.StartServer();

            var built = await Task.WhenAll(Builder(first).BuildDueAsync(CancellationToken.None), Builder(second).BuildDueAsync(CancellationToken.None));
            Assert.Equal(2, built.Sum()); // last week's and last month's, each by one of the two

            var (reports, emails) = await StoredAsync(first);
            Assert.Equal(2, reports);
            Assert.Equal(2 * Recipients, emails.Count);
            Assert.Equal(emails.Count, emails.Select(e => e.MessageId).Distinct().Count());
            Assert.Equal(Recipients, emails.Count(e => e.MessageId.StartsWith("analysis-report.weekly-2026-W48.", StringComparison.Ordinal)));

            Assert.Equal(0, await Builder(second).BuildDueAsync(CancellationToken.None)); // an hour later, or after a restart
            Assert.Equal((2, 2 * Recipients), ((await StoredAsync(first)).Reports, (await StoredAsync(first)).Emails.Count));
        }
        finally
        {
            // Both servers stopped before their shared folder goes: the second one's logs and SQLite files were still
            // being written while it was deleted ("Directory not empty", stop 21's suite).
            await second.DisposeAsync();
            await first.DisposeAsync();
            first.DeleteData();
        }
    }

    [Fact]
    public async Task A_crash_before_the_commit_leaves_nothing_and_after_a_restart_the_report_is_built_once()
    {
        var before = Server();
        await WeekOfWorkAsync(before);
        Builder(before).BeforeCommit = _ => throw new IOException("the machine went down");
        await Assert.ThrowsAsync<IOException>(() => Builder(before).BuildDueAsync(CancellationToken.None));
        Assert.Equal((0, 0), ((await StoredAsync(before)).Reports, (await StoredAsync(before)).Emails.Count));
        await before.DisposeAsync();

        var after = Server(sharing: before);
        try
        {
            after.Clock.Advance(TimeSpan.FromDays(7));
            Assert.Equal(2, await Builder(after).BuildDueAsync(CancellationToken.None));
            Assert.Equal(0, await Builder(after).BuildDueAsync(CancellationToken.None));
            var (reports, emails) = await StoredAsync(after);
            Assert.Equal((2, 2 * Recipients), (reports, emails.Count));
        }
        finally
        {
            await after.DisposeAsync();
            after.DeleteData();
        }
    }

    [Fact]
    public async Task Nothing_is_due_before_the_report_time_on_monday()
    {
        await HotlineFactory.RunAsync(async f =>
        {
            f.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromHours(2.5)); // Monday 30 November 07:30
            Assert.Equal(0, await Builder(f).BuildDueAsync(CancellationToken.None));
            f.Clock.Advance(TimeSpan.FromMinutes(30));
            Assert.Equal(2, await Builder(f).BuildDueAsync(CancellationToken.None));
        });
    }

    [SmtpFact]
    public async Task The_report_email_reaches_the_mail_server_with_the_workbook_whose_cells_are_the_report()
    {
        await using var sink = await SmtpSink.StartAsync();
        var f = Server(smtpPort: sink.Port);
        try
        {
            await WeekOfWorkAsync(f);
            var (report, created) = await Builder(f).BuildAsync(Hotline.Domain.Analytics.Period.Of(Hotline.Domain.Analytics.PeriodKind.Week, new DateOnly(2026, 11, 23)), "leader", CancellationToken.None);
            Assert.True(created);
            var content = await Api.GetAsync(await f.ClientAsync(Roles.Leader), $"/api/analytics/reports/weekly/{report.PeriodKey}");

            var round = await Mail.SendAsync(f); // with the requesters' emails of the week
            var reports = (await sink.WaitForAsync(round.Sent)).Where(m => m.MessageId!.StartsWith("analysis-report.", StringComparison.Ordinal)).ToList();
            Assert.Equal(Recipients, reports.Count);
            var message = reports.Single(m => m.To.Mailboxes.Any(a => a.Address == "leader@example.cn"));
            Assert.Equal("【研判报告】2026年11月23日至11月29日周研判报告", message.Subject);
            Assert.Contains("本期（2026年11月23日至2026年11月29日）共受理群众和企业诉求3件", message.TextBody);
            var attachment = Assert.Single(message.Attachments.OfType<MimePart>());
            Assert.Equal("weekly-2026-W48.xlsx", attachment.FileName);
            using var workbook = new MemoryStream();
            await attachment.Content!.DecodeToAsync(workbook);

            workbook.Position = 0;
            Assert.Equal(["概要", "指标", "部门排名", "热点诉求", "超期工单", "不满意工单", "企业热点", "企业堵点", "在线办结"], workbook.GetSheetNames());
            var overview = Rows(workbook, "概要");
            Assert.Equal(("报告", "2026年11月23日至11月29日周研判报告"), Pair(overview[0]));
            Assert.Equal(("在线办结", "0（上期 0，去年同期 0）"), Pair(overview[4]));
            Assert.Equal(content.GetProperty("summary").EnumerateArray().Select(s => s.GetString()), overview.Skip(5).Select(r => (string?)r["内容"]));

            var figures = Rows(workbook, "指标");
            foreach (var figure in content.GetProperty("figures").EnumerateArray())
            {
                var row = figures.Single(r => Equals(r["指标"], Hotline.Server.Analytics.ReportSheets.Names[figure.Str("key")]));
                Assert.Equal(figure.GetProperty("denominator").GetInt64(), Convert.ToInt64(row["工单数"], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(Number(Optional(figure, "value")), Number(row["本期"]));
            }
            var ranking = Rows(workbook, "部门排名");
            Assert.Equal(content.GetProperty("ranking").GetArrayLength(), ranking.Count);
            foreach (var (expected, row) in content.GetProperty("ranking").EnumerateArray().Zip(ranking))
            {
                Assert.Equal(expected.GetProperty("rank").GetInt32(), Convert.ToInt32(row["排名"], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(expected.Str("departmentName"), row["单位"]);
                Assert.Equal(Number(Optional(expected, "satisfactionRate")), Number(row["满意率"]));
                Assert.Equal(expected.GetProperty("volume").GetInt64(), Convert.ToInt64(row["承办量"], System.Globalization.CultureInfo.InvariantCulture));
            }
            var unsatisfied = Assert.Single(Rows(workbook, "不满意工单"));
            Assert.Equal("小区停水三天无人处理", unsatisfied["标题"]);
            Assert.Equal("不满意", unsatisfied["评价"]);
            Assert.Equal("常州市住房和城乡建设局", unsatisfied["承办单位"]);
        }
        finally
        {
            await f.DisposeAsync();
            f.DeleteData();
        }
    }

    private static List<IDictionary<string, object?>> Rows(MemoryStream workbook, string sheet)
    {
        workbook.Position = 0;
        return workbook.Query(useHeaderRow: true, sheetName: sheet).Cast<IDictionary<string, object?>>().ToList();
    }

    /// <summary>The API leaves out null values.</summary>
    private static JsonElement? Optional(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v : null;

    private static (object?, object?) Pair(IDictionary<string, object?> row) => (row["项目"], row["内容"]);

    private static double? Number(object? value) => value switch
    {
        null => null,
        JsonElement { ValueKind: JsonValueKind.Null } => null,
        JsonElement e => e.GetDouble(),
        string s when s.Length == 0 => null,
        _ => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
