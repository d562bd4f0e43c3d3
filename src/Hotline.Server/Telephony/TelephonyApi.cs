using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Live;
using Hotline.Server.Problems;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.SignalR;

namespace Hotline.Server.Telephony;

/// <summary>The body of POST /api/telephony/incoming: who calls, and which agent (by user name or extension) answers.</summary>
public sealed record IncomingCallRequest(string? CallerPhone, string? Agent, string? Extension, string? CallId);

public sealed record IncomingCallAccepted(string CallId, string AgentUserName, string CallerPhone, int HistoryCount, int OpenConsoles);

/// <summary>
/// 来电弹屏: the telephony system (CTI) tells Hotline that a call is ringing at an agent; the agent's screen shows the
/// caller's earlier tickets at once, on the open console and to the agent's hub connections (<see cref="ITicketsClient.IncomingCall"/>).
/// </summary>
public static class TelephonyApi
{
    public const int MaxCallId = 100;

    public static IServiceCollection AddTelephony(this IServiceCollection services) =>
        services.AddSingleton<IncomingCalls>().AddSingleton<AgentSeats>().AddSingleton<CallerHistory>()
            .AddSingleton<Tickets.TicketConsole>()
            .AddSingleton<IncomingCallRelay>().AddHostedService(sp => sp.GetRequiredService<IncomingCallRelay>());

    public static void MapTelephony(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/telephony/incoming", async (IncomingCallRequest body, AgentSeats seats, CallerHistory history, IncomingCallRelay relay,
            CityClock clock, ILogger<IncomingCallRequest> logger, CancellationToken ct) =>
        {
            var errors = new List<FieldError>();
            var phone = PhoneNumbers.Normalize(body.CallerPhone);
            if (string.IsNullOrWhiteSpace(body.CallerPhone))
                errors.Add(new("callerPhone", ErrorCodes.Required));
            else if (phone is null)
                errors.Add(new("callerPhone", ErrorCodes.InvalidPhone));
            if (string.IsNullOrWhiteSpace(body.CallId))
                errors.Add(new("callId", ErrorCodes.Required));
            else if (body.CallId.Length > MaxCallId)
                errors.Add(new("callId", ErrorCodes.TooLong, MaxCallId));
            var agent = body.Agent?.Trim();
            var extension = body.Extension?.Trim();
            if (string.IsNullOrEmpty(agent) && string.IsNullOrEmpty(extension))
                errors.Add(new("agent", "AgentOrExtensionRequired"));
            else if (!string.IsNullOrEmpty(extension) && !AgentSeats.IsValidExtension(extension))
                errors.Add(new("extension", "InvalidExtension"));
            if (errors.Count > 0)
                throw new RequestValidationException(errors);

            // The user name wins when both are sent: it names a person, an extension only a desk.
            var seat = !string.IsNullOrEmpty(agent) ? await seats.FindByUserNameAsync(agent) : await seats.FindByExtensionAsync(extension!);
            if (seat is null || !AgentSeats.AnsweringRoles.Contains(seat.Actor.Role))
                throw new ReferenceNotFoundException([!string.IsNullOrEmpty(agent)
                    ? new FieldError("agent", "UnknownAgent", agent)
                    : new FieldError("extension", "UnknownExtension", extension!)]);

            var tickets = await history.ForPhoneAsync(phone!, seat.Actor, ct);
            var call = new IncomingCallMessage(1, body.CallId!.Trim(), phone!, seat.UserName, clock.Now, tickets,
                await history.HasConfidentialMatterAsync(phone!, seat.Actor, ct));
            var consoles = relay.Pop(seat.UserId, call);
            logger.LogInformation("Incoming call {CallId} popped for user {UserId} on {Consoles} consoles with {Count} earlier tickets",
                call.CallId, seat.UserId, consoles, tickets.Count);
            return TypedResults.Accepted((string?)null, new IncomingCallAccepted(call.CallId, seat.UserName, phone!, tickets.Count, consoles));
        })
        .WithTags("Telephony")
        .RequireAuthorization(p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireRole(Domain.Access.Roles.Agent, Domain.Access.Roles.Dispatcher, Domain.Access.Roles.Supervisor, Domain.Access.Roles.Admin))
        .WithSummary("Incoming call (来电弹屏): pop the caller's earlier tickets on the agent's screen")
        .WithDescription("API key only. Body: callerPhone, agent (user name) or extension (分机号, set by the agent in the console), callId. " +
            "The agent's open console shows the caller's history within a second and pre-fills the phone; hub clients of that user get IncomingCall. " +
            "An unknown agent or extension is 422 with the field named.");
    }
}
