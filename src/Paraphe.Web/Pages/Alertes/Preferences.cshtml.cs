using Microsoft.AspNetCore.Mvc;
using Paraphe.Data;
using Paraphe.Domain.Alerts;
using Paraphe.Web.Features.Alerts;

namespace Paraphe.Web.Pages.Alertes;

/// <summary>« Mes alertes »: which alerts also come by email (in the app they always appear).</summary>
public sealed class PreferencesModel(ParapheDbContext db) : AgentPageModel(db)
{
    /// <summary>The wire names of the kinds emailed.</summary>
    [BindProperty] public List<string> Email { get; set; } = [];

    public AlertPreferences? Current { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (UserId is { } user) Current = await AlertsApi.PreferencesAsync(Db, AgencyId, user, ct);
    }

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        var chosen = Email.ToHashSet(StringComparer.Ordinal);
        await AlertsApi.SavePreferencesAsync(Db, AgencyId, UserId ?? "",
            AlertKinds.All.ToDictionary(k => k, k => chosen.Contains(AlertKinds.Wire(k))), ct);
        SetFlash("Préférences enregistrées.");
        return RedirectToPage();
    }, async () =>
    {
        await OnGetAsync(ct);
        return Page();
    });
}
