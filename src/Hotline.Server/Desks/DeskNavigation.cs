using Hotline.Domain.Access;

namespace Hotline.Server.Desks;

/// <summary>Which desk each role works at: its link in the app bar and its home page.</summary>
public static class DeskNavigation
{
    public sealed record Desk(string Href, string Key, string HomeOf, string[] Roles);

    public static readonly IReadOnlyList<Desk> Desks =
    [
        new("/agent", "Agent", Roles.Agent, [Roles.Agent, Roles.Dispatcher, Roles.Admin]),
        new("/dispatch", "Dispatch", Roles.Dispatcher, [Roles.Dispatcher, Roles.Admin]),
        new("/department", "Department", Roles.DepartmentHandler, [Roles.DepartmentHandler, Roles.Admin]),
        new("/supervision", "Supervision", Roles.Supervisor, [Roles.Supervisor, Roles.Admin]),
        new("/leader", "Leader", Roles.Leader, [Roles.Leader, Roles.Admin]),
        new("/analytics", "Analytics", "", [Roles.Leader, Roles.Supervisor, Roles.DepartmentHandler, Roles.Admin]),
        new("/tickets", "Search", "", [.. Roles.All]), // 工单查询: everyone's, nobody's home
        new("/knowledge", "Knowledge", Roles.KnowledgeEditor, [.. Roles.All]),
    ];

    /// <summary>The desk a role starts at, or null for roles whose home is the landing page.</summary>
    public static string? HomeFor(string role) => role.Length == 0 ? null : Desks.FirstOrDefault(d => d.HomeOf == role)?.Href;
}
