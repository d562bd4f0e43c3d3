using Hotline.Server.Data;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Security;

/// <summary>An attachment is its row, its file and its attach-file event, together or not at all.</summary>
public sealed class AttachmentIntegrityTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task Uploads_racing_actions_leave_no_attachment_without_its_event()
    {
        var agent = await Factory.AgentAsync();
        var handler = await Factory.HandlerAsync("scjg");
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "上传与办理赛跑"))).Number();
        await Api.ActAsync(await Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(handler, number, "sign-for");

        var uploads = Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await agent.PostAsync($"/api/tickets/{number}/attachments", Files.Png($"现场{i}.png"));
            return response.StatusCode;
        }).ToList();
        var actions = Enumerable.Range(0, 20).Select(async i =>
        {
            for (var attempt = 0; attempt < 50; attempt++) // an action on a stale version retries, as a person would
            {
                var version = (await Api.GetAsync(handler, $"/api/tickets/{number}")).GetProperty("version").GetInt32();
                using var response = await Api.ActionAsync(handler, number, "add-progress", version, new JsonObject { ["note"] = $"进展{i}" });
                if (response.StatusCode != HttpStatusCode.Conflict)
                    return response.StatusCode;
            }
            return HttpStatusCode.Conflict;
        }).ToList();
        var uploaded = await Task.WhenAll(uploads);
        await Task.WhenAll(actions);

        Assert.All(uploaded, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{s}"));
        var listed = (await Api.GetAsync(agent, $"/api/tickets/{number}/attachments")).EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).ToList();
        var cited = (await Api.GetAsync(agent, $"/api/tickets/{number}/events")).EnumerateArray()
            .Where(e => e.Str("action") == "attach-file").Select(e => e.GetProperty("change").GetProperty("attachmentId").GetInt64()).ToList();
        Assert.Equal(uploaded.Count(s => s == HttpStatusCode.Created), listed.Count);
        Assert.Equal(listed.Order(), cited.Order()); // every row has exactly its event, and every event its row
        foreach (var id in listed)
            Assert.Equal(Files.PngBytes, await agent.GetByteArrayAsync($"/api/tickets/{number}/attachments/{id}"));
        await using var scope = Factory.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().Attachments.Select(a => a.StoragePath).ToListAsync();
        var files = Directory.EnumerateFiles(Path.Combine(Factory.DataPath, "attachments"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(Factory.DataPath, "attachments"), f)).ToList();
        Assert.Equal(stored.Order(), files.Order()); // no file without its row
    }

    [Fact]
    public async Task Files_whose_row_never_committed_are_swept_and_committed_ones_kept()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent, Api.Citizen(title: "清理孤儿文件"))).Number();
        using var kept = await agent.PostAsync($"/api/tickets/{number}/attachments", Files.Png("保留.png"));
        var id = (await Api.ExpectAsync(kept, HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var folder = Path.Combine(Factory.DataPath, "attachments", "2026", "11");
        Directory.CreateDirectory(folder);
        var orphan = Path.Combine(folder, "0123456789abcdef0123456789abcdef.png"); // written, then the process died
        var partial = Path.Combine(folder, "fedcba9876543210fedcba9876543210.pdf.part");
        await File.WriteAllBytesAsync(orphan, Files.PngBytes);
        await File.WriteAllBytesAsync(partial, [1, 2, 3]);

        var sweeper = Factory.Services.GetRequiredService<AttachmentSweeper>();
        using (sweeper.Uploading(Path.Combine("2026", "11", "fedcba9876543210fedcba9876543210.pdf")))
            Assert.Equal(1, await sweeper.SweepAsync(DateTimeOffset.MaxValue, CancellationToken.None)); // an upload in progress is left alone
        Assert.Equal(1, await sweeper.SweepAsync(DateTimeOffset.MaxValue, CancellationToken.None));

        Assert.False(File.Exists(orphan));
        Assert.False(File.Exists(partial));
        Assert.Equal(Files.PngBytes, await agent.GetByteArrayAsync($"/api/tickets/{number}/attachments/{id}"));
    }
}
