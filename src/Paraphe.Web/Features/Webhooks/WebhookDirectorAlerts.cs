using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Alerts;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// The directors' alert when an endpoint is disabled: a <c>user_alerts</c> row each, shown in « Alertes » and linking to
/// « Paramètres › Webhooks », and an email (unless « Mes alertes » turns it off): a message without a procedure, composed
/// by the dispatcher from the alert. Saved by the caller, in the transaction that disables the endpoint.
/// </summary>
public static class WebhookDirectorAlerts
{
    public static void Raise(ParapheDbContext db, string agencyId, string url, string reason, DateTime now)
    {
        var directors = db.Users.IgnoreQueryFilters().AsNoTracking()
            .Where(u => u.AgencyId == agencyId && u.Role == UserRole.Director && u.DeactivatedAt == null).OrderBy(u => u.Id)
            .Select(u => new { u.Id, u.Email }).ToList();
        var ids = directors.Select(d => d.Id).ToList();
        var preferences = db.AlertPreferences.IgnoreQueryFilters().AsNoTracking().Where(p => ids.Contains(p.UserId))
            .ToDictionary(p => p.UserId);
        var title = url.Length <= 200 ? url : url[..199] + "…";
        foreach (var director in directors)
        {
            var alert = UserAlert.RaiseForAgency(agencyId, director.Id, AlertKind.WebhookDisabled, title, reason, now);
            if (preferences.GetValueOrDefault(director.Id)?.ByEmail(AlertKind.WebhookDisabled) ?? true)
            {
                var email = Notification.QueueForAccount(agencyId, Purpose.Alert, director.Email, now);
                db.Notifications.Add(email);
                alert.EmailedBy(email.Id);
            }
            db.UserAlerts.Add(alert);
        }
    }
}
