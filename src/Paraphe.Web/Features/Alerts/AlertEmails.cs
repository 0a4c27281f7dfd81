using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Notifications;

namespace Paraphe.Web.Features.Alerts;

/// <summary>What the dispatcher needs from the alerts: an alert's email, and the agent the invitations name.</summary>
public static class AlertEmails
{
    public static async Task<MessageComposer.Content> ComposeAsync(ParapheDbContext db, Notification n, string baseUrl, CancellationToken ct)
    {
        var alert = await db.UserAlerts.IgnoreQueryFilters().AsNoTracking().FirstAsync(a => a.NotificationId == n.Id, ct);
        var user = await db.Users.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(u => u.Id == alert.UserId, ct);
        return AlertMessages.Compose(alert, user?.FirstName ?? "", alert.ProcedureId is { } procedure ? $"{baseUrl}/procedures/{procedure}" : $"{baseUrl}/parametres/webhooks");
    }

    /// <summary>The procedure's agent, or null (the invitations then name the agency).</summary>
    public static async Task<User?> AgentAsync(ParapheDbContext db, Procedure procedure, CancellationToken ct) =>
        procedure.AgentUserId is not { } id ? null
            : await db.Users.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(u => u.Id == id && u.AgencyId == procedure.AgencyId, ct);
}
