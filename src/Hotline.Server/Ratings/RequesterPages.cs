using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Problems;
using Hotline.Server.Reference;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Ratings;

/// <summary>What the rating page shows for a link.</summary>
public enum RatePageState
{
    /// <summary>Not a link we signed (malformed, tampered, forged): 400.</summary>
    Invalid,
    /// <summary>Signed but past its date: 410.</summary>
    Expired,
    /// <summary>The ticket was reopened since the link was sent; a newer link asks for the new round's rating: 410.</summary>
    Outdated,
    /// <summary>The ticket cannot be rated now (not answered in this round).</summary>
    NotAnswered,
    /// <summary>The form.</summary>
    Open,
    /// <summary>This round's rating is on record: shown, not asked again.</summary>
    Rated,
}

public sealed record RatePage(RatePageState State, string? Number = null, string? Title = null, string? DepartmentName = null, string? Reply = null,
    IReadOnlyList<RatingLevel>? Levels = null, RatingRow? Rating = null, IReadOnlyList<FieldError>? Errors = null);

/// <summary>One entry of the timeline a requester may see on the self-service page.</summary>
/// <param name="TextIsKey">The text is itself a message key (a rating level), shown in the page's language.</param>
public sealed record TrackEntry(DateTimeOffset At, string Key, string? Text, bool TextIsKey = false);

public sealed record TrackPage(string Number, string Title, TicketStatus Status, bool AwaitingRequester, string? AwaitingReason, IReadOnlyList<TrackEntry> Timeline);

