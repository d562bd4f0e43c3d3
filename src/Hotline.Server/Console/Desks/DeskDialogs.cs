using Hotline.Domain.Access;
using Hotline.Server.Console.Tickets;
using MudBlazor;

namespace Hotline.Server.Console.Desks;

/// <summary>Opens the quick form of one action on a desk row.</summary>
public static class DeskDialogs
{
    private static readonly DialogOptions Options = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };

    /// <summary>True when the action was taken.</summary>
    public static async Task<bool> ActAsync(this IDialogService dialogs, ActionTarget target, string action, Actor actor,
        Action<DialogParameters<TicketActionDialog>>? more = null)
    {
        var parameters = new DialogParameters<TicketActionDialog>
        {
            { d => d.Target, target },
            { d => d.Action, action },
            { d => d.Actor, actor },
        };
        more?.Invoke(parameters);
        var dialog = await dialogs.ShowAsync<TicketActionDialog>(null, parameters, Options);
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
