using Hotline.Domain.Tickets;
using Hotline.Server.Problems;
using Hotline.Server.Tickets;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Tickets;

/// <summary>
/// The console's doors onto the application layer: attachments from a browser's stream through the API's own entry, the
/// preview of images and PDF, a repeat caller's last details, and the printed sheet.
/// </summary>
public sealed class ConsoleEntriesTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];

    /// <summary>A stream that cannot seek, as a browser's file arrives in the console.</summary>
    private sealed class ForwardOnly(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Position
        {
            get => base.Position;
            set => throw new NotSupportedException("A browser's stream cannot seek.");
        }
    }

    private async Task<AttachmentView> AttachAsync(string number, string name, byte[] bytes, Actor actor)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AttachmentStore>()
            .AddAsync(number, new AttachmentUpload(name, bytes.Length, _ => new ForwardOnly(bytes)), actor, CancellationToken.None);
    }

    [Fact]
    public async Task A_file_from_the_console_passes_the_same_checks_as_the_api_and_images_preview_in_place()
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Citizen(title: "附件：现场照片"))).Number();
        var agent = new Actor("console-agent", "话务员 测试", Roles.Agent, null);

        var photo = await AttachAsync(number, "现场照片.png", Png, agent);
        Assert.Equal("image/png", photo.ContentType);
        Assert.Equal(Png.Length, photo.Size);
        var refused = await Assert.ThrowsAsync<RequestValidationException>(() => AttachAsync(number, "setup.png", "MZ\x90\0\x03\0\0\0"u8.ToArray(), agent));
        Assert.Contains(refused.Errors, e => e.Field == "file" && e.Code == "AttachmentContent");
        var wrongType = await Assert.ThrowsAsync<RequestValidationException>(() => AttachAsync(number, "run.exe", Png, agent));
        Assert.Contains(wrongType.Errors, e => e.Field == "file" && e.Code == "AttachmentType");

        var client = await Factory.AgentAsync();
        using var inline = await client.GetAsync($"/api/tickets/{number}/attachments/{photo.Id}?inline=true");
        Assert.Equal(HttpStatusCode.OK, inline.StatusCode);
        Assert.Equal("inline", inline.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(Png, await inline.Content.ReadAsByteArrayAsync()); // the bytes checked first were written too
        using var download = await client.GetAsync($"/api/tickets/{number}/attachments/{photo.Id}");
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);

        var text = await AttachAsync(number, "说明.txt", "现场说明"u8.ToArray(), agent);
        using var notPreviewed = await client.GetAsync($"/api/tickets/{number}/attachments/{text.Id}?inline=true");
        Assert.Equal("attachment", notPreviewed.Content.Headers.ContentDisposition?.DispositionType); // only images and PDF show in place
        var history = await Api.GetAsync(client, $"/api/tickets/{number}/events");
        Assert.Equal(2, history.EnumerateArray().Count(e => e.Str("action") == "attach-file"));
    }

    [Fact]
    public async Task A_repeat_callers_last_details_are_offered_but_a_confidential_reporters_never_to_a_role_that_sees_them_masked()
    {
        var client = await Factory.AgentAsync();
        var body = Api.Enterprise(title: "老来电人：第一次");
        body["requester"]!["phone"] = "0519-86005555";
        var earlier = (await Api.RegisterAsync(client, body)).Number();
        var secret = Api.Citizen(title: "老来电人：保密举报", phone: "13744445555", confidential: true);
        await Api.RegisterAsync(client, secret);
        var history = Factory.Services.GetRequiredService<CallerHistory>();
        var agent = new Actor("a", "话务员", Roles.Agent, null);

        var offered = await history.LastRequesterAsync("051986005555", agent, CancellationToken.None); // typed without the dash
        Assert.NotNull(offered);
        Assert.Equal((earlier, RequesterKind.Enterprise, "常州市恒远精密机械有限公司", Api.ValidCreditCode, "李经理", "service@hengyuan.example.com"),
            (offered.FromNumber, offered.Kind, offered.Name, offered.CreditCode, offered.ContactPerson, offered.Email));

        Assert.Null(await history.LastRequesterAsync("13744445555", agent, CancellationToken.None));
        var supervisor = await history.LastRequesterAsync("13744445555", new Actor("s", "督办员", Roles.Supervisor, null), CancellationToken.None);
        Assert.Equal(("张三丰", true), (supervisor?.Name, supervisor?.Confidential));
    }

    [Fact]
    public async Task The_printed_sheet_has_the_facts_and_the_whole_history_and_another_departments_ticket_is_not_there()
    {
        var number = (await Api.RegisterAsync(await Factory.AgentAsync(), Api.Citizen(title: "打印：路灯不亮"))).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("cgj"));
        await Api.ActAsync(await Factory.HandlerAsync("cgj"), number, "sign-for");

        var html = WebUtility.HtmlDecode(await (await Factory.HandlerAsync("cgj")).GetStringAsync($"/tickets/{number}/print"));
        Assert.Contains("打印：路灯不亮", html, StringComparison.Ordinal);
        Assert.Contains("每天晚上九点后有摊贩", html, StringComparison.Ordinal);
        Assert.Equal(3, html.Split("data-testid=\"print-event\"").Length - 1); // registered, dispatched, signed for
        Assert.Contains("承办人签字", html, StringComparison.Ordinal);
        Assert.Contains("size: A4", html, StringComparison.Ordinal);

        var other = WebUtility.HtmlDecode(await (await Factory.HandlerAsync("zjj")).GetStringAsync($"/tickets/{number}/print"));
        Assert.Contains($"工单 {number} 不存在或您无权查看", other, StringComparison.Ordinal);
        Assert.DoesNotContain("打印：路灯不亮", other, StringComparison.Ordinal);
    }
}
