using System.Text;

namespace Hotline.Domain.Tickets;

/// <summary>
/// The ticket state machine drawn from <see cref="TicketWorkflow.Transitions"/>, for docs/workflow.md: a Mermaid
/// <c>stateDiagram-v2</c> of the actions that move a ticket, and a Markdown table of every action. Pure: no I/O, the
/// same text for the same table (ordered by the table's rows, then by <see cref="TicketStatus"/>).
/// </summary>
public static class TicketWorkflowDiagram
{
    /// <summary>The Chinese name of each state, as the centre says it.</summary>
    public static IReadOnlyDictionary<TicketStatus, string> StatusNames { get; } = new Dictionary<TicketStatus, string>
    {
        [TicketStatus.Registered] = "已登记",
        [TicketStatus.ResolvedAtIntake] = "一次办结",
        [TicketStatus.Dispatched] = "已派单",
        [TicketStatus.SignedFor] = "已签收",
        [TicketStatus.Returned] = "已退单",
        [TicketStatus.Replied] = "已办结",
        [TicketStatus.Reopened] = "已重办",
        [TicketStatus.Closed] = "已归档",
        [TicketStatus.Merged] = "已并案",
    };

    /// <summary>The Chinese name of each action.</summary>
    public static IReadOnlyDictionary<TicketAction, string> ActionNames { get; } = new Dictionary<TicketAction, string>
    {
        [TicketAction.Register] = "登记",
        [TicketAction.ResolveAtIntake] = "一次办结",
        [TicketAction.Dispatch] = "派单",
        [TicketAction.SignFor] = "签收",
        [TicketAction.Return] = "退单",
        [TicketAction.Reply] = "办结答复",
        [TicketAction.Close] = "归档",
        [TicketAction.Reopen] = "重办",
        [TicketAction.AttachFile] = "上传附件",
        [TicketAction.AddProgress] = "办理进展",
        [TicketAction.Contribute] = "协办意见",
        [TicketAction.RequestExtension] = "延期申请",
        [TicketAction.DecideExtension] = "延期审批",
        [TicketAction.Supervise] = "督办",
        [TicketAction.AnswerSupervision] = "督办回复",
        [TicketAction.EscalateToLeader] = "提请领导督办",
        [TicketAction.LeaderInstruct] = "领导批示",
        [TicketAction.MarkDuplicate] = "重复件并案",
        [TicketAction.AnswerWithMaster] = "随主件答复",
        [TicketAction.AwaitRequester] = "等待补充材料",
        [TicketAction.RequesterResponded] = "诉求人已补充",
        [TicketAction.SlaWarn] = "时限预警",
        [TicketAction.SlaBreach] = "超时",
        [TicketAction.Rate] = "评价",
        [TicketAction.AppealRating] = "评价申诉",
        [TicketAction.DecideAppeal] = "申诉审核",
        [TicketAction.RequesterMessage] = "诉求人补充",
        [TicketAction.RecordRevisit] = "回访",
        [TicketAction.Withdraw] = "撤件",
    };

    /// <summary>
    /// The state diagram: one edge per action and from-state that changes the state, labelled with the route name;
    /// registration starts at <c>[*]</c>. Actions that keep the state are left out here and listed by <see cref="ToMarkdownTable"/>.
    /// </summary>
    public static string ToMermaid()
    {
        var sb = new StringBuilder();
        sb.Append("stateDiagram-v2\n");
        foreach (var status in Enum.GetValues<TicketStatus>())
            sb.Append("    state \"").Append(Name(status)).Append(' ').Append(status).Append("\" as ").Append(status).Append('\n');
        foreach (var t in TicketWorkflow.Transitions.Where(t => t.To is not null))
        {
            var from = t.From.Count == 0 ? ["[*]"] : t.From.Order().Select(s => s.ToString());
            foreach (var f in from)
                sb.Append("    ").Append(f).Append(" --> ").Append(t.To).Append(" : ").Append(t.RouteName).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// Every action as a Markdown table: route, Chinese name, from-states, to-state ("—" keeps the state), roles, and
    /// which department handlers (only when handlers may take it).
    /// </summary>
    public static string ToMarkdownTable()
    {
        var sb = new StringBuilder();
        sb.Append("| Route | 中文 | From | To | Roles | Department handlers |\n");
        sb.Append("|---|---|---|---|---|---|\n");
        foreach (var t in TicketWorkflow.Transitions)
        {
            var from = t.From.Count == 0 ? "(new ticket)" : string.Join(", ", t.From.Order().Select(s => $"{s} {Name(s)}"));
            var to = t.To is { } s2 ? $"{s2} {Name(s2)}" : "— (keeps the state)";
            var roles = string.Join(", ", Access.Roles.All.Append(Access.Roles.Requester).Where(t.Roles.Contains).Select(r => $"`{r}`"));
            if (TicketWorkflow.IsSystemOnly(t.Action))
                roles += t.Action == TicketAction.Register ? " (own endpoint)" : " (system only)";
            else if (TicketWorkflow.HasOwnEndpoint(t.Action))
                roles += " (own endpoint)";
            var scope = !t.Roles.Contains(Access.Roles.DepartmentHandler) ? "—" : t.Scope switch
            {
                DepartmentScope.Assigned => "main department (主办)",
                DepartmentScope.CoHandling => "co-handling department (协办)",
                _ => "main or co-handling",
            };
            sb.Append("| `").Append(t.RouteName).Append("` | ").Append(ActionNames.GetValueOrDefault(t.Action, t.Action.ToString()))
                .Append(" | ").Append(from).Append(" | ").Append(to).Append(" | ").Append(roles).Append(" | ").Append(scope).Append(" |\n");
        }
        return sb.ToString();
    }

    private static string Name(TicketStatus status) => StatusNames.GetValueOrDefault(status, status.ToString());
}
