using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Alerts;
using Paraphe.Web.Features.Alerts;

namespace Paraphe.Web.Pages.Alertes;

/// <summary>« Alertes »: the signed-in user's alerts, newest first; opening one marks it read and shows its procedure.</summary>
public sealed class IndexModel(ParapheDbContext db) : AgentPageModel(db)
{
    public const int Shown = 100;

    public IReadOnlyList<UserAlert> Alerts { get; private set; } = [];
    public int Unread { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (UserId is not { } user) return;
        Alerts = await Db.UserAlerts.AsNoTracking().Where(a => a.UserId == user)
            .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).Take(Shown).ToListAsync(ct);
        Unread = await Db.UserAlerts.CountAsync(a => a.UserId == user && a.ReadAt == null, ct);
    }

    public Task<IActionResult> OnPostOpenAsync(string id, CancellationToken ct) => AttemptAsync(async () =>
    {
        var alert = await AlertsApi.MarkReadAsync(Db, UserId ?? "-", id, ct);
        return Redirect(alert.ProcedureId is { } procedure ? $"/procedures/{procedure}" : "/parametres/webhooks");
    }, Reload(ct));

    public Task<IActionResult> OnPostReadAsync(string id, CancellationToken ct) => AttemptAsync(async () =>
    {
        await AlertsApi.MarkReadAsync(Db, UserId ?? "-", id, ct);
        return RedirectToPage();
    }, Reload(ct));

    public Task<IActionResult> OnPostReadAllAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        var n = await AlertsApi.MarkAllReadAsync(Db, UserId ?? "-", ct);
        SetFlash(n == 0 ? "Aucune alerte à marquer." : n == 1 ? "1 alerte marquée comme lue." : $"{n} alertes marquées comme lues.");
        return RedirectToPage();
    }, Reload(ct));

    private Func<Task<IActionResult>> Reload(CancellationToken ct) => async () =>
    {
        await OnGetAsync(ct);
        return Page();
    };

    public static string Badge(AlertKind kind) => kind switch
    {
        AlertKind.SignerDeclined => "badge-red",
        AlertKind.SignerUnreachable => "badge-red",
        AlertKind.ProcedureCompleted => "badge-green",
        AlertKind.ProcedureExpiring => "badge-amber",
        AlertKind.SealingFailed => "badge-red",
        AlertKind.WebhookDisabled => "badge-red",
    };

    public static string Short(AlertKind kind) => kind switch
    {
        AlertKind.SignerDeclined => "Refus",
        AlertKind.SignerUnreachable => "Client injoignable",
        AlertKind.ProcedureCompleted => "Terminée",
        AlertKind.ProcedureExpiring => "Expire bientôt",
        AlertKind.SealingFailed => "Scellement en échec",
        AlertKind.WebhookDisabled => "Webhook désactivé",
    };
}
