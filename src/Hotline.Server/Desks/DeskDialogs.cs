using Hotline.Domain.Access;
using Hotline.Server.Tickets;
using MudBlazor;

namespace Hotline.Server.Desks;

/// <summary>Opens the quick form of one action on a desk row.</summary>
public static class DeskDialogs
{
    /// <summary>The row as the action form needs it: the version the person saw is the one the action states.</summary>
    public static ActionTarget ToActionTarget(this DeskTicket t) => new(t.Number, t.Title, t.Version, t.RequesterKind);

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
