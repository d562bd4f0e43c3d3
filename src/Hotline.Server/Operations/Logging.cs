using Hotline.Server.Data;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Hotline.Server.Operations;

public static class Logging
{
    /// <summary>
    /// Console plus rolling compact-JSON files under {DataPath}/logs, configured once from configuration (no bootstrap
    /// logger, which breaks repeated test hosts). Templates carry ticket numbers and user ids, never names or phones.
    /// </summary>
    public static IHostApplicationBuilder AddHotlineLogging(this IHostApplicationBuilder builder)
    {
        var hotline = builder.Configuration.GetSection(HotlineOptions.Section).Get<HotlineOptions>() ?? new HotlineOptions();
        var logs = Path.Combine(DatabaseSetup.ResolveDataPath(builder.Environment, hotline), "logs");
        builder.Services.AddSerilog((services, config) => config
            .ReadFrom.Configuration(builder.Configuration)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            // A hub method's refusal (HubException: a ticket the caller may not see) is an answer; SignalR's dispatcher
            // would log it as an error with a stack trace. HubAccessFilter logs it once, as information, instead.
            .Filter.ByExcluding(e => e.Exception is Microsoft.AspNetCore.SignalR.HubException
                && e.Properties.TryGetValue("SourceContext", out var source) && source.ToString().Contains("Microsoft.AspNetCore.SignalR", StringComparison.Ordinal))
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture, outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {TicketNumber}{NewLine}{Exception}")
            .WriteTo.File(new CompactJsonFormatter(), Path.Combine(logs, "hotline-.json"),
                rollingInterval: RollingInterval.Day, retainedFileCountLimit: 31, buffered: false, shared: true));
        return builder;
    }

    public static IApplicationBuilder UseHotlineRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(o =>
        {
            // RequestPath excludes the query string, which may hold a phone number or credit code filter.
            o.EnrichDiagnosticContext = (diagnostics, http) =>
            {
                diagnostics.Set("UserId", http.User.Identity?.IsAuthenticated == true
                    ? http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value : null);
                if (http.Request.RouteValues.TryGetValue("number", out var number))
                    diagnostics.Set("TicketNumber", number);
            };
            o.GetLevel = (http, _, ex) => ex is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
                : http.Request.Path.StartsWithSegments("/health") || http.Request.Path.StartsWithSegments("/_blazor") || http.Request.Path.StartsWithSegments("/_content")
                    ? LogEventLevel.Verbose : LogEventLevel.Information;
        });
}
