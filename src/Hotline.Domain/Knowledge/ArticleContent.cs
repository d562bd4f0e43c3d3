using Hotline.Domain.Tickets;

namespace Hotline.Domain.Knowledge;

/// <summary>A link an article cites (the policy's full text, a service page).</summary>
public sealed record ArticleLink(string Title, string Url);

/// <summary>
/// What an editor writes: the article's content, one version of it. Stored whole with every version, so the history
/// shows who changed what and the diff view compares any two versions.
/// </summary>
public sealed record ArticleContent
{
    public const int MaxTitle = 200;
    public const int MaxAnswer = 20_000;
    public const int MaxQuestions = 30;
    public const int MaxList = 20;

    public required string Title { get; init; }
    /// <summary>同义问法: other ways callers ask the same thing.</summary>
    public IReadOnlyList<string> Questions { get; init; } = [];
    /// <summary>The answer, in Markdown.</summary>
    public required string Answer { get; init; }
    /// <summary>法律依据: the rules the answer rests on.</summary>
    public string? LegalBasis { get; init; }
    public IReadOnlyList<ArticleLink> Links { get; init; } = [];
    public IReadOnlyList<string> CategoryCodes { get; init; } = [];
    public IReadOnlyList<string> DepartmentCodes { get; init; } = [];
    public IReadOnlyList<string> DistrictCodes { get; init; } = [];
    public IReadOnlyList<string> Tags { get; init; } = [];
    public DateOnly? EffectiveFrom { get; init; }
    public DateOnly? ExpiresOn { get; init; }
    /// <summary>Where the content comes from (a document and its article, a ticket's answer).</summary>
    public string? Source { get; init; }

    public IReadOnlyList<FieldError> Validate(IReferenceCodes codes)
    {
        var errors = new List<FieldError>();
        Text(errors, "title", Title, MaxTitle, required: true);
        Text(errors, "answer", Answer, MaxAnswer, required: true);
        Text(errors, "legalBasis", LegalBasis, TicketChange.MaxText, required: false);
        Text(errors, "source", Source, 500, required: false);
        if (Questions.Count > MaxQuestions)
            errors.Add(new("questions", ErrorCodes.TooMany, MaxQuestions));
        for (var i = 0; i < Questions.Count; i++)
            Text(errors, $"questions[{i}]", Questions[i], MaxTitle, required: true);
        if (Links.Count > MaxList)
            errors.Add(new("links", ErrorCodes.TooMany, MaxList));
        for (var i = 0; i < Links.Count; i++)
        {
            Text(errors, $"links[{i}].title", Links[i].Title, MaxTitle, required: true);
            if (!Uri.TryCreate(Links[i].Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                errors.Add(new($"links[{i}].url", KnowledgeErrors.InvalidUrl));
        }
        Codes(errors, "categoryCodes", CategoryCodes, codes.IsCategory, ErrorCodes.UnknownCategory);
        Codes(errors, "departmentCodes", DepartmentCodes, codes.IsDepartment, ErrorCodes.UnknownDepartment);
        Codes(errors, "districtCodes", DistrictCodes, codes.IsDistrict, ErrorCodes.UnknownDistrict);
        if (Tags.Count > MaxList)
            errors.Add(new("tags", ErrorCodes.TooMany, MaxList));
        for (var i = 0; i < Tags.Count; i++)
            Text(errors, $"tags[{i}]", Tags[i], 30, required: true);
        if (EffectiveFrom is { } from && ExpiresOn is { } to && to < from)
            errors.Add(new("expiresOn", KnowledgeErrors.ExpiresBeforeEffective));
        if (EffectiveFrom is { } effective && Days.Check("effectiveFrom", effective) is { } early)
            errors.Add(early);
        if (ExpiresOn is { } expires && Days.Check("expiresOn", expires) is { } late)
            errors.Add(late);
        return errors;
    }

    private static void Text(List<FieldError> errors, string field, string? value, int max, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
                errors.Add(new(field, ErrorCodes.Required));
        }
        else if (value.Length > max)
            errors.Add(new(field, ErrorCodes.TooLong, max));
    }

    private static void Codes(List<FieldError> errors, string field, IReadOnlyList<string> values, Func<string, bool> known, string code)
    {
        if (values.Count > MaxList)
            errors.Add(new(field, ErrorCodes.TooMany, MaxList));
        for (var i = 0; i < values.Count; i++)
        {
            if (!known(values[i]))
                errors.Add(new($"{field}[{i}]", code, values[i]));
        }
    }
}

public static class KnowledgeErrors
{
    public const string InvalidUrl = "InvalidUrl";
    public const string ExpiresBeforeEffective = "ExpiresBeforeEffective";
    public const string ArticleNotAnswerable = "ArticleNotAnswerable";
    public const string UnknownArticle = "UnknownArticle";
    public const string ArticleActionNotAllowed = "ArticleActionNotAllowed";
    public const string ProposalDecided = "ProposalDecided";
    public const string NotOwnDepartment = "NotOwnDepartment";
    public const string SynonymGroupSize = "SynonymGroupSize";
}
