using System.Collections.Frozen;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Notifications;

/// <summary>One email as rendered: subject, plain text and HTML.</summary>
public sealed record RenderedEmail(string Subject, string Text, string Html);

/// <summary>
/// The email templates in memory, parsed (Fluid, i.e. Liquid): every ticket change renders from here without a database
/// read. Loaded at start-up (seeding missing ones from <c>seed/email-templates</c>), after every admin edit, and each
/// minute by the sender, so other instances see an edit within a minute.
/// </summary>
public sealed class EmailTemplates(IDbContextFactory<HotlineDbContext> contexts, TimeProvider time, ILogger<EmailTemplates> logger)
{
    /// <summary>HTML-escapes every value written with <c>{{ }}</c> (the <c>raw</c> filter opts out), leaving Chinese readable.</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = new() { CultureInfo = CultureInfo.InvariantCulture };

    private FrozenDictionary<(string Kind, string Language), Parsed> current = FrozenDictionary<(string, string), Parsed>.Empty;
    private DateTimeOffset loadedAt;

    public static string SeedFolder(string seedPath) => Path.Combine(seedPath, "email-templates");

    /// <summary>Parses a template; the error says where Liquid's syntax broke.</summary>
    public static bool TryParseLiquid(string source, out IFluidTemplate template, out string error) => Parser.TryParse(source, out template, out error);

    public RenderedEmail Render(string kind, string language, IReadOnlyDictionary<string, object?> model)
    {
        var t = current.GetValueOrDefault((kind, language)) ?? current.GetValueOrDefault((kind, Languages.Chinese))
            ?? throw new InvalidOperationException($"No email template {kind}/{language}.");
        var context = new TemplateContext(Options);
        foreach (var (name, value) in model)
            context.SetValue(name, value);
        // Header values must stay on one line, whatever a requester typed into a title.
        var subject = t.Subject.Render(context, NullEncoder.Default).ReplaceLineEndings(" ").Trim();
        return new(subject, t.Text.Render(context, NullEncoder.Default), t.Html.Render(context, Html));
    }

    /// <summary>Adds the seeded templates that are missing (an admin's edits are never overwritten), then loads all.</summary>
    public async Task SeedAndRefreshAsync(string seedPath, CancellationToken ct)
    {
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var existing = (await db.EmailTemplates.Select(t => new { t.Kind, t.Language }).ToListAsync(ct)).Select(t => (t.Kind, t.Language)).ToHashSet();
            foreach (var seed in ReadSeed(SeedFolder(seedPath)).Where(s => !existing.Contains((s.Kind, s.Language))))
            {
                seed.UpdatedAt = time.GetUtcNow();
                seed.UpdatedBy = "seed";
                db.EmailTemplates.Add(seed);
            }
            await db.SaveChangesAsync(ct);
        }
        await RefreshAsync(ct);
    }

    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.EmailTemplates.AsNoTracking().ToListAsync(ct);
        var parsed = new Dictionary<(string, string), Parsed>();
        foreach (var row in rows)
        {
            if (TryParseLiquid(row.Subject, out var subject, out var e1) && TryParseLiquid(row.Text, out var text, out var e2) && TryParseLiquid(row.Html, out var html, out var e3))
                parsed[(row.Kind, row.Language)] = new Parsed(subject, text, html);
            else
                logger.LogError("Email template {Kind}/{Language} does not parse; the seeded default is not used either", row.Kind, row.Language);
        }
        current = parsed.ToFrozenDictionary();
        loadedAt = time.GetUtcNow();
    }

    /// <summary>Reloads when the last load is older than <paramref name="age"/> (edits made on another instance).</summary>
    public Task RefreshIfOlderThanAsync(TimeSpan age, CancellationToken ct) =>
        time.GetUtcNow() - loadedAt >= age ? RefreshAsync(ct) : Task.CompletedTask;

    /// <summary>
    /// Reads <c>{kind}.{language}.liquid</c> files: three sections, each after a line <c>=== subject ===</c>,
    /// <c>=== text ===</c> or <c>=== html ===</c>.
    /// </summary>
    public static IEnumerable<EmailTemplate> ReadSeed(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.liquid").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            var (kind, language) = (name[..dot], name[(dot + 1)..]);
            if (!EmailKinds.All.Contains(kind) || !Languages.IsKnown(language))
                throw new InvalidDataException($"Email template {file}: unknown kind or language.");
            var sections = Sections(File.ReadAllText(file));
            yield return new EmailTemplate
            {
                Kind = kind, Language = language,
                Subject = sections.GetValueOrDefault("subject")?.Trim() ?? throw new InvalidDataException($"{file}: no subject section."),
                Text = sections.GetValueOrDefault("text") ?? throw new InvalidDataException($"{file}: no text section."),
                Html = sections.GetValueOrDefault("html") ?? throw new InvalidDataException($"{file}: no html section."),
            };
        }
    }

    private static Dictionary<string, string> Sections(string content)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        var body = new List<string>();
        foreach (var line in content.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith("=== ", StringComparison.Ordinal) && line.EndsWith(" ===", StringComparison.Ordinal))
            {
                if (name is not null)
                    sections[name] = string.Join('\n', body).Trim('\n') + "\n";
                name = line[4..^4].Trim();
                body.Clear();
            }
            else
                body.Add(line);
        }
        if (name is not null)
            sections[name] = string.Join('\n', body).Trim('\n') + "\n";
        return sections;
    }

    /// <summary>Field errors for an edited template: each part must parse.</summary>
    public static IReadOnlyList<FieldError> Validate(string? subject, string? text, string? html)
    {
        var errors = new List<FieldError>();
        Check("subject", subject, 500);
        Check("text", text, 100_000);
        Check("html", html, 200_000);
        return errors;

        void Check(string field, string? source, int max)
        {
            if (string.IsNullOrWhiteSpace(source))
                errors.Add(new(field, ErrorCodes.Required));
            else if (source.Length > max)
                errors.Add(new(field, ErrorCodes.TooLong, max));
            else if (!TryParseLiquid(source, out _, out var error))
                errors.Add(new(field, "InvalidTemplate", error.ReplaceLineEndings(" ")));
        }
    }

    private sealed record Parsed(IFluidTemplate Subject, IFluidTemplate Text, IFluidTemplate Html);
}
