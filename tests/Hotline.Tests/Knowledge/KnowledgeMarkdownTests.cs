using Hotline.Server.Knowledge;

namespace Hotline.Tests.Knowledge;

/// <summary>
/// Answers are Markdown shown to agents and to the public (/ask): <see cref="KnowledgeMarkdown"/> keeps what an editor
/// writes as text and links, and removes whatever could run or load something in the reader's browser.
/// </summary>
public sealed class KnowledgeMarkdownTests
{
    [Fact]
    public void Script_and_raw_html_are_shown_as_text_never_as_markup()
    {
        var html = KnowledgeMarkdown.ToHtml("办理须知<script>alert('x')</script>\n\n<div onclick=\"steal()\">点击</div>\n\n<iframe src=\"https://evil.example.com\"></iframe>");

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<div", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("办理须知", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[点这里](javascript:alert(1))")]
    [InlineData("[点这里](JaVaScRiPt:alert(1))")]
    [InlineData("[点这里](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[点这里](vbscript:msgbox(1))")]
    public void Links_that_would_run_code_lose_their_target(string markdown)
    {
        var html = KnowledgeMarkdown.ToHtml(markdown);

        Assert.Contains("点这里", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("script:", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Images_are_removed_so_no_third_party_pixel_loads()
    {
        var html = KnowledgeMarkdown.ToHtml("见下图：\n\n![流程图](https://tracker.example.com/pixel.png)");

        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("tracker.example.com", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_handlers_added_through_markdown_attributes_are_removed()
    {
        var html = KnowledgeMarkdown.ToHtml("[政策原文](https://www.changzhou.gov.cn/a){onclick=\"steal()\" style=\"position:fixed\"}");

        Assert.DoesNotContain("onclick", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("href=\"https://www.changzhou.gov.cn/a\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Web_and_mail_links_and_ordinary_formatting_are_kept()
    {
        var html = KnowledgeMarkdown.ToHtml("**材料**：\n\n- 身份证\n- [申请表](https://www.changzhou.gov.cn/form.pdf)\n\n咨询 [12345@changzhou.gov.cn](mailto:12345@changzhou.gov.cn)，[旧站](http://old.changzhou.gov.cn/)");

        Assert.Contains("<strong>材料</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<li>身份证</li>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://www.changzhou.gov.cn/form.pdf\">申请表</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"mailto:12345@changzhou.gov.cn\">", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"http://old.changzhou.gov.cn/\">旧站</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plain_text_of_an_answer_has_no_markdown_marks()
    {
        Assert.Equal("材料：身份证", KnowledgeMarkdown.ToPlainText("**材料**：身份证"));
    }
}
