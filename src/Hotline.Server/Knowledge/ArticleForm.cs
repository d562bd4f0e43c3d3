using System.Globalization;
using Hotline.Domain.Knowledge;

namespace Hotline.Server.Knowledge;

/// <summary>What the editor page binds to; becomes the same <see cref="ArticleContent"/> the API takes.</summary>
public sealed class ArticleForm
{
    public string? Title { get; set; }
    /// <summary>One question variant per line.</summary>
    public string? Questions { get; set; }
    public string? Answer { get; set; }
    public string? LegalBasis { get; set; }
    /// <summary>One link per line: a title, a space, the address.</summary>
    public string? Links { get; set; }
    public IReadOnlyCollection<string> CategoryCodes { get; set; } = [];
    public IReadOnlyCollection<string> DepartmentCodes { get; set; } = [];
    public IReadOnlyCollection<string> DistrictCodes { get; set; } = [];
    public string? Tags { get; set; }
    public DateTime? EffectiveFrom { get; set; }
    public DateTime? ExpiresOn { get; set; }
    public string? Source { get; set; }
    public string? Note { get; set; }

    public static ArticleForm From(ArticleContent c) => new()
    {
        Title = c.Title, Questions = string.Join('\n', c.Questions), Answer = c.Answer, LegalBasis = c.LegalBasis,
        Links = string.Join('\n', c.Links.Select(l => $"{l.Title} {l.Url}")), CategoryCodes = [.. c.CategoryCodes], DepartmentCodes = [.. c.DepartmentCodes],
        DistrictCodes = [.. c.DistrictCodes], Tags = string.Join('，', c.Tags), EffectiveFrom = c.EffectiveFrom?.ToDateTime(TimeOnly.MinValue),
        ExpiresOn = c.ExpiresOn?.ToDateTime(TimeOnly.MinValue), Source = c.Source,
    };

    public ArticleContent ToContent() => new()
    {
        Title = Title?.Trim() ?? "",
        Questions = Lines(Questions),
        Answer = Answer?.Trim() ?? "",
        LegalBasis = string.IsNullOrWhiteSpace(LegalBasis) ? null : LegalBasis.Trim(),
        Links = [.. Lines(Links).Select(l =>
        {
            var space = l.LastIndexOf(' ');
            return space > 0 ? new ArticleLink(l[..space].Trim(), l[(space + 1)..].Trim()) : new ArticleLink(l, l);
        })],
        CategoryCodes = [.. CategoryCodes],
        DepartmentCodes = [.. DepartmentCodes],
        DistrictCodes = [.. DistrictCodes],
        Tags = [.. (Tags ?? "").Split([',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        EffectiveFrom = EffectiveFrom is { } f ? DateOnly.FromDateTime(f) : null,
        ExpiresOn = ExpiresOn is { } e ? DateOnly.FromDateTime(e) : null,
        Source = string.IsNullOrWhiteSpace(Source) ? null : Source.Trim(),
    };

    private static List<string> Lines(string? text) =>
        [.. (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public static string Date(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
}
