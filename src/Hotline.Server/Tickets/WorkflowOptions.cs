using System.ComponentModel.DataAnnotations;
using Hotline.Domain.Tickets;

namespace Hotline.Server.Tickets;

/// <summary>Settings of the department workflow (section "Workflow").</summary>
public sealed class WorkflowOptions
{
    public const string Section = "Workflow";

    /// <summary>How often one department may return the same ticket before it must handle it or ask for supervision.</summary>
    [Range(1, 10)]
    public int MaxReturnsPerDepartment { get; set; } = WorkflowPolicy.Default.MaxReturnsPerDepartment;

    public WorkflowPolicy ToPolicy() => new() { MaxReturnsPerDepartment = MaxReturnsPerDepartment };
}
