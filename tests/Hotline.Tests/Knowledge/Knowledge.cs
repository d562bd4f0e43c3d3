using System.Text.Json;
using Hotline.Server.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Knowledge;

/// <summary>Helpers for the knowledge tests: wait for the seed, search as a client does.</summary>
public static class Knowledge
{
    public static async Task SeededAsync(HotlineFactory factory) =>
        await factory.Services.GetRequiredService<KnowledgeSeeder>().Ready.WaitAsync(TimeSpan.FromMinutes(2));

    public static async Task<JsonElement[]> SearchAsync(HttpClient client, string q, string? category = null) =>
        (await Api.GetAsync(client, $"/api/knowledge/search?q={Uri.EscapeDataString(q)}{(category is null ? "" : "&category=" + category)}")).EnumerateArray().ToArray();

    public static async Task<long> IdOfSeedAsync(HotlineFactory factory, string seedKey)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Hotline.Server.Data.HotlineDbContext>();
        return Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(
            db.KnowledgeArticles.Where(a => a.SeedKey == seedKey).Select(a => a.Id)).Result;
    }

    public static string Text(this JsonElement hit, string parts) =>
        string.Concat(hit.GetProperty(parts).EnumerateArray().Select(p => p.GetProperty("text").GetString()));
}
