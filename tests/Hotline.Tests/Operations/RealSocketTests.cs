using System.Text;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Operations;

/// <summary>Behaviour that needs Kestrel itself, not the in-memory test server.</summary>
public sealed class RealSocketTests(KestrelHotlineFixture fixture) : IClassFixture<KestrelHotlineFixture>
{
    private HotlineFactory Factory => fixture.Factory;

    [Fact]
    public async Task An_oversized_chunked_body_without_a_length_is_413_and_nothing_is_stored()
    {
        var agent = await Factory.AgentAsync();
        var body = Api.Citizen(title: "超大分块请求");
        body["description"] = new string('a', 70_000);
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tickets") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await agent.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await using var scope = Factory.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<HotlineDbContext>().Tickets.CountAsync(t => t.Title == "超大分块请求"));
    }
}
