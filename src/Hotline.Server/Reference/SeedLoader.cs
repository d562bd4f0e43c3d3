using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Sla;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Reference;

/// <summary>
/// Loads seed/ (departments, districts, the category tree, SLA policies, holiday calendars) into the database.
/// Idempotent: rows are matched by their natural key and updated in place, so restarting never duplicates anything,
/// and rows an admin added that are not in seed/ are left alone.
/// </summary>
public sealed class SeedLoader(IDbContextFactory<HotlineDbContext> contexts, ILogger<SeedLoader> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>seed/ is copied next to the binaries at build time.</summary>
    public static string DefaultSeedPath => Path.Combine(AppContext.BaseDirectory, "seed");

    public async Task LoadAsync(string seedPath, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        var departments = await Read<List<DepartmentSeed>>(seedPath, "departments.json", ct);
        await Upsert(db.Departments, departments.Select(d => new Department
        {
            Code = d.Code, Name = d.Name, NameEn = d.NameEn, Kind = d.Kind, HotlinePhone = d.HotlinePhone, HasEnterpriseDesk = d.HasEnterpriseDesk,
            WorkingHours = d.WorkingHours, HeadName = d.HeadName, HeadEmail = d.HeadEmail,
        }), x => x.Code, (to, from) =>
        {
            // Working hours an admin set through the API are kept; the seed only fills them where none are set.
            to.Name = from.Name; to.NameEn = from.NameEn; to.Kind = from.Kind; to.HotlinePhone = from.HotlinePhone; to.HasEnterpriseDesk = from.HasEnterpriseDesk;
            to.WorkingHours ??= from.WorkingHours;
            if (to.HeadEmail is null) // a head an admin set is kept
                (to.HeadName, to.HeadEmail) = (from.HeadName, from.HeadEmail);
        }, ct);
        await db.SaveChangesAsync(ct);

        var districts = await Read<List<DistrictSeed>>(seedPath, "districts.json", ct);
        await Upsert(db.Districts, districts.Select(d => new District
        {
            Code = d.Code, Name = d.Name, NameEn = d.NameEn, Pinyin = d.Pinyin, DepartmentCode = d.DepartmentCode,
        }), x => x.Code, (to, from) =>
        {
            to.Name = from.Name; to.NameEn = from.NameEn; to.Pinyin = from.Pinyin; to.DepartmentCode = from.DepartmentCode;
        }, ct);

        var tree = await Read<List<CategorySeed>>(seedPath, "categories.json", ct);
        await Upsert(db.Categories, Flatten(tree, null), x => x.Code, (to, from) =>
        {
            to.ParentCode = from.ParentCode; to.Name = from.Name; to.NameEn = from.NameEn; to.Pinyin = from.Pinyin;
            to.DepartmentCode = from.DepartmentCode; to.SortOrder = from.SortOrder;
        }, ct);
        await db.SaveChangesAsync(ct);

        // Policies and calendars are added when missing, never overwritten: admins edit them through the API.
        var policies = await Read<List<SlaPolicySeed>>(seedPath, "sla-policies.json", ct);
        var existing = await db.SlaPolicies.ToListAsync(ct);
        foreach (var p in policies)
        {
            if (existing.Any(x => x.TicketType == p.TicketType && x.Priority == p.Priority && x.CategoryCode == p.CategoryCode))
                continue;
            var row = new SlaPolicy { TicketType = p.TicketType, Priority = p.Priority, CategoryCode = p.CategoryCode, SignForUnit = "", HandlingUnit = "", ReplyToRequesterUnit = "", RevisitUnit = "" };
            db.SlaPolicies.Add(row);
            row.AutoSupervise = p.AutoSupervise ?? true;
            row.EscalateAfterBreachWorkingDays = p.EscalateAfterBreachWorkingDays;
            (row.SignForAmount, row.SignForUnit) = (p.SignFor.Amount, p.SignFor.Unit);
            (row.HandlingAmount, row.HandlingUnit) = (p.Handling.Amount, p.Handling.Unit);
            (row.ReplyToRequesterAmount, row.ReplyToRequesterUnit) = (p.ReplyToRequester.Amount, p.ReplyToRequester.Unit);
            (row.RevisitAmount, row.RevisitUnit) = (p.Revisit.Amount, p.Revisit.Unit);
            row.WarningThresholds = [.. p.WarningThresholds];
            row.Note = p.Note;
        }

        // Routing rules: seeded rules are added when missing but never overwritten, so an admin's edits survive restarts.
        var seededRules = await Read<List<Domain.Routing.RoutingRule>>(seedPath, "routing-rules.json", ct);
        var knownRules = (await db.RoutingRules.Select(r => r.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        db.RoutingRules.AddRange(seededRules.Where(r => !knownRules.Contains(r.Code)).Select(Routing.RoutingRuleRow.From));

        var days = new List<CalendarDay>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(seedPath, "calendars"), "*.json").Order(StringComparer.Ordinal))
        {
            var calendar = await Read<CalendarSeed>(Path.GetDirectoryName(file)!, Path.GetFileName(file), ct);
            foreach (var h in calendar.Holidays)
            {
                for (var d = h.From; d <= h.To; d = d.AddDays(1))
                    days.Add(new CalendarDay { Date = d, Kind = CalendarDayKind.Holiday, Name = h.Name, Year = calendar.Year });
            }
            days.AddRange(calendar.MakeupWorkdays.Select(d => new CalendarDay { Date = d, Kind = CalendarDayKind.MakeupWorkday, Name = "调休上班", Year = calendar.Year }));
        }
        var loadedYears = (await db.CalendarDays.Select(d => d.Year).Distinct().ToListAsync(ct)).ToHashSet();
        db.CalendarDays.AddRange(days.Where(d => !loadedYears.Contains(d.Year)));

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Seed loaded: {Departments} departments, {Districts} districts, {Policies} SLA policies, {CalendarDays} calendar days",
            departments.Count, districts.Count, policies.Count, days.Count);
    }

    private static IEnumerable<Category> Flatten(IEnumerable<CategorySeed> nodes, string? parent)
    {
        var order = 0;
        foreach (var n in nodes)
        {
            yield return new Category
            {
                Code = n.Code, ParentCode = parent, Name = n.Name, NameEn = n.NameEn, Pinyin = n.Pinyin, DepartmentCode = n.DepartmentCode, SortOrder = order++,
            };
            foreach (var child in Flatten(n.Children ?? [], n.Code))
                yield return child;
        }
    }

    private static async Task Upsert<T, TKey>(DbSet<T> set, IEnumerable<T> incoming, Func<T, TKey> key, Action<T, T> update, CancellationToken ct)
        where T : class
        where TKey : notnull
    {
        var existing = (await set.ToListAsync(ct)).ToDictionary(key);
        foreach (var item in incoming)
        {
            if (existing.TryGetValue(key(item), out var row))
                update(row, item);
            else
                set.Add(item);
        }
    }

    private static async Task<T> Read<T>(string folder, string file, CancellationToken ct)
    {
        var path = Path.Combine(folder, file);
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<T>(stream, Json, ct)
            ?? throw new InvalidDataException($"Seed file {path} is empty.");
    }

    private sealed record DepartmentSeed(string Code, string Name, string NameEn, string Kind, string? HotlinePhone, bool HasEnterpriseDesk, string? WorkingHours = null,
        string? HeadName = null, string? HeadEmail = null);
    private sealed record DistrictSeed(string Code, string Name, string NameEn, string DepartmentCode, string Pinyin);
    private sealed record CategorySeed(string Code, string Name, string NameEn, string Pinyin, string DepartmentCode, List<CategorySeed>? Children);
    private sealed record LimitSeed(int Amount, string Unit);
    private sealed record SlaPolicySeed(TicketType TicketType, Priority Priority, LimitSeed SignFor, LimitSeed Handling, LimitSeed ReplyToRequester,
        LimitSeed Revisit, double[] WarningThresholds, string? Note, string? CategoryCode = null, bool? AutoSupervise = null, int? EscalateAfterBreachWorkingDays = null);
    private sealed record HolidaySeed(string Name, DateOnly From, DateOnly To);
    private sealed record CalendarSeed(int Year, List<HolidaySeed> Holidays, List<DateOnly> MakeupWorkdays);
}
