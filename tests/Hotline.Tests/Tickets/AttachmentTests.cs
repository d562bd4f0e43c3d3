using System.Text;

namespace Hotline.Tests.Tickets;

public sealed class AttachmentTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task A_photo_is_stored_under_the_data_folder_listed_downloadable_and_recorded_in_the_history()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent)).Number();

        using var upload = await agent.PostAsync($"/api/tickets/{number}/attachments", Files.Png("现场照片.png"));
        var attachment = await Api.ExpectAsync(upload, HttpStatusCode.Created);

        Assert.Equal("现场照片.png", attachment.Str("fileName"));
        Assert.Equal(Files.PngBytes.Length, attachment.GetProperty("size").GetInt64());
        var list = await Api.GetAsync(agent, $"/api/tickets/{number}/attachments");
        Assert.Single(list.EnumerateArray());
        var bytes = await agent.GetByteArrayAsync($"/api/tickets/{number}/attachments/{attachment.GetProperty("id").GetInt64()}");
        Assert.Equal(Files.PngBytes, bytes);
        Assert.Contains(Directory.EnumerateFiles(Path.Combine(Factory.DataPath, "attachments"), "*.png", SearchOption.AllDirectories),
            f => File.ReadAllBytes(f).SequenceEqual(Files.PngBytes));
        var history = await Api.GetAsync(agent, $"/api/tickets/{number}/events");
        Assert.Equal("attach-file", history[1].Str("action"));
        Assert.Equal("Registered", history[1].Str("to"));
    }

    [Fact]
    public async Task A_forbidden_file_type_is_refused()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent)).Number();

        using var response = await agent.PostAsync($"/api/tickets/{number}/attachments", Files.Form("MZ"u8.ToArray(), "setup.exe", "application/octet-stream"));

        var problem = await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(".exe", problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_whose_content_does_not_match_its_extension_is_refused_and_not_kept()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent)).Number();

        using var response = await agent.PostAsync($"/api/tickets/{number}/attachments", Files.Form(Encoding.UTF8.GetBytes("<html>not a pdf</html>"), "合同.pdf", "application/pdf"));

        await Api.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty((await Api.GetAsync(agent, $"/api/tickets/{number}/attachments")).EnumerateArray());
        Assert.Empty(Directory.Exists(Path.Combine(Factory.DataPath, "attachments"))
            ? Directory.EnumerateFiles(Path.Combine(Factory.DataPath, "attachments"), "*.pdf*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task Attaching_to_a_closed_ticket_is_a_conflict()
    {
        var agent = await Factory.AgentAsync();
        var number = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(agent, number, "resolve-at-intake", new JsonObject { ["answer"] = "已答复。" });
        await Api.ActAsync(agent, number, "close");

        using var response = await agent.PostAsync($"/api/tickets/{number}/attachments", Files.Png("晚到的照片.png"));

        await Api.ExpectAsync(response, HttpStatusCode.Conflict);
    }
}
