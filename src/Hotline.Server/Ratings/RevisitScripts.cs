using System.Text.Json;
using Hotline.Domain.Tickets;
using Hotline.Server.Reference;

namespace Hotline.Server.Ratings;

/// <summary>
/// 回访话术: the call script an agent reads on a revisit call, one per ticket type, from <c>seed/revisit-scripts.json</c>
/// (zh-CN), with the ticket's number, title, department and reply filled in.
/// </summary>
public sealed class RevisitScripts
{
    private readonly Dictionary<string, string> scripts;

    public RevisitScripts() : this(Path.Combine(SeedLoader.DefaultSeedPath, "revisit-scripts.json"))
    {
    }

    public RevisitScripts(string file)
    {
        scripts = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file))
            ?? throw new InvalidDataException($"{file} is empty.");
        if (!scripts.ContainsKey("default"))
            throw new InvalidDataException($"{file} has no \"default\" script.");
    }

    public string For(Ticket ticket, string? departmentName, string agent)
    {
        var template = scripts.GetValueOrDefault(ticket.Type.ToString()) ?? scripts["default"];
        var reply = ticket.Resolution ?? ticket.IntakeAnswer ?? "";
        return template
            .Replace("{number}", ticket.Number, StringComparison.Ordinal)
            .Replace("{title}", ticket.Title, StringComparison.Ordinal)
            .Replace("{department}", departmentName ?? "12345热线", StringComparison.Ordinal)
            .Replace("{reply}", reply.Length > 200 ? reply[..200] + "……" : reply, StringComparison.Ordinal)
            .Replace("{agent}", agent, StringComparison.Ordinal);
    }
}
