using System.Globalization;
using Hotline.Domain.Access;
using Hotline.Domain.Analytics;
using Hotline.Domain.Tickets;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Hotline.Server.Common;
using Hotline.Server.Tickets;

namespace Hotline.Server.Analytics;

/// <summary>
/// The query string every analytics endpoint and page shares: the period (<c>period</c> = day, week, month, quarter,
/// year with any <c>date</c> inside it, or <c>from</c>/<c>to</c> for a range) and the dimensions. The drill-down adds
/// <c>counter</c>: which counter's tickets to list.
/// </summary>
public sealed record AnalyticsQuery(
    string? Period = null, string? Date = null, string? From = null, string? To = null,
    string? Department = null, string? District = null, string? Category = null, string? Type = null, string? Channel = null,
    string? RequesterKind = null, string? Word = null)
{
    /// <summary>The same query as a query string (for links from a figure to its tickets).</summary>
    public string ToQueryString(params (string Name, string? Value)[] extra)
    {
        var pairs = new (string, string?)[]
        {
            ("period", Period), ("date", Date), ("from", From), ("to", To), ("department", Department), ("district", District),
            ("category", Category), ("type", Type), ("channel", Channel), ("requesterKind", RequesterKind), ("word", Word),
        }.Concat(extra).Where(p => !string.IsNullOrEmpty(p.Item2));
        return string.Join('&', pairs.Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
    }
}

/// <summary>A parsed, checked <see cref="AnalyticsQuery"/>: the period and the dimension values to keep.</summary>
public sealed record AnalyticsFilter(
    Period Period, string? Department, string? District, string? Category, IReadOnlyList<string>? CategoryCodes,
    TicketType? Type, Channel? Channel, RequesterKind? RequesterKind, string? Word = null)
{
    public FigureScope Scope => Department is null ? FigureScope.Centre : FigureScope.Department;

    /// <summary>Every ticket of the city in the period: no department, dimension or topic word filtered.</summary>
    public bool IsWholeCentre =>
        this is { Department: null, District: null, Category: null, CategoryCodes: null, Type: null, Channel: null, RequesterKind: null, Word: null };

    public AnalyticsFilter WithPeriod(Period period) => this with { Period = period };

    /// <summary>Back to a query string, for links and the next request.</summary>
    public AnalyticsQuery ToQuery() => new(
        Period.Kind.ToString().ToLowerInvariant(), Period.Kind == PeriodKind.Range ? null : Period.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Period.Kind == PeriodKind.Range ? Period.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        Period.Kind == PeriodKind.Range ? Period.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        Department, District, Category, Type?.ToString(), Channel?.ToString(), RequesterKind?.ToString(), Word);

    /// <summary>
    /// Parses and checks the query (400 naming the field), and applies department isolation: a department handler's
    /// figures are their department's, whatever they ask; asking for another department's is refused (null: 404).
    /// </summary>
    public static AnalyticsFilter? Parse(AnalyticsQuery q, Actor actor, ReferenceData reference, CityClock clock)
    {
        var errors = new List<FieldError>();
        var kind = System.Enum.TryParse<PeriodKind>(q.Period ?? (q.From is not null ? "range" : "month"), ignoreCase: true, out var k) && !int.TryParse(q.Period, out _)
            ? k : Fail<PeriodKind>(errors, "period");
        Period? period = null;
        if (kind == PeriodKind.Range)
        {
            var from = Day(q.From, "from", errors, required: true);
            var to = Day(q.To, "to", errors, required: true);
            if (from is { } f && to is { } t)
            {
                if (t < f)
                    errors.Add(new("to", "OutOfRange", q.From!, "9999-12-31"));
                else if (t.DayNumber - f.DayNumber > 366 * 5)
                    errors.Add(new("to", "OutOfRange", q.From!, f.AddYears(5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                else
                    period = Domain.Analytics.Period.Range(f, t);
            }
        }
        else if (Day(q.Date, "date", errors, required: false) is var day && errors.Count == 0)
        {
            period = Domain.Analytics.Period.Of(kind, day ?? clock.Today);
        }

        var department = string.IsNullOrWhiteSpace(q.Department) ? null : q.Department.Trim();
        if (actor.IsDepartmentHandler)
        {
            if (department is not null && department != actor.DepartmentCode)
                return null;
            department = actor.DepartmentCode;
        }
        if (department is not null && !reference.IsDepartment(department))
            errors.Add(new("department", ErrorCodes.UnknownDepartment, department));
        var district = string.IsNullOrWhiteSpace(q.District) ? null : q.District.Trim();
        if (district is not null && !reference.IsDistrict(district))
            errors.Add(new("district", ErrorCodes.UnknownDistrict, district));
        var category = string.IsNullOrWhiteSpace(q.Category) ? null : q.Category.Trim();
        IReadOnlyList<string>? categories = null;
        if (category is not null)
        {
            if (!reference.IsCategory(category))
                errors.Add(new("category", ErrorCodes.UnknownCategory, category));
            else
                categories = Descendants(reference, category);
        }
        var type = ParseEnum<TicketType>(q.Type, "type", errors);
        var channel = ParseEnum<Channel>(q.Channel, "channel", errors);
        var requesterKind = ParseEnum<RequesterKind>(q.RequesterKind, "requesterKind", errors);
        var word = string.IsNullOrWhiteSpace(q.Word) ? null : q.Word.Trim();
        if (word is { Length: > 40 })
            errors.Add(new("word", ErrorCodes.TooLong, 40));
        if (errors.Count > 0)
            throw new RequestValidationException(errors);
        return new(period!, department, district, category, categories, type, channel, requesterKind, word);
    }

    /// <summary>A category and every category under it, at any depth.</summary>
    public static IReadOnlyList<string> Descendants(ReferenceData reference, string code)
    {
        var codes = new List<string> { code };
        for (var i = 0; i < codes.Count; i++)
            codes.AddRange(reference.Categories.Values.Where(c => c.ParentCode == codes[i]).Select(c => c.Code));
        return codes;
    }

    private static DateOnly? Day(string? value, string field, List<FieldError> errors, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
                errors.Add(new(field, ErrorCodes.Required));
            return null;
        }
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return day;
        errors.Add(new(field, "InvalidValue"));
        return null;
    }

    private static T? ParseEnum<T>(string? value, string field, List<FieldError> errors) where T : struct, System.Enum
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (System.Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed) && !int.TryParse(value, out _))
            return parsed;
        errors.Add(new(field, "InvalidValue"));
        return null;
    }

    private static T Fail<T>(List<FieldError> errors, string field)
    {
        errors.Add(new(field, "InvalidValue"));
        return default!;
    }
}
