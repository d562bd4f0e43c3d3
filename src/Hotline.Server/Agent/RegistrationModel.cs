using Hotline.Domain.Tickets;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;

namespace Hotline.Server.Agent;

/// <summary>What the agent has typed so far; becomes the same <see cref="RegisterTicketRequest"/> the API takes.</summary>
public sealed class RegistrationModel
{
    public string? Phone { get; set; }
    public string? Name { get; set; }
    public RequesterKind Kind { get; set; } = RequesterKind.Citizen;
    public string? CreditCode { get; set; }
    public string? ContactPerson { get; set; }
    public string? Email { get; set; }
    public bool Confidential { get; set; }
    public TicketType Type { get; set; } = TicketType.Complaint;
    public Channel Channel { get; set; } = Channel.Phone;
    public Priority Priority { get; set; } = Priority.Normal;
    public string? Title { get; set; }
    public string? Description { get; set; }
    public Category? Category { get; set; }
    /// <summary>The category field's text was edited after <see cref="Category"/> was chosen: nothing is chosen until the agent picks again.</summary>
    public bool CategoryTextDiffers { get; set; }
    public District? District { get; set; }
    public string? Address { get; set; }
    /// <summary>Tags separated by commas, 、 or spaces.</summary>
    public string? Tags { get; set; }
    public bool AnswerAtIntake { get; set; }
    public string? IntakeAnswer { get; set; }
    /// <summary>The knowledge-base article the answer was taken from (and the version read), when it was.</summary>
    public long? IntakeArticleId { get; set; }
    public int? IntakeArticleVersion { get; set; }

    /// <summary>One key per form: pressing Ctrl+Enter twice (or a reconnect retry) registers one ticket, not two.</summary>
    public string IdempotencyKey { get; private set; } = NewKey();

    public RegisterTicketRequest ToRequest() => new(
        Type, Channel, Priority,
        new RequesterRequest(Kind, Name, Phone, Email,
            Kind == RequesterKind.Enterprise ? CreditCode : null,
            Kind == RequesterKind.Enterprise ? ContactPerson : null,
            Kind == RequesterKind.Citizen && Confidential),
        Title, Description, CategoryTextDiffers ? null : Category?.Code, District?.Code, Address,
        (Tags ?? "").Split([',', '，', '、', ' ', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        AnswerAtIntake ? IntakeAnswer : null,
        AnswerAtIntake ? IntakeArticleId : null,
        AnswerAtIntake ? IntakeArticleVersion : null);

    /// <summary>A fresh form for the next call; the channel stays (an agent on the phone line takes phone calls).</summary>
    public RegistrationModel Next() => new() { Channel = Channel };

    private static string NewKey() => $"console-{Guid.NewGuid():N}";
}
