namespace Hotline.Domain.Access;

/// <summary>The people who work in Hotline. Role names are stored in Identity and API keys.</summary>
public static class Roles
{
    /// <summary>话务员: registers tickets and answers at intake.</summary>
    public const string Agent = "Agent";
    /// <summary>派单员: routes tickets to departments.</summary>
    public const string Dispatcher = "Dispatcher";
    /// <summary>承办人: works one department's tickets.</summary>
    public const string DepartmentHandler = "DepartmentHandler";
    /// <summary>督办员</summary>
    public const string Supervisor = "Supervisor";
    /// <summary>领导</summary>
    public const string Leader = "Leader";
    public const string Admin = "Admin";
    /// <summary>知识库编辑: writes, reviews and publishes knowledge-base articles and policies, works the draft queue.</summary>
    public const string KnowledgeEditor = "KnowledgeEditor";
    /// <summary>
    /// 诉求人: the citizen or enterprise acting through a public page or an email (rating link, self-service page). Not a
    /// sign-in role: it is not in <see cref="All"/>, so no user or API key can hold it.
    /// </summary>
    public const string Requester = "Requester";

    public static readonly IReadOnlyList<string> All = [Agent, Dispatcher, DepartmentHandler, Supervisor, Leader, Admin, KnowledgeEditor];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}

/// <summary>Who is acting. A department handler always carries a department code.</summary>
public sealed record Actor(string Id, string Name, string Role, string? DepartmentCode)
{
    public bool IsDepartmentHandler => Role == Roles.DepartmentHandler;

    /// <summary>Supervisors and admins see confidential reporters unmasked; everyone else sees them masked.</summary>
    public bool SeesConfidentialRequesters => Role is Roles.Supervisor or Roles.Admin;

    /// <summary>The system itself (jobs, automatic transitions).</summary>
    public static Actor System { get; } = new("system", "系统", Roles.Admin, null);
}
