using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Hotline.Server.Console;

/// <summary>
/// MudBlazor's own words in the console's language. MudBlazor ships English only, so a Chinese page said "Required"
/// under a field left empty and "First page"/"Next page" to a screen reader on every pager. Messages.resx holds the
/// words we use under "Mud.{MudBlazor's key}"; a key we do not hold falls back to MudBlazor's English.
/// </summary>
internal sealed class ConsoleMudLocalizer(IStringLocalizer<Messages> messages) : MudLocalizer
{
    public override LocalizedString this[string key] => Translate(key, messages["Mud." + key]);

    public override LocalizedString this[string key, params object[] arguments] => Translate(key, messages["Mud." + key, arguments]);

    private static LocalizedString Translate(string key, LocalizedString ours) => new(key, ours.Value, ours.ResourceNotFound);
}
