using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Services;

namespace Portal.Components.Pages.CallManager;

/// <summary>
/// The call manager page (DESIGN §7): the transfer URL, the user's keys and snippets for voice apps.
/// A new key's text lives only in this component, never in the URL, the log or the database.
/// </summary>
public sealed partial class CallManagerPage
{
    private IReadOnlyList<CallManagerKeySummary>? keys;
    private CreatedCallManagerKey? created;
    private PortalCaller? caller;
    private string baseUrl = "";
    private string? error;

    [Inject]
    private CallManagerKeyService Keys { get; set; } = default!;

    [Inject]
    private CurrentCaller Caller { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IConfiguration Configuration { get; set; } = default!;

    private string TransferUrl => baseUrl + CallManagerSnippets.TransferPath;

    protected override async Task OnInitializedAsync()
    {
        baseUrl = CallManagerSnippets.ResolveBaseUrl(Configuration["Portal:PublicBaseUrl"], Navigation.BaseUri);
        caller = await Caller.GetAsync();
        await LoadAsync();
    }

    private async Task LoadAsync() => keys = await Keys.ListAsync(caller!);

    private async Task NewKeyAsync()
    {
        var dialog = await Dialogs.ShowAsync<NewKeyDialog>("New call manager key");
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: CreatedCallManagerKey key })
        {
            created = key;
            error = null;
            await LoadAsync();
        }
    }

    private async Task RevokeAsync(CallManagerKeySummary key)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke key",
            $"Revoke {key.Name} (pk_{key.Prefix}_…)? Voice apps using it are refused from now on. This cannot be undone.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        try
        {
            await Keys.RevokeAsync(caller!, key.Id);
            Snackbar.Add($"Revoked {key.Name}.", Severity.Success);
            error = null;
            if (created?.Id == key.Id)
            {
                created = null;
            }
        }
        catch (PortalNotFoundException ex)
        {
            error = ex.Message;
        }

        await LoadAsync();
    }

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
