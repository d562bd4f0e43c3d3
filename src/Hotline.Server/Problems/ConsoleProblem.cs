using Hotline.Server.Problems;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Hotline.Server.Problems;

/// <summary>
/// A refusal as the console shows it: the same localized problem the API would answer (title, detail, errors keyed by
/// JSON field), from <see cref="ProblemHandler.Describe"/>, so a form marks exactly the fields the API would name.
/// </summary>
public sealed record ConsoleProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors, int? CurrentVersion)
{
    public bool IsConflict => Status == 409;

    /// <summary>Title, detail and every error in one line, for a toast.</summary>
    public string Summary => string.Join(" ", new[] { Title, Detail }.Concat(Errors.SelectMany(e => e.Value)).Where(s => !string.IsNullOrEmpty(s)));

    public string? For(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>Errors not shown at any of <paramref name="shownFields"/>: listed in the form's summary instead.</summary>
    public IEnumerable<string> Others(IEnumerable<string> shownFields)
    {
        var shown = shownFields.ToHashSet(StringComparer.Ordinal);
        return Errors.Where(e => !shown.Contains(e.Key)).SelectMany(e => e.Value.Select(m => e.Key == "$" ? m : $"{e.Key}: {m}"));
    }

    /// <summary>The problem for a refusal; null for a fault (which the caller lets propagate).</summary>
    public static ConsoleProblem? From(Exception exception, IServiceProvider services)
    {
        var handler = services.GetServices<IExceptionHandler>().OfType<ProblemHandler>().FirstOrDefault();
        if (handler?.Describe(exception) is not { } problem)
            return null;
        IReadOnlyDictionary<string, string[]> errors = problem is HttpValidationProblemDetails v ? new Dictionary<string, string[]>(v.Errors) : new Dictionary<string, string[]>();
        var current = problem.Extensions.TryGetValue("currentVersion", out var c) && c is int n ? n : (int?)null;
        return new ConsoleProblem(problem.Status ?? StatusCodes.Status400BadRequest, problem.Title ?? "", problem.Detail, errors, current);
    }
}
