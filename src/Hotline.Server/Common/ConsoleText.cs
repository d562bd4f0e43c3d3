using System.Globalization;
using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using Microsoft.Extensions.Localization;

namespace Hotline.Server.Common;

/// <summary>Stored texts as the console shows them, in the reader's language.</summary>
public static class ConsoleText
{
    /// <summary>
    /// A text from a ticket's history: the system's own sentences (<see cref="SystemTexts"/>: rectification, automatic
    /// supervision) are worded in the reader's language; what people wrote is shown as they wrote it.
    /// </summary>
    public static string Stored(this IStringLocalizer<Messages> text, string? stored)
    {
        if (stored is null)
            return "";
        if (CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh" || SystemTexts.Recognise(stored) is not { } found)
            return stored;
        var args = found.Args.Select(a => LevelOf(a) is { } level ? text[$"Level.{level}"].Value : a).ToArray<object>();
        return text[$"SystemText.{found.Text.Key}", args];
    }

    /// <summary>The system (系统) and a requester without a name (诉求人) are stored under their Chinese names.</summary>
    public static string ActorName(this IStringLocalizer<Messages> text, string name) =>
        name == Actor.System.Name ? text["Actor.System"]
        : name == RatingRules.Requester().Name ? text["Actor.Requester"]
        : name;

    private static RatingLevel? LevelOf(string label) =>
        Enum.GetValues<RatingLevel>().Where(l => RatingRules.Label(l) == label).Select(l => (RatingLevel?)l).FirstOrDefault();
}
