using System.Globalization;
using System.Text.RegularExpressions;

namespace Hotline.Domain.Tickets;

/// <summary>One sentence the system writes into a ticket's history, with its placeholders ({0}, {1}).</summary>
public sealed record SystemText(string Key, string Chinese);

/// <summary>
/// The sentences the system itself writes into tickets (系统文字: rectification, automatic supervision and escalation),
/// in one table. They are stored in Chinese, the record of what happened; <see cref="Recognise"/> gives a reader in
/// another language the sentence's key and arguments, to word it in their language.
/// </summary>
public static partial class SystemTexts
{
    public static readonly SystemText RectificationReopen = new("RectificationReopen", "诉求人评价“{0}”，工单退回重办整改（第 {1} 次整改）。");
    public static readonly SystemText RectificationOrder = new("RectificationOrder", "整改督办：诉求人对答复评价“{0}”。请承办单位重新核实办理，与诉求人沟通后重新答复。");
    public static readonly SystemText RectificationToLeader = new("RectificationToLeader", "已整改 {0} 次，诉求人仍评价“{1}”，提请领导督办。");
    public static readonly SystemText SignForOverdueOrder = new("SignForOverdueOrder", "自动督办：工单超过签收时限未签收，请立即签收并说明原因。");
    public static readonly SystemText HandlingOverdueOrder = new("HandlingOverdueOrder", "自动督办：工单超过办理时限未办结，请尽快办结并说明原因。");
    public static readonly SystemText HandlingOverdueToLeader = new("HandlingOverdueToLeader", "超过办理时限仍未办结，系统自动提请领导督办。");
    public static readonly SystemText ClosedWithMaster = new("ClosedWithMaster", "随主件 {0} 归档");

    private static readonly SystemText[] All =
        [RectificationReopen, RectificationOrder, RectificationToLeader, SignForOverdueOrder, HandlingOverdueOrder, HandlingOverdueToLeader, ClosedWithMaster];

    public static string Format(this SystemText text, params object[] args) => string.Format(CultureInfo.InvariantCulture, text.Chinese, args);

    /// <summary>The system sentence <paramref name="stored"/> is, with its arguments; null for text people wrote.</summary>
    public static (SystemText Text, string[] Args)? Recognise(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
            return null;
        foreach (var text in All)
        {
            var match = Regex.Match(stored, "^" + Placeholder().Replace(Regex.Escape(text.Chinese), "(.+?)") + "$");
            if (match.Success)
                return (text, match.Groups.Cast<Group>().Skip(1).Select(g => g.Value).ToArray());
        }
        return null;
    }

    [GeneratedRegex(@"\\\{\d\}")]
    private static partial Regex Placeholder();
}