/// <summary>
/// The logic behind the public pages (no login): the rating page reached through a signed link, and the self-service
/// page (自助查询) opened with the ticket number and its access code. Only what a requester may see leaves here: the
/// timeline is a whitelist of events; internal notes, progress, supervision, returns and leaders' instructions never do.
/// </summary>
public sealed class RequesterPages(HotlineDbContext db, RequesterLinks links, AccessCodes codes, TicketActions actions, RequesterMessages messages,
    ReferenceData reference, IOptions<RatingOptions> options, CityClock clock, Security.IAttemptLimiter attempts, IOptions<Security.SecurityOptions> security)
{
    /// <summary>
    /// The answer that was rated, once an unsatisfied rating has reopened the ticket for rectification (which clears the
    /// ticket's current answer): the thank-you page still shows what the requester rated.
    /// </summary>
    private async Task<string?> RatedAnswerAsync(Ticket ticket, CancellationToken ct)
    {
        var answers = await db.TicketEvents.AsNoTracking()
            .Where(e => e.TicketId == ticket.Id && (e.Action == TicketAction.Reply || e.Action == TicketAction.AnswerWithMaster))
            .OrderByDescending(e => e.Version).Select(e => e.Change).Take(1).ToListAsync(ct);
        return answers.FirstOrDefault() switch
        {
            Replied r => r.Resolution,
            AnsweredWithMaster m => m.Resolution,
            _ => null,
        };
    }

    public async Task<RatePage> RatePageAsync(string? token, CancellationToken ct)
    {
        var read = links.ReadRatingToken(token);
        if (read.Status == RatingTokenStatus.Invalid)
            return new(RatePageState.Invalid);
        if (read.Status == RatingTokenStatus.Expired)
            return new(RatePageState.Expired, read.Number);
        var ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Number == read.Number, ct);
        if (ticket is null || read.Round > RequesterLinks.RoundOf(ticket))
            return new(RatePageState.Invalid); // signed by us, yet no such ticket or round: not a link we sent
        var rating = await db.Ratings.AsNoTracking().FirstOrDefaultAsync(r => r.TicketId == ticket.Id && r.Round == read.Round, ct);
        var page = new RatePage(RatePageState.Open, ticket.Number, ticket.Title, DepartmentName(rating?.DepartmentCode ?? ticket.AssignedDepartmentCode),
            ticket.Resolution ?? ticket.IntakeAnswer ?? await RatedAnswerAsync(ticket, ct), RatingRules.Levels(options.Value.Scale), rating);
        if (rating is not null)
            return page with { State = RatePageState.Rated };
        if (read.Round < RequesterLinks.RoundOf(ticket))
            return page with { State = RatePageState.Outdated };
        return TicketWorkflow.For(TicketAction.Rate).From.Contains(ticket.Status) ? page : page with { State = RatePageState.NotAnswered };
    }

    /// <summary>Records the rating once; a second submission (or a lost race) shows the rating on record.</summary>
    public async Task<RatePage> RateAsync(string? token, RatingLevel? level, bool? resolved, string? comment, CancellationToken ct)
    {
        var page = await RatePageAsync(token, ct);
        if (page.State != RatePageState.Open)
            return page;
        try
        {
            await actions.ActOnLatestAsync(page.Number!, new Rated(level, resolved, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim()), RatingRules.Requester(), ct);
        }
        catch (RequestValidationException v)
        {
            return page with { Errors = v.Errors };
        }
        catch (Exception ex) when (ex is GuardConflictException or ConcurrencyConflictException or TransitionNotAllowedException)
        {
            actions.Reset(); // someone else rated or acted meanwhile: show what is on record now
        }
        return await RatePageAsync(token, ct);
    }

    /// <summary>
    /// The self-service view, or null when the number and code do not match (whether or not the ticket exists). Wrong
    /// codes back off per ticket (from anywhere) and per client address (<see cref="Security.SecurityOptions.TrackPerTicket"/>),
    /// so the eight digits cannot be tried out: <see cref="Security.TooManyAttemptsException"/> while waiting.
    /// </summary>
    public async Task<TrackPage?> TrackAsync(string? number, string? code, string client, CancellationToken ct)
    {
        number = number?.Trim().ToUpperInvariant();
        var o = security.Value;
        var clientKey = $"track-client:{client}";
        if (await attempts.TryBeginAsync(clientKey, o.TrackPerClient, ct) is { } clientWait)
            throw new Security.TooManyAttemptsException(clientWait);
        if (number is null || !TicketNumber.IsWellFormed(number))
            return null;
        var ticketKey = $"track-ticket:{number}";
        if (await attempts.TryBeginAsync(ticketKey, o.TrackPerTicket, ct) is { } ticketWait)
        {
            await attempts.SucceededAsync(clientKey, forget: false, ct);
            throw new Security.TooManyAttemptsException(ticketWait);
        }
        if (!await codes.CheckAsync(db, number, code, ct))
            return null;
        await attempts.SucceededAsync(ticketKey, forget: true, ct);
        await attempts.SucceededAsync(clientKey, forget: false, ct);
        var ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Number == number, ct);
        if (ticket is null)
            return null;
        var events = await db.TicketEvents.AsNoTracking().Where(e => e.TicketId == ticket.Id).OrderBy(e => e.Version).ToListAsync(ct);
        string? awaitingReason = null;
        DateTimeOffset? requested = null;
        var timeline = new List<TrackEntry>();
        foreach (var e in events)
        {
            TrackEntry? entry = e.Change switch
            {
                Registered => new(e.OccurredAt, "Track.Event.Registered", null),
                ResolvedAtIntake r => new(e.OccurredAt, "Track.Event.Replied", r.Answer),
                Dispatched d => new(e.OccurredAt, "Track.Event.Dispatched", DepartmentName(d.DepartmentCode)),
                SignedFor => new(e.OccurredAt, "Track.Event.SignedFor", DepartmentName(DepartmentAt(events, e))),
                ExtensionDecided { Approved: true } x when (x.ApprovedDeadline ?? requested) is { } until =>
                    new(e.OccurredAt, "Track.Event.Extended", TimeZoneInfo.ConvertTime(until, clock.Zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
                AwaitingRequester a => new(e.OccurredAt, "Track.Event.AwaitingRequester", a.Reason),
                RequesterResponded => new(e.OccurredAt, "Track.Event.RequesterResponded", null),
                RequesterMessageAdded m => new(e.OccurredAt, "Track.Event.RequesterMessage", m.Text),
                Replied r => new(e.OccurredAt, "Track.Event.Replied", r.Resolution),
                AnsweredWithMaster m => new(e.OccurredAt, "Track.Event.Replied", m.Resolution),
                Reopened => new(e.OccurredAt, "Track.Event.Reopened", null),
                Closed => new(e.OccurredAt, "Track.Event.Closed", null),
                Rated r when r.Level is { } level => new(e.OccurredAt, "Track.Event.Rated", $"Level.{level}", TextIsKey: true),
                _ => null,
            };
            if (e.Change is ExtensionRequested req)
                requested = req.RequestedDeadline;
            if (e.Change is AwaitingRequester wait)
                awaitingReason = wait.Reason;
            if (entry is not null)
                timeline.Add(entry);
        }
        return new(ticket.Number, ticket.Title, ticket.Status, ticket.AwaitingRequesterSince is not null,
            ticket.AwaitingRequesterSince is not null ? awaitingReason : null, timeline);
    }

    /// <summary>Adds the requester's information when the number and code match; false otherwise.</summary>
    public async Task<bool> AddMessageAsync(string? number, string? code, string text, string client, CancellationToken ct)
    {
        if (await TrackAsync(number, code, client, ct) is not { } page)
            return false;
        await messages.AddAsync(page.Number, text, RequesterMessageChannel.SelfService, ct);
        return true;
    }

    /// <summary>In the reader's language: an English page said "常州市市场监督管理局" where the console says "Changzhou Administration for Market Regulation".</summary>
    public string? DepartmentName(string? code) => code is null ? null : reference.DepartmentName(code);

    /// <summary>The department a ticket was with when this event happened: the latest dispatch before it.</summary>
    private static string? DepartmentAt(List<TicketEvent> events, TicketEvent at) =>
        events.Where(e => e.Version < at.Version).Select(e => e.Change).OfType<Dispatched>().LastOrDefault()?.DepartmentCode;
}
