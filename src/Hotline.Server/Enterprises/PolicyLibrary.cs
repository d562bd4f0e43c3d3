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

namespace Hotline.Server.Enterprises;

/// <summary>A policy as editors write it.</summary>
public sealed record PolicyBody(
    string? Title, string? Summary, string? FullTextUrl, string? DepartmentCode, string? IssuedBy, DateOnly? ValidFrom, DateOnly? ValidTo,
    List<string>? Industries, List<string>? DistrictCodes, List<EnterpriseSize>? Sizes, List<RegistrationType>? RegistrationTypes, List<string>? Tags)
{
    public IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(Title)) errors.Add(new("title", ErrorCodes.Required));
        else if (Title.Length > 200) errors.Add(new("title", ErrorCodes.TooLong, 200));
        if (string.IsNullOrWhiteSpace(Summary)) errors.Add(new("summary", ErrorCodes.Required));
        else if (Summary.Length > ArticleContent.MaxAnswer) errors.Add(new("summary", ErrorCodes.TooLong, ArticleContent.MaxAnswer));
        if (!string.IsNullOrWhiteSpace(FullTextUrl) && (!Uri.TryCreate(FullTextUrl, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || FullTextUrl.Length > 500))
            errors.Add(new("fullTextUrl", KnowledgeErrors.InvalidUrl));
        if (!string.IsNullOrWhiteSpace(DepartmentCode) && !codes.IsDepartment(DepartmentCode))
            errors.Add(new("departmentCode", ErrorCodes.UnknownDepartment, DepartmentCode));
        if (IssuedBy is { Length: > 200 }) errors.Add(new("issuedBy", ErrorCodes.TooLong, 200));
        if (ValidFrom is { } from && ValidTo is { } to && to < from) errors.Add(new("validTo", KnowledgeErrors.ExpiresBeforeEffective));
        if (ValidFrom is { } validFrom && Days.Check("validFrom", validFrom) is { } early) errors.Add(early);
        if (ValidTo is { } validTo && Days.Check("validTo", validTo) is { } late) errors.Add(late);
        for (var i = 0; i < (Industries?.Count ?? 0); i++)
        {
            if (!Gb4754.IsSection(Industries![i]))
                errors.Add(new($"industries[{i}]", PolicyErrors.UnknownIndustry, Industries[i]));
        }
        for (var i = 0; i < (DistrictCodes?.Count ?? 0); i++)
        {
            if (!codes.IsDistrict(DistrictCodes![i]))
                errors.Add(new($"districtCodes[{i}]", ErrorCodes.UnknownDistrict, DistrictCodes[i]));
        }
        if ((Tags?.Count ?? 0) > 20) errors.Add(new("tags", ErrorCodes.TooMany, 20));
        return errors;
    }
}

public sealed record PolicyView(
    long Id, string Title, string Summary, string SummaryHtml, string? FullTextUrl, string? DepartmentCode, string IssuedBy, DateOnly? ValidFrom,
    DateOnly? ValidTo, IReadOnlyList<string> Industries, IReadOnlyList<string> DistrictCodes, IReadOnlyList<EnterpriseSize> Sizes,
    IReadOnlyList<RegistrationType> RegistrationTypes, IReadOnlyList<string> Tags, int Clicks, int Delivered, DateTimeOffset UpdatedAt);

/// <summary>Who a policy reaches: how many match, how many of those may be emailed, and the first of them.</summary>
public sealed record MatchPreview(int Matched, int CanEmail, int AlreadySent, IReadOnlyList<EnterpriseView> Enterprises);

