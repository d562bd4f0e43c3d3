namespace Hotline.Domain.Tickets;

/// <summary>Everything an agent or an integration supplies when registering a ticket (登记工单).</summary>
public sealed record TicketDraft
{
    public required TicketType Type { get; init; }
    public required Channel Channel { get; init; }
    public required Priority Priority { get; init; }
    public required Requester Requester { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }
    public required string CategoryCode { get; init; }
    public string? DistrictCode { get; init; }
    public string? Address { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
}
