using System.Text.Json;
using Hotline.Server.Knowledge;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Knowledge;

/// <summary>A server with the knowledge base seeded (the other test classes start without it).</summary>
public class KnowledgeFixture() : HotlineFixture(new HotlineFactory(settings: Knowledge.Seeded()));

/// <summary>The seeded knowledge base on a real socket, for the browser.</summary>
public sealed class KestrelKnowledgeFixture() : HotlineFixture(new HotlineFactory(kestrel: true, settings: Knowledge.Seeded()))
{
    public Uri BaseAddress => Factory.ClientOptions.BaseAddress;
}

/// <summary>Helpers for the knowledge tests: wait for the seed, search as a client does.</summary>
public static class Knowledge
{
    public static Dictionary<string, string?> Seeded(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Knowledge:Seed"] = "true" };
        foreach (var (k, v) in more ?? [])
            settings[k] = v;
        return settings;
    }

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
