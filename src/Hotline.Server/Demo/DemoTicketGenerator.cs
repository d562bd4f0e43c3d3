using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Demo;

/// <summary>
/// Realistic Chinese demo tickets for demos and benchmarks: templates from seed/demo, spread over the past year,
/// each taken through a plausible lifecycle by the same domain code the API uses, so every history is a valid one.
/// Each gets an access code (查询码) as intake issues one (<see cref="Ratings.AccessCodes"/>: only its salted hash is
/// stored); the codes of the newest few are kept in <see cref="AccessCodeSamples"/>, so /track can be tried on them.
/// </summary>
public sealed class DemoTicketGenerator(
    IDbContextFactory<HotlineDbContext> contexts, ReferenceData reference, Sla.SlaClocks clocks, CityClock clock, Ratings.AccessCodes codes,
    ILogger<DemoTicketGenerator> logger)
{
    private const int Chunk = 2000;
    private const int Samples = 3;
    private readonly Queue<DemoAccessCode> samples = new();

    /// <summary>
    /// The newest tickets of the last <see cref="GenerateAsync"/> with their access codes, the way an agent reads a new
    /// ticket's code to the caller. Demo tickets send no registration email, so this is the only place a code is seen.
    /// </summary>
    public IReadOnlyList<DemoAccessCode> AccessCodeSamples => samples.ToList();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private static readonly string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    public async Task<int> GenerateAsync(int count, int seed, CancellationToken ct)
    {
        var demo = Path.Combine(SeedLoader.DefaultSeedPath, "demo");
        var templates = await Read<List<Template>>(demo, "ticket-templates.json", ct);
        var names = await Read<Names>(demo, "names.json", ct);
        var enterprises = await Read<List<Enterprise>>(demo, "enterprises.json", ct);
        var addresses = await Read<Dictionary<string, List<string>>>(demo, "addresses.json", ct);
        var districts = reference.Districts.Values.OrderBy(d => d.Code).ToList();
        var random = new Random(seed);
        var now = clock.Now;

        await using var db = await contexts.CreateDbContextAsync(ct);
        var sequences = await db.DailySequences.ToDictionaryAsync(s => s.Day, ct);
        var agents = Enumerable.Range(1, 12).Select(i => new Actor($"demo-agent-{i:D2}", $"话务员{i:D2}", Roles.Agent, null)).ToArray();
        var dispatcher = new Actor("demo-dispatcher", "派单员", Roles.Dispatcher, null);

        // Registration instants, oldest first, so ticket numbers rise with time as they do in production. A third fall
        // in the last three weeks, so the demo has a live workload (open, dispatched, overdue), not only archives.
        var instants = Enumerable.Range(0, count)
            .Select(_ => now.AddMinutes(-random.Next(1, (random.Next(3) == 0 ? 21 : 365) * 24 * 60)))
            .Order()
            .ToList();

        var made = 0;
        samples.Clear();
        foreach (var registeredAt in instants)
        {
            ct.ThrowIfCancellationRequested();
            var template = templates[random.Next(templates.Count)];
            var district = districts[random.Next(districts.Count)];
            var enterprise = template.RequesterKind == "Enterprise" || (template.RequesterKind == "Any" && random.Next(3) == 0)
                ? enterprises[random.Next(enterprises.Count)] : null;
            var person = names.Surnames[random.Next(names.Surnames.Count)] + names.GivenNames[random.Next(names.GivenNames.Count)];
            var street = addresses.TryGetValue(district.Code, out var list) && list.Count > 0 ? list[random.Next(list.Count)] : district.Name;
            string Fill(string s) => s
                .Replace("{district}", district.Name, StringComparison.Ordinal)
                .Replace("{address}", $"{street}{random.Next(1, 300)}号", StringComparison.Ordinal)
                .Replace("{enterprise}", enterprise?.Name ?? "我们公司", StringComparison.Ordinal)
                .Replace("{amount}", (random.Next(1, 500) * 1000).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{date}", clock.LocalDay(registeredAt.AddDays(-random.Next(8, 40))).ToString("M月d日", CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{days}", random.Next(8, 31).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

            var category = reference.Categories.ContainsKey(template.CategoryCode) ? template.CategoryCode : reference.Categories.Keys.First();
            var draft = new TicketDraft
            {
                Type = template.TicketType,
                Channel = (Channel)random.Next(Enum.GetValues<Channel>().Length),
                Priority = random.Next(20) == 0 ? Priority.Urgent : Priority.Normal,
                Requester = new Requester
                {
                    Kind = enterprise is null ? RequesterKind.Citizen : RequesterKind.Enterprise,
                    Name = enterprise?.Name ?? person,
                    Phone = $"1{random.Next(3, 10)}{random.Next(0, 1_000_000_000):D9}",
                    CreditCode = enterprise is null ? null : CreditCode(random),
                    ContactPerson = enterprise is null ? null : person,
                    Email = enterprise is null ? null : $"contact{random.Next(1000, 9999)}@example.com",
                    Confidential = template.TicketType == TicketType.Report && random.Next(2) == 0,
                },
                Title = Fill(template.Title),
                Description = Fill(template.Description),
                CategoryCode = category,
                DistrictCode = district.Code,
                Address = $"{district.Name}{street}",
            };

            var day = clock.LocalDay(registeredAt);
            if (!sequences.TryGetValue(day, out var sequence))
            {
                sequence = new DailySequence { Day = day, LastValue = 0 };
                sequences[day] = sequence;
                db.DailySequences.Add(sequence);
            }
            var (ticket, registered) = Ticket.Register(TicketNumber.Format(day, ++sequence.LastValue), draft, agents[random.Next(agents.Length)], registeredAt);
            db.Tickets.Add(ticket);
            var code = codes.Issue(db, ticket);
            samples.Enqueue(new DemoAccessCode(ticket.Number, code));
            if (samples.Count > Samples)
                samples.Dequeue();
            var events = new List<TicketEvent> { registered };
            events.AddRange(Lifecycle(ticket, reference.Categories[category].DepartmentCode, dispatcher, registeredAt, now, random));
            db.TicketEvents.AddRange(events);
            db.Ratings.AddRange(events.Where(e => e.Change is Rated).Select(e => Ratings.RatingFlow.Row(ticket, (Rated)e.Change, e)));
            await clocks.ApplyAsync(db, ticket, events, ct); // open demo tickets have live deadlines; old ones are overdue at once

            if (++made % Chunk == 0)
            {
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                foreach (var s in sequences.Values)
                    db.Attach(s); // keep counting on the rows just saved
                logger.LogInformation("{Made}/{Count} demo tickets", made, count);
            }
        }
        await db.SaveChangesAsync(ct);
        return made;
    }

    /// <summary>Moves a ticket along a typical path; the older it is, the further it has got.</summary>
    private static IEnumerable<TicketEvent> Lifecycle(Ticket t, string department, Actor dispatcher, DateTimeOffset at, DateTimeOffset now, Random random)
    {
        var handler = new Actor($"demo-handler-{department}", "承办人", Roles.DepartmentHandler, department);
        var age = now - at;
        DateTimeOffset Later(double maxHours)
        {
            at = at.AddMinutes(random.Next(5, (int)(maxHours * 60)));
            return at < now ? at : now;
        }

        if (t.Type == TicketType.Consultation && random.Next(2) == 0)
        {
            yield return t.Act(new ResolvedAtIntake("已根据知识库政策口径当场答复来电人。"), dispatcher, Later(0.5));
            if (age > TimeSpan.FromDays(3))
                yield return t.Act(new Closed(null), dispatcher, Later(48));
            yield break;
        }
        if (age < TimeSpan.FromHours(2))
            yield break;
        yield return t.Act(new Dispatched(department, null), dispatcher, Later(1));
        if (random.Next(12) == 0)
        {
            yield return t.Act(new Returned(ReturnReason.NotOurResponsibility, "经核实，该事项不属于本单位职责范围。"), handler, Later(8));
            yield return t.Act(new Dispatched(department, "请按职责办理。"), dispatcher, Later(2));
        }
        if (age < TimeSpan.FromHours(6))
            yield break;
        yield return t.Act(new SignedFor(null), handler, Later(4));
        if (age < TimeSpan.FromDays(4) && random.Next(2) == 0)
            yield break;
        var result = (ReplyResult)random.Next(3);
        yield return t.Act(new Replied(result, "经现场核查，已联系诉求人并按规定处理，诉求人表示认可。",
            result == ReplyResult.Explained ? "《优化营商环境条例》相关规定" : null), handler, Later(72));
        if (age > TimeSpan.FromDays(6) && random.Next(10) < 8)
        {
            // 好差评: most requesters rate; an unsatisfied one is reworked (整改) once and rated again.
            var level = Demo(random.Next(100));
            foreach (var e in Rate(t, level, Later(24)))
                yield return e;
            if (RatingRules.IsUnsatisfied(level))
            {
                yield return t.Act(new Dispatched(department, "整改件，请重新核实办理。"), dispatcher, Later(2));
                yield return t.Act(new SignedFor(null), handler, Later(4));
                foreach (var order in t.OpenSupervisionOrders.ToList())
                    yield return t.Act(new SupervisionAnswered(order, "已重新核查并与诉求人沟通。"), handler, Later(24));
                yield return t.Act(new Replied(ReplyResult.Resolved, "经重新核查，已督促整改到位并向诉求人说明。", null), handler, Later(48));
                foreach (var e in Rate(t, random.Next(3) == 0 ? RatingLevel.BasicallySatisfied : RatingLevel.Satisfied, Later(24)))
                    yield return e;
            }
        }
        if (age > TimeSpan.FromDays(10))
            yield return t.Act(new Closed(null), dispatcher, Later(48));
    }

    private static RatingLevel Demo(int percent) => percent switch
    {
        < 62 => RatingLevel.Satisfied,
        < 90 => RatingLevel.BasicallySatisfied,
        _ => RatingLevel.Dissatisfied,
    };

    /// <summary>The requester's rating through the link, and for an unsatisfied one the system's rectification, as the server does it.</summary>
    private static IEnumerable<TicketEvent> Rate(Ticket t, RatingLevel level, DateTimeOffset at)
    {
        var requester = RatingRules.Requester();
        var rated = (Rated)new Rated(level, !RatingRules.IsUnsatisfied(level), null).Complete(t, requester);
        yield return t.Act(rated, requester, at);
        foreach (var change in RatingRules.AfterRating(t, rated, WorkflowPolicy.Default, at.AddDays(3)))
            yield return t.Act(change.Complete(t, Actor.System), Actor.System, at);
    }

    /// <summary>A valid 统一社会信用代码 for a Changzhou (320400) enterprise.</summary>
    private static string CreditCode(Random random)
    {
        var body = string.Concat("91320400", new string(Enumerable.Range(0, 9).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray()));
        return body + UnifiedSocialCreditCode.CheckCharacter(body);
    }

    private static async Task<T> Read<T>(string folder, string file, CancellationToken ct)
    {
        await using var stream = File.OpenRead(Path.Combine(folder, file));
        return await JsonSerializer.DeserializeAsync<T>(stream, Json, ct) ?? throw new InvalidDataException(file);
    }

    private sealed record Template(string CategoryCode, TicketType TicketType, string RequesterKind, string Title, string Description);
    private sealed record Names(List<string> Surnames, List<string> GivenNames);
    private sealed record Enterprise(string Name, string Kind);
}

/// <summary>A demo ticket's number and its access code (查询码), which opens /track.</summary>
public sealed record DemoAccessCode(string Number, string Code);
