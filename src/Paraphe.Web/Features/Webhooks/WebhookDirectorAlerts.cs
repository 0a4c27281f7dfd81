using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Alerts;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// The directors' alert when an endpoint is disabled: a <c>user_alerts</c> row each, shown in « Alertes » and linking to
/// « Paramètres › Webhooks ». Saved by the caller. Not emailed yet: an alert email without a procedure needs the outbox
/// dispatcher to compose <c>Purpose.Alert</c> messages that have no procedure (left to the merge, see the report).
/// </summary>
public static class WebhookDirectorAlerts
{
    public static void Raise(ParapheDbContext db, string agencyId, string url, string reason, DateTime now)
    {
        var directors = db.Users.IgnoreQueryFilters().AsNoTracking()
            .Where(u => u.AgencyId == agencyId && u.Role == UserRole.Director && u.DeactivatedAt == null).OrderBy(u => u.Id)
            .Select(u => u.Id).ToList();
        var title = url.Length <= 200 ? url : url[..199] + "…";
        foreach (var director in directors)
            db.UserAlerts.Add(UserAlert.RaiseForAgency(agencyId, director, AlertKind.WebhookDisabled, title, reason, now));
    }
}
