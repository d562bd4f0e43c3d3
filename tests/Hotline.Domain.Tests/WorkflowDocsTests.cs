using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

/// <summary>
/// docs/workflow.md carries the state diagram and the action table generated from <see cref="TicketWorkflow.Transitions"/>.
/// When the table changes, regenerate with <c>HOTLINE_UPDATE_DOCS=1 dotnet test tests/Hotline.Domain.Tests</c>.
/// </summary>
public class WorkflowDocsTests
{
    private const string UpdateVariable = "HOTLINE_UPDATE_DOCS";

    public static TheoryData<string> Blocks() => ["workflow", "actions"];

    private static string Generated(string block) => block switch
    {
        "workflow" => "```mermaid\n" + TicketWorkflowDiagram.ToMermaid() + "```\n",
        "actions" => TicketWorkflowDiagram.ToMarkdownTable(),
        _ => throw new ArgumentOutOfRangeException(nameof(block)),
    };

    [Theory]
    [MemberData(nameof(Blocks))]
    public void The_generated_block_in_docs_workflow_md_is_up_to_date(string block)
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "workflow.md");
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var begin = $"<!-- BEGIN GENERATED: {block} -->\n";
        var end = $"<!-- END GENERATED: {block} -->";
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var stop = text.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, $"docs/workflow.md lacks the markers '{begin.TrimEnd()}' … '{end}'.");

        var current = text[(start + begin.Length)..stop];
        var expected = Generated(block);
        if (current == expected)
            return;
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, text[..(start + begin.Length)] + expected + text[stop..]);
            return;
        }
        Assert.Fail($"The '{block}' block of docs/workflow.md differs from TicketWorkflow.Transitions. Regenerate it with " +
            $"`{UpdateVariable}=1 dotnet test tests/Hotline.Domain.Tests` and commit docs/workflow.md.");
    }

    [Fact]
    public void The_diagram_starts_new_tickets_at_registration_and_draws_every_state_changing_action()
    {
        var lines = TicketWorkflowDiagram.ToMermaid().Split('\n');

        Assert.Equal("stateDiagram-v2", lines[0]);
        Assert.Contains("    [*] --> Registered : register", lines);
        Assert.Contains("    Merged --> Replied : answer-with-master", lines);
        Assert.Contains("    SignedFor --> Returned : return", lines);
        var edges = TicketWorkflow.Transitions.Where(t => t.To is not null).Sum(t => Math.Max(1, t.From.Count));
        Assert.Equal(edges, lines.Count(l => l.Contains(" --> ", StringComparison.Ordinal)));
    }

    [Fact]
    public void State_keeping_actions_have_no_edge_but_a_table_row()
    {
        var diagram = TicketWorkflowDiagram.ToMermaid();
        var table = TicketWorkflowDiagram.ToMarkdownTable();

        Assert.All(TicketWorkflow.Transitions, t =>
        {
            Assert.Equal(t.To is not null, diagram.Contains($" : {t.RouteName}\n", StringComparison.Ordinal));
            Assert.Contains($"| `{t.RouteName}` |", table, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_diagram_is_the_same_every_time() =>
        Assert.Equal(TicketWorkflowDiagram.ToMermaid(), TicketWorkflowDiagram.ToMermaid());

    [Fact]
    public void Every_action_and_state_has_a_chinese_name()
    {
        Assert.Equal(Enum.GetValues<TicketAction>().Order(), TicketWorkflowDiagram.ActionNames.Keys.Order());
        Assert.Equal(Enum.GetValues<TicketStatus>().Order(), TicketWorkflowDiagram.StatusNames.Keys.Order());
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hotline.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No Hotline.sln above {AppContext.BaseDirectory}.");
    }
}
