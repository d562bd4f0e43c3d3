using Hotline.Domain.Tickets;

namespace Hotline.Server.Tickets;

/// <summary>The body of POST /api/tickets. Everything is nullable so a missing field is a named validation error, not a parse failure.</summary>
public sealed record RegisterTicketRequest(
    TicketType? Type,
    Channel? Channel,
    Priority? Priority,
    RequesterRequest? Requester,
    string? Title,
    string? Description,
    string? CategoryCode,
    string? DistrictCode,
    string? Address,
    List<string>? Tags,
    string? IntakeAnswer = null,
    long? IntakeArticleId = null,
    int? IntakeArticleVersion = null)
{
    public (TicketDraft? Draft, List<FieldError> Errors) ToDraft()
    {
        var errors = new List<FieldError>();
        if (Type is null) errors.Add(new("type", ErrorCodes.Required));
        if (Channel is null) errors.Add(new("channel", ErrorCodes.Required));
        if (Requester is null) errors.Add(new("requester", ErrorCodes.Required));
        else if (Requester.Kind is null) errors.Add(new("requester.kind", ErrorCodes.Required));
        if (errors.Count > 0)
            return (null, errors);

        return (new TicketDraft
        {
            Type = Type!.Value,
            Channel = Channel!.Value,
            Priority = Priority ?? Domain.Tickets.Priority.Normal,
            Requester = new Requester
            {
                Kind = Requester!.Kind!.Value,
                Name = Requester.Name?.Trim() ?? "",
                Phone = Requester.Phone?.Trim() ?? "",
                Email = NullIfBlank(Requester.Email),
                CreditCode = NullIfBlank(Requester.CreditCode)?.ToUpperInvariant(),
                ContactPerson = NullIfBlank(Requester.ContactPerson),
                Confidential = Requester.Confidential ?? false,
            },
            Title = Title?.Trim() ?? "",
            Description = Description?.Trim() ?? "",
            CategoryCode = CategoryCode?.Trim() ?? "",
            DistrictCode = NullIfBlank(DistrictCode),
            Address = NullIfBlank(Address),
            Tags = Tags?.Select(t => t?.Trim() ?? "").ToList() ?? [],
        }, errors);
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

public sealed record RequesterRequest(
    RequesterKind? Kind, string? Name, string? Phone, string? Email, string? CreditCode, string? ContactPerson, bool? Confidential);

public sealed record PersonRef(string Id, string Name);

public sealed record DepartmentRef(string Code, string Name);

/// <summary>One ticket as a viewer may see it (confidential requesters masked), with the actions the viewer may take now.</summary>
public sealed record TicketView(
    string Number,
    TicketType Type,
    Channel Channel,
    Priority Priority,
    TicketStatus Status,
    Requester Requester,
    string Title,
    string Description,
    string CategoryCode,
    string? CategoryName,
    string? DistrictCode,
    string? Address,
    IReadOnlyList<string> Tags,
    PersonRef Owner,
    DepartmentRef? AssignedDepartment,
    bool AtEnterpriseDesk,
    IReadOnlyList<string> CoHandlingDepartmentCodes,
    string? IntakeAnswer,
    ReplyResult? ReplyResult,
    string? Resolution,
    int ReturnCount,
    IReadOnlyList<string> ReturnedBy,
    int ReopenCount,
    DateTimeOffset? PendingExtensionDeadline,
    DateTimeOffset? ExtendedDeadline,
    IReadOnlyList<int> OpenSupervisionOrders,
    bool InLeaderQueue,
    string? LeaderInstructions,
    string? MasterNumber,
    DateTimeOffset? AwaitingRequesterSince,
    bool Overdue,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? DispatchedAt,
    DateTimeOffset? SignedForAt,
    DateTimeOffset? RepliedAt,
    DateTimeOffset? ClosedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    IReadOnlyList<string> AllowedActions);

public sealed record TicketSummary(
    string Number,
    TicketType Type,
    Priority Priority,
    TicketStatus Status,
    string Title,
    string CategoryCode,
    string? DistrictCode,
    string? AssignedDepartmentCode,
    string RequesterName,
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt,
    int Version)
{
    public Channel Channel { get; init; }

    /// <summary>超期: a deadline of this department round passed.</summary>
    public bool Overdue { get; init; }

    /// <summary>The latest rating (好差评), if any.</summary>
    public RatingLevel? Rating { get; init; }
}

public sealed record TicketPage(IReadOnlyList<TicketSummary> Items, string? NextCursor);

public sealed record TicketEventView(
    long Sequence,
    int Version,
    string Action,
    TicketStatus? From,
    TicketStatus To,
    PersonRef Actor,
    string ActorRole,
    DateTimeOffset OccurredAt,
    TicketChange Change);

public sealed record AttachmentView(long Id, string FileName, string ContentType, long Size, string Sha256, string UploadedBy, DateTimeOffset UploadedAt);
