using Hotline.Server.Data;
using Microsoft.Extensions.Options;

namespace Hotline.Server.Common;

/// <summary>The city's time zone over the injected <see cref="TimeProvider"/>: registration days and local dates.</summary>
public sealed class CityClock(TimeProvider time, IOptions<HotlineOptions> options)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    /// <summary>Now, to the whole millisecond: what a response shows is exactly what either database stores.</summary>
    public DateTimeOffset Now
    {
        get
        {
            var now = time.GetUtcNow();
            return now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerMillisecond));
        }
    }

    public DateOnly Today => LocalDay(time.GetUtcNow());

    public DateOnly LocalDay(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The instant a local day starts, in UTC.</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>
    /// The instants a span of local days covers, both days included: from the first day's start up to, not including, the
    /// start of the day after the last. An open end is the earliest or latest instant there is.
    /// </summary>
    public (DateTimeOffset From, DateTimeOffset Until) Instants(DateOnly? first, DateOnly? last) =>
        (first is { } f ? StartOf(f) : DateTimeOffset.MinValue, last is { } l ? StartOf(l.AddDays(1)) : DateTimeOffset.MaxValue);
}
