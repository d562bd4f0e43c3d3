using System.Globalization;
using System.Xml.Linq;
using Hotline.Domain.Tickets;
using Hotline.Server;
using Hotline.Server.Common;
using Hotline.Server.Reference;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Hotline.Tests.Console;

/// <summary>
/// Bug: English mode left category and department names, the system's texts (整改督办…, 系统, 诉求人) and action names
/// ("close", "sign for") untranslated or lower-case, and an English category search ("wage") found nothing.
/// </summary>
public sealed class EnglishConsoleTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    [Fact]
    public void Every_desk_link_in_the_app_bar_has_its_short_and_full_name_in_both_languages()
    {
        // Bug: the analytics and knowledge links showed their resource keys (Nav.Analytics) in the app bar.
        var text = fixture.Factory.Services.GetRequiredService<IStringLocalizer<Messages>>();
        foreach (var culture in new[] { "zh-CN", "en" })
        {
            InCulture(culture, () =>
            {
                foreach (var desk in Hotline.Server.Desks.DeskNavigation.Desks)
                {
                    Assert.False(text[$"Nav.{desk.Key}"].ResourceNotFound, $"Nav.{desk.Key} ({culture})");
                    Assert.False(text[$"Desk.{desk.Key}"].ResourceNotFound, $"Desk.{desk.Key} ({culture})");
                }
            });
        }
    }

    [Fact]
    public void System_texts_and_names_read_in_english_for_an_english_reader_and_as_stored_for_a_chinese_one()
    {
        var text = fixture.Factory.Services.GetRequiredService<IStringLocalizer<Messages>>();
        var order = SystemTexts.RectificationOrder.Format(RatingRules.Label(RatingLevel.Dissatisfied));
        InCulture("en", () =>
        {
            Assert.Equal("Rectification order: the requester rated the answer “Dissatisfied”. Please look into the matter again, talk with the requester and reply again.",
                text.Stored(order));
            Assert.Equal("System", text.ActorName(Hotline.Domain.Access.Actor.System.Name));
            Assert.Equal("Requester", text.ActorName(RatingRules.Requester().Name));
            Assert.Equal("已上门核实。", text.Stored("已上门核实。")); // what people wrote stays as written
        });
        InCulture("zh-CN", () => Assert.Equal(order, text.Stored(order)));
    }

    [Fact]
    public void Reference_names_are_english_and_an_english_category_search_finds_the_category()
    {
        var reference = fixture.Factory.Services.GetRequiredService<ReferenceData>();
        InCulture("en", () =>
        {
            Assert.Equal("Changzhou Administration for Market Regulation", reference.DepartmentName("scjg"));
            Assert.DoesNotContain(reference.CategoryPath("lab-wage-arrears"), c => c is >= '\u4e00' and <= '\u9fff');
            Assert.Equal("lab-wage-arrears", reference.SearchCategories("wage")[0].Code);
        });
    }

    [Fact]
    public void A_history_line_separates_its_label_from_the_text_with_the_readers_colon()
    {
        // Bug: the English history read "Resolved：已现场检查…" and "Not our responsibility：…" with the Chinese colon.
        var text = fixture.Factory.Services.GetRequiredService<Hotline.Server.Tickets.TicketEventText>();
        var reply = new Hotline.Domain.Tickets.Replied(Hotline.Domain.Tickets.ReplyResult.Resolved, "已现场检查。", null);
        InCulture("en", () => Assert.Equal("Resolved: 已现场检查。", text.Summary(reply)));
        InCulture("zh-CN", () => Assert.Equal("已解决：已现场检查。", text.Summary(reply)));
    }

    [Fact]
    public void Every_action_name_in_english_starts_with_a_capital_letter()
    {
        var resx = XDocument.Load(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Hotline.Server", "Resources", "Messages.resx"));
        var lower = resx.Root!.Elements("data").Where(d => ((string?)d.Attribute("name"))!.StartsWith("Action.", StringComparison.Ordinal))
            .Select(d => d.Element("value")!.Value).Where(v => !char.IsUpper(v[0])).ToList();
        Assert.Empty(lower);
    }

    private static void InCulture(string culture, Action test)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try
        {
            test();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
