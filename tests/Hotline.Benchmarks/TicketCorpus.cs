using System.Globalization;
using System.Text.Json;

namespace Hotline.Benchmarks;

/// <summary>One ticket as the benchmarks send it: the POST /api/tickets body, and the same values for the raw SQLite baseline.</summary>
public sealed record BenchTicket(
    string Type, string Channel, string Priority, string RequesterName, string RequesterPhone,
    string Title, string Description, string CategoryCode, string DistrictCode, string Address)
{
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new
    {
        type = Type,
        channel = Channel,
        priority = Priority,
        requester = new { kind = "Citizen", name = RequesterName, phone = RequesterPhone },
        title = Title,
        description = Description,
        categoryCode = CategoryCode,
        districtCode = DistrictCode,
        address = Address,
    }, TicketCorpus.Json);
}

/// <summary>
/// Realistic Chinese tickets from the demo templates in seed/demo (copied beside the binaries), varied per ticket:
/// requester, phone, district, street and a follow-up sentence or two so descriptions run ~150–300 characters.
/// Deterministic for a given seed, so B1 and the HTTP run insert the same rows.
/// </summary>
public static class TicketCorpus
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Read = new(JsonSerializerDefaults.Web);

    private static readonly string[] FollowUps =
    [
        "来电人表示此前已经通过12345反映过类似问题，但一直没有得到实质性答复，希望这次相关部门能够高度重视，尽快安排人员到现场核实处理。",
        "市民称该情况已经持续了一个多月，严重影响周边居民的正常生活和出行安全，请相关部门尽快处理，并在办结后电话回复处理结果。",
        "来电人希望承办单位在法定时限内给予明确答复，如确有困难也请说明原因和下一步的安排，不要简单以“正在协调”为由拖延。",
        "来电人同意公开反映内容，但要求对其姓名和联系方式保密，处理结果请通过短信或电话告知，工作日白天均可联系。",
        "据来电人介绍，周边不少居民都遇到了同样的问题，大家在业主群里讨论了很久，希望政府部门能统筹解决，而不是一事一办。",
        "来电人补充说明，已向社区和街道口头反映过两次，工作人员答复会向上级汇报，但至今没有下文，因此拨打热线寻求帮助。",
    ];

    public static List<BenchTicket> Generate(int count, int seed)
    {
        var demo = Path.Combine(AppContext.BaseDirectory, "seed", "demo");
        var templates = Load<List<Template>>(Path.Combine(demo, "ticket-templates.json"));
        var names = Load<Names>(Path.Combine(demo, "names.json"));
        var enterprises = Load<List<Enterprise>>(Path.Combine(demo, "enterprises.json"));
        var addresses = Load<Dictionary<string, List<string>>>(Path.Combine(demo, "addresses.json"));
        var districts = Load<List<District>>(Path.Combine(AppContext.BaseDirectory, "seed", "districts.json"));
        string[] channels = ["Phone", "Phone", "Phone", "Web", "App", "Email"];
        var random = new Random(seed);

        var tickets = new List<BenchTicket>(count);
        for (var i = 0; i < count; i++)
        {
            var template = templates[random.Next(templates.Count)];
            var district = districts[random.Next(districts.Count)];
            var street = addresses.TryGetValue(district.Code, out var list) && list.Count > 0 ? list[random.Next(list.Count)] : district.Name;
            var address = $"{street}{random.Next(1, 300)}号";
            var enterprise = enterprises[random.Next(enterprises.Count)].Name;
            string Fill(string s) => s
                .Replace("{district}", district.Name, StringComparison.Ordinal)
                .Replace("{address}", address, StringComparison.Ordinal)
                .Replace("{enterprise}", enterprise, StringComparison.Ordinal)
                .Replace("{amount}", (random.Next(1, 500) * 1000).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{date}", $"{random.Next(1, 13)}月{random.Next(1, 29)}日", StringComparison.Ordinal)
                .Replace("{days}", random.Next(8, 31).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

            var description = Fill(template.Description);
            var target = random.Next(150, 300);
            while (description.Length < target)
            {
                var more = FollowUps[random.Next(FollowUps.Length)];
                if (description.Length + more.Length > 300 && description.Length >= 150)
                    break;
                description += more;
            }
            if (description.Length > 300)
                description = description[..300];

            tickets.Add(new BenchTicket(
                Type: template.TicketType,
                Channel: channels[random.Next(channels.Length)],
                Priority: random.Next(20) == 0 ? "Urgent" : "Normal",
                RequesterName: names.Surnames[random.Next(names.Surnames.Count)] + names.GivenNames[random.Next(names.GivenNames.Count)],
                RequesterPhone: $"1{random.Next(3, 10)}{random.Next(0, 1_000_000_000):D9}",
                Title: Fill(template.Title),
                Description: description,
                CategoryCode: template.CategoryCode,
                DistrictCode: district.Code,
                Address: address));
        }
        return tickets;
    }

    private static T Load<T>(string file) =>
        JsonSerializer.Deserialize<T>(File.ReadAllBytes(file), Read) ?? throw new InvalidDataException($"Empty {file}");

    private sealed record Template(string CategoryCode, string TicketType, string Title, string Description);

    private sealed record Names(List<string> Surnames, List<string> GivenNames);

    private sealed record Enterprise(string Name);

    private sealed record District(string Code, string Name);
}
