using Ganss.Xss;
using Markdig;

namespace Hotline.Server.Knowledge;

/// <summary>
/// Answers and policy readings are Markdown (Markdig), rendered to HTML and then cleaned (HtmlSanitizer): editors'
/// text is trusted as text, never as markup, so no script or event handler reaches an agent or the public page.
/// </summary>
public static class KnowledgeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public static string ToHtml(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Sanitizer.Sanitize(Markdown.ToHtml(markdown, Pipeline));

    /// <summary>The answer as plain text (for an intake answer and emails): Markdown marks removed.</summary>
    public static string ToPlainText(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Markdown.ToPlainText(markdown, Pipeline).Trim();

    private static HtmlSanitizer CreateSanitizer()
    {
        var s = new HtmlSanitizer();
        s.AllowedSchemes.Clear();
        s.AllowedSchemes.Add("http");
        s.AllowedSchemes.Add("https");
        s.AllowedSchemes.Add("mailto");
        s.AllowedAttributes.Remove("style");
        s.AllowedTags.Remove("img"); // no third-party pixels in answers shown to the public
        return s;
    }
}
