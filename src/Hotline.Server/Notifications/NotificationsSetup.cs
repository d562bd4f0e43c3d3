namespace Hotline.Server.Notifications;

public static class NotificationsSetup
{
    /// <summary>Emails through a transactional outbox: the writer, the templates, the sender, and optionally the IMAP reader.</summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ImapOptions>().BindConfiguration(ImapOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EmailTemplates>();
        services.AddSingleton<EmailModels>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<IMailTransport, SmtpMailTransport>();
        services.AddSingleton<OutboxSender>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxSender>());
        services.AddSingleton<IRequesterMessageSink, RequesterMessageStore>();
        services.AddSingleton<ImapReplyReader>();
        services.AddHostedService(sp => sp.GetRequiredService<ImapReplyReader>());
        return builder;
    }
}
