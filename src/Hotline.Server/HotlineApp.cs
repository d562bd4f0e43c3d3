using System.Globalization;
using System.Text.Json.Serialization;
using Hotline.Server.Access;
using Hotline.Server.Analytics;
using Hotline.Server.Console;
using Hotline.Server.Data;
using Hotline.Server.Desks;
using Hotline.Server.Enterprises;
using Hotline.Server.Knowledge;
using Hotline.Server.Live;
using Hotline.Server.Nodes;
using Hotline.Server.Notifications;
using Hotline.Server.Operations;
using Hotline.Server.Problems;
using Hotline.Server.Ratings;
using Hotline.Server.Reference;
using Hotline.Server.Routing;
using Hotline.Server.Security;
using Hotline.Server.Sla;
using Hotline.Server.Telephony;
using Hotline.Server.Text;
using Hotline.Server.Tickets;
using Hotline.Server.Queues;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace Hotline.Server;

/// <summary>The table of contents: what Hotline is made of and the order requests pass through it.</summary>
public static class HotlineApp
{
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    /// <summary>
    /// The host builder, with configuration reload-on-change off: its file watcher covers the whole content root,
    /// data/ included, and would wake on every write to the SQLite WAL (measured: as much CPU as committing tickets).
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(WebApplicationOptions options) =>
        WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false", .. options.Args ?? []],
            EnvironmentName = options.EnvironmentName,
            ApplicationName = options.ApplicationName,
            ContentRootPath = options.ContentRootPath,
            WebRootPath = options.WebRootPath,
        });

    public static WebApplicationBuilder AddHotline(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HotlineOptions>().BindConfiguration(HotlineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(typeof(Scoped<>)); // scoped services called from circuits and singletons, a scope per call

        builder.AddHotlineLogging();
        builder.AddHotlineDatabase();
        builder.AddNodes();
        builder.AddHotlineAccess();
        builder.AddHotlineSecurity();

        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemHandler.Localize);
        services.AddExceptionHandler<ProblemHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // malformed JSON reaches ProblemHandler
        services.ConfigureHttpJsonOptions(o =>
        {
            Security.StrictJson.Apply(o.SerializerOptions); // enums by defined name or number, no control characters
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddOpenApi(o => o.AddSchemaTransformer(ActionBodyConverterFactory.DescribeAsync) // each action's typed body
            .AddOperationTransformer(Problems.RefusalResponses.DescribeAsync)); // and the refusals each operation can get
        services.AddHealthChecks().AddDbContextCheck<HotlineDbContext>("database", tags: ["ready"]);

        services.AddOptions<Ratings.RequesterLinkOptions>().BindConfiguration(Ratings.RequesterLinkOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Ratings.RequesterLinks>();
        services.AddSingleton<Ratings.AccessCodes>();
        services.AddSingleton<ReferenceData>();
        services.AddSingleton<SeedLoader>();
        services.AddTickets();
        services.AddTicketRouting();
        builder.AddSla();
        builder.AddNotifications();
        services.AddRatings();

        services.AddLive();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(o =>
        {
            // Toasts at the bottom centre, three at most: the desks' row buttons sit at the right, where the default
            // corner stacked confirmations over the next rows' buttons.
            o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomCenter;
            o.SnackbarConfiguration.MaxDisplayedSnackbars = 3;
            o.SnackbarConfiguration.VisibleStateDuration = 4000;
        });
        services.AddTransient<MudBlazor.MudLocalizer, Console.ConsoleMudLocalizer>();
        services.AddSingleton<ConsoleQueries>();
        services.AddDesks();
        services.AddTelephony();
        services.AddChineseText();
        services.AddAnalytics(builder.Configuration);
        services.AddKnowledge();
        services.AddEnterprises();
        services.AddScoped<Demo.DemoTicketGenerator>();
        return builder;
    }

    public static WebApplication UseHotline(this WebApplication app)
    {
        app.UseHotlineSecurity(); // trusted proxies' client address and scheme first; headers on every answer
        // Outermost, so each request is logged once with the status the client really got.
        app.UseHotlineRequestLogging();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Refusals handled by ProblemHandler are answers, not faults: no error log and stack trace for each one.
            SuppressDiagnosticsCallback = c => c.ExceptionHandledBy == Microsoft.AspNetCore.Diagnostics.ExceptionHandledType.ExceptionHandlerService,
        });
        app.UseStatusCodePages();
        app.UseRequestLocalization(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = o.SupportedUICultures = Cultures;
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
        });
        app.UseRouting();
        app.UseBodySizeLimit(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HotlineOptions>>().Value.MaxJsonBodyBytes);
        app.UseAuthentication();
        app.UseRequestGuards(); // hub and circuit origins; cookie-authenticated changes need JSON or an antiforgery token
        app.UseAuthorization();
        app.UseRateLimiter(); // the public pages' per-IP limit (PublicRateLimits)
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapOpenApi();
        app.MapScalarApiReference("/api/docs", o => o.DisableDefaultFonts()); // no fonts from a CDN: the CSP allows the site only
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapNodes();

        app.MapAccess();
        app.MapReference();
        app.MapTicketRouting();
        app.MapWorkQueues();
        app.MapSla();
        app.MapDailyDigests();
        app.MapNotifications();
        app.MapRatings();
        app.MapTickets(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AttachmentOptions>>().Value.MaxBytes);
        app.MapLive();
        app.MapTelephony();
        app.MapAnalytics();
        app.MapKnowledge();
        app.MapEnterprises();
        app.MapConsole();
        return app;
    }
}
