using Hotline.Domain.Access;
using Hotline.Domain.Knowledge;
using Hotline.Domain.Policies;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Knowledge;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Hotline.Server.Enterprises;

public sealed record EnterpriseView(
    string CreditCode, string Name, string? Industry, string? DistrictCode, EnterpriseSize? Size, RegistrationType? RegistrationType,
    IReadOnlyList<string> Tags, string? ContactPerson, string? Phone, string? Email, bool Subscribed, DateTimeOffset? UnsubscribedAt,
    DateTimeOffset? BouncedAt, string Source, DateTimeOffset CreatedAt)
{
    public static EnterpriseView Of(Enterprise e) => new(e.CreditCode, e.Name, e.Industry, e.DistrictCode, e.Size, e.RegistrationType, e.Tags,
        e.ContactPerson, e.Phone, e.Email, e.Subscribed, e.UnsubscribedAt, e.BouncedAt, e.Source, e.CreatedAt);
}

/// <summary>An email of a policy to an enterprise, as its history and portrait show it.</summary>
public sealed record DeliveryView(long PolicyId, string PolicyTitle, string Email, DateTimeOffset QueuedAt, DateTimeOffset? ClickedAt, int Clicks, string? Status);

public sealed record RejectedRow(int Row, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>A good row of an import left out because a later row of the same file has the same credit code (the later one is stored).</summary>
public sealed record SupersededRow(int Row, int By, string CreditCode);

public sealed record ImportReport(int Rows, int Added, int Updated, IReadOnlyList<RejectedRow> Rejected, IReadOnlyList<SupersededRow> Superseded);

/// <summary>
/// 企业库: every enterprise that contacted us (entered by the knowledge feedback from tickets) and those imported from
/// CSV or .xlsx, with what matching needs and the consent to policy emails.
/// </summary>
public sealed class EnterpriseLibrary(IDbContextFactory<HotlineDbContext> contexts, ReferenceData reference, CityClock clock)
{
    public const int MaxImportRows = 100_000;

    public async Task<IReadOnlyList<EnterpriseView>> ListAsync(string? query, int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.Enterprises.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query))
        {
            var t = query.Trim();
            var upper = t.ToUpperInvariant();
            q = q.Where(e => e.CreditCode.StartsWith(upper) || e.Name.Contains(t));
        }
        return (await q.OrderBy(e => e.CreditCode).Take(Math.Clamp(max, 1, 1000)).ToListAsync(ct)).Select(EnterpriseView.Of).ToList();
    }

    public async Task<EnterpriseView?> GetAsync(string creditCode, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var code = creditCode.ToUpperInvariant();
        var e = await db.Enterprises.AsNoTracking().FirstOrDefaultAsync(x => x.CreditCode == code, ct);
        return e is null ? null : EnterpriseView.Of(e);
    }

    /// <summary>The policies pushed to an enterprise, newest first: for the agent's view of a calling enterprise and its portrait.</summary>
    public async Task<IReadOnlyList<DeliveryView>> DeliveriesAsync(string creditCode, CancellationToken ct, int max = 50)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var code = creditCode.ToUpperInvariant();
        return await db.PolicyDeliveries.AsNoTracking().Where(d => d.CreditCode == code).OrderByDescending(d => d.Id).Take(max)
            .Join(db.Policies, d => d.PolicyId, p => p.Id, (d, p) => new { d, p.Title })
            .Select(x => new DeliveryView(x.d.PolicyId, x.Title, x.d.Email, x.d.QueuedAt, x.d.ClickedAt, x.d.Clicks,
                db.OutboxEmails.Where(o => o.MessageId == x.d.MessageId).Select(o => o.Status.ToString()).FirstOrDefault()))
            .ToListAsync(ct);
    }

    public async Task<EnterpriseView> SaveAsync(EnterpriseRecord record, Actor actor, CancellationToken ct)
    {
        RequirePolicyEditor(actor);
        var errors = record.Validate(reference.IsDistrict);
        if (errors.Count > 0)
            throw new RequestValidationException(errors);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var code = record.CreditCode!.Trim().ToUpperInvariant();
        var e = await db.Enterprises.FirstOrDefaultAsync(x => x.CreditCode == code, ct);
        if (e is null)
            db.Enterprises.Add(e = new Enterprise { CreditCode = code, Name = "", Source = "import", CreatedAt = clock.Now });
        Apply(e, record);
        await db.SaveChangesAsync(ct);
        return EnterpriseView.Of(e);
    }

    /// <summary>订阅/退订 by staff (the enterprise asked on the phone) or through the signed unsubscribe link.</summary>
    public async Task<bool> SetSubscribedAsync(string creditCode, bool subscribed, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var code = creditCode.ToUpperInvariant();
        var e = await db.Enterprises.FirstOrDefaultAsync(x => x.CreditCode == code, ct);
        if (e is null)
            return false;
        e.Subscribed = subscribed;
        e.UnsubscribedAt = subscribed ? null : e.UnsubscribedAt ?? clock.Now;
        e.UpdatedAt = clock.Now;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Imports a CSV or .xlsx file (first row: headers, Chinese or English): rows are validated one by one; the good
    /// ones are added or update the enterprise with the same credit code, the others are reported with their reasons.
    /// </summary>
    public async Task<ImportReport> ImportAsync(Stream file, string fileName, Actor actor, Func<FieldError, string> describe, CancellationToken ct)
    {
        RequirePolicyEditor(actor);
        var type = Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".csv" => ExcelType.CSV,
            ".xlsx" => ExcelType.XLSX,
            _ => throw new RequestValidationException([new("file", PolicyErrors.ImportFormat)]),
        };
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        List<IDictionary<string, object>> rows;
        try
        {
            rows = [.. MiniExcel.Query(buffer, useHeaderRow: true, excelType: type).Cast<IDictionary<string, object>>().Take(MaxImportRows + 1)];
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or FormatException or IOException or System.Xml.XmlException)
        {
            throw new RequestValidationException([new("file", PolicyErrors.ImportFormat)]);
        }
        if (rows.Count > MaxImportRows)
            throw new RequestValidationException([new("file", ErrorCodes.TooMany, MaxImportRows)]);

        var rejected = new List<RejectedRow>();
        var good = new Dictionary<string, (EnterpriseRecord Record, int Row)>(StringComparer.Ordinal);
        var superseded = new List<SupersededRow>();
        for (var i = 0; i < rows.Count; i++)
        {
            var record = Read(rows[i]);
            var errors = record.Validate(reference.IsDistrict);
            if (errors.Count > 0)
            {
                rejected.Add(new(i + 2, errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(describe).ToArray())));
                continue;
            }
            var code = record.CreditCode!.Trim().ToUpperInvariant();
            if (good.TryGetValue(code, out var earlier))
                superseded.Add(new(earlier.Row, i + 2, code)); // a later row of the same code wins, and the report says which it replaced
            good[code] = (record, i + 2);
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        int added = 0, updated = 0;
        foreach (var chunk in good.Chunk(500))
        {
            var codes = chunk.Select(c => c.Key).ToList();
            var known = await db.Enterprises.Where(e => codes.Contains(e.CreditCode)).ToDictionaryAsync(e => e.CreditCode, ct);
            foreach (var (code, (record, _)) in chunk)
            {
                if (!known.TryGetValue(code, out var e))
                {
                    db.Enterprises.Add(e = new Enterprise { CreditCode = code, Name = "", Source = "import", CreatedAt = clock.Now });
                    added++;
                }
                else
                    updated++;
                Apply(e, record);
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        return new ImportReport(rows.Count, added, updated, rejected, superseded);
    }

    private void Apply(Enterprise e, EnterpriseRecord r)
    {
        var email = string.IsNullOrWhiteSpace(r.Email) ? null : r.Email.Trim();
        if (!string.Equals(email, e.Email, StringComparison.OrdinalIgnoreCase))
            e.BouncedAt = null; // a new address gets a new chance
        e.Name = r.Name!.Trim();
        e.Industry = Gb4754.Parse(r.Industry);
        e.DistrictCode = string.IsNullOrWhiteSpace(r.DistrictCode) ? e.DistrictCode : r.DistrictCode.Trim();
        e.Size = EnterpriseRecord.ParseSize(r.Size);
        e.RegistrationType = EnterpriseRecord.ParseType(r.RegistrationType);
        e.Tags = [.. r.Tags];
        e.ContactPerson = string.IsNullOrWhiteSpace(r.ContactPerson) ? e.ContactPerson : r.ContactPerson.Trim();
        e.Phone = string.IsNullOrWhiteSpace(r.Phone) ? e.Phone : r.Phone.Trim();
        e.Email = email ?? e.Email;
        if (r.Subscribed is { } subscribed && subscribed != e.Subscribed)
        {
            e.Subscribed = subscribed;
            e.UnsubscribedAt = subscribed ? null : clock.Now;
        }
        e.UpdatedAt = clock.Now;
    }

    private EnterpriseRecord Read(IDictionary<string, object> row)
    {
        string? Get(params string[] names)
        {
            foreach (var n in names)
            {
                var key = row.Keys.FirstOrDefault(k => string.Equals(k?.Trim(), n, StringComparison.OrdinalIgnoreCase));
                if (key is not null && row[key] is { } v && Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) is { } s && s.Trim().Length > 0)
                    return s.Trim();
            }
            return null;
        }
        var district = Get("所在区", "区县", "districtCode", "district");
        if (district is not null && !reference.IsDistrict(district))
            district = reference.Districts.Values.FirstOrDefault(d => d.Name == district)?.Code ?? district;
        var subscribed = Get("订阅", "subscribed");
        return new EnterpriseRecord
        {
            CreditCode = Get("统一社会信用代码", "信用代码", "creditCode"),
            Name = Get("企业名称", "名称", "name"),
            Industry = Get("行业门类", "行业", "industry"),
            DistrictCode = district,
            Size = Get("企业规模", "规模", "size"),
            RegistrationType = Get("登记注册类型", "企业类型", "registrationType"),
            Tags = (Get("标签", "tags") ?? "").Split([',', '，', '、', ';', '；', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ContactPerson = Get("联系人", "contactPerson"),
            Phone = Get("电话", "联系电话", "phone"),
            Email = Get("邮箱", "电子邮箱", "email"),
            Subscribed = subscribed is null ? null : subscribed is "是" or "1" or "true" or "True" or "TRUE" or "订阅" or "yes",
        };
    }

    public static void RequirePolicyEditor(Actor actor)
    {
        if (!ArticleLifecycle.IsEditor(actor))
            throw new KnowledgeForbiddenException("edit policies and enterprises");
    }
}