/// <summary>涉企政策库: the policies, their audience and the preview of the enterprises they match.</summary>
public sealed class PolicyLibrary(IDbContextFactory<HotlineDbContext> contexts, ReferenceData reference, CityClock clock)
{
    public async Task<IReadOnlyList<PolicyView>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Policies.AsNoTracking().OrderByDescending(p => p.Id).Take(500)
            .Select(p => new { p, Delivered = db.PolicyDeliveries.Count(d => d.PolicyId == p.Id) }).ToListAsync(ct);
        return [.. rows.Select(r => View(r.p, r.Delivered))];
    }

    public async Task<PolicyView> GetAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var p = await db.Policies.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new KnowledgeNotFoundException($"Policy {id}");
        return View(p, await db.PolicyDeliveries.CountAsync(d => d.PolicyId == id, ct));
    }

    public async Task<PolicyView> SaveAsync(long? id, PolicyBody body, Actor actor, CancellationToken ct)
    {
        EnterpriseLibrary.RequirePolicyEditor(actor);
        var errors = body.Validate(reference);
        if (errors.Count > 0)
            throw new RequestValidationException(errors);
        await using var db = await contexts.CreateDbContextAsync(ct);
        Policy p;
        if (id is { } existing)
            p = await db.Policies.FirstOrDefaultAsync(x => x.Id == existing, ct) ?? throw new KnowledgeNotFoundException($"Policy {existing}");
        else
            db.Policies.Add(p = new Policy { Title = "", Summary = "", CreatedAt = clock.Now });
        p.Title = body.Title!.Trim();
        p.Summary = body.Summary!.Trim();
        p.FullTextUrl = string.IsNullOrWhiteSpace(body.FullTextUrl) ? null : body.FullTextUrl.Trim();
        p.DepartmentCode = string.IsNullOrWhiteSpace(body.DepartmentCode) ? null : body.DepartmentCode;
        p.IssuedBy = string.IsNullOrWhiteSpace(body.IssuedBy) ? null : body.IssuedBy.Trim();
        p.ValidFrom = body.ValidFrom;
        p.ValidTo = body.ValidTo;
        p.Industries = [.. body.Industries ?? []];
        p.DistrictCodes = [.. body.DistrictCodes ?? []];
        p.Sizes = [.. body.Sizes ?? []];
        p.RegistrationTypes = [.. body.RegistrationTypes ?? []];
        p.Tags = [.. (body.Tags ?? []).Select(t => t.Trim()).Where(t => t.Length > 0)];
        p.UpdatedAt = clock.Now;
        p.UpdatedBy = actor.Name;
        await db.SaveChangesAsync(ct);
        return View(p, 0);
    }

    /// <summary>The preview before a push: every matching enterprise counted, the first <paramref name="max"/> listed.</summary>
    public async Task<MatchPreview> PreviewAsync(long id, int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var policy = await db.Policies.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new KnowledgeNotFoundException($"Policy {id}");
        var audience = policy.Audience();
        var sent = (await db.PolicyDeliveries.AsNoTracking().Where(d => d.PolicyId == id).Select(d => d.CreditCode).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        int matched = 0, canEmail = 0, already = 0;
        var list = new List<EnterpriseView>();
        string? after = null;
        while (true)
        {
            var page = await Page(db, after, 2000).ToListAsync(ct);
            foreach (var e in page)
            {
                if (!PolicyMatching.Matches(audience, e.Profile()))
                    continue;
                matched++;
                if (PolicyMatching.CanEmail(e.Profile()))
                    canEmail++;
                if (sent.Contains(e.CreditCode))
                    already++;
                if (list.Count < max)
                    list.Add(EnterpriseView.Of(e));
            }
            if (page.Count < 2000)
                break;
            after = page[^1].CreditCode;
        }
        return new MatchPreview(matched, canEmail, already, list);
    }

    /// <summary>Enterprises in credit-code order after <paramref name="after"/>: the walk of previews and pushes.</summary>
    public static IQueryable<Enterprise> Page(HotlineDbContext db, string? after, int size) =>
#pragma warning disable CA1309 // translated to SQL's ">" on the column; ordinal in both databases for ASCII credit codes
        db.Enterprises.AsNoTracking().Where(e => after == null || string.Compare(e.CreditCode, after) > 0).OrderBy(e => e.CreditCode).Take(size);
#pragma warning restore CA1309

    public string IssuedBy(Policy p) => p.IssuedBy ?? (p.DepartmentCode is { } d && reference.Departments.TryGetValue(d, out var dept) ? dept.Name : "");

    private PolicyView View(Policy p, int delivered) => new(p.Id, p.Title, p.Summary, KnowledgeMarkdown.ToHtml(p.Summary), p.FullTextUrl, p.DepartmentCode, IssuedBy(p),
        p.ValidFrom, p.ValidTo, p.Industries, p.DistrictCodes, p.Sizes, p.RegistrationTypes, p.Tags, p.Clicks, delivered, p.UpdatedAt);
}
