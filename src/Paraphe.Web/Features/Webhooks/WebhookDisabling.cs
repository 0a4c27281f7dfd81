using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// Disables an endpoint that has failed every attempt since <c>FailingSince</c> for longer than the setting, once (a
/// conditional update: two instances recording failures at the same moment disable it once), and tells the agency: an
/// entry in its journal and the directors' alert.
/// </summary>
public sealed partial class WebhookDisabling(ILogger<WebhookDisabling> log)
{
    private static readonly CultureInfo Fr = CultureInfo.GetCultureInfo("fr-FR");

    public async Task<bool> DisableIfFailingAsync(ParapheDbContext db, string endpointId, DateTime now, TimeSpan disableAfter, CancellationToken ct)
    {
        var since = now - disableAfter;
        var failing = await db.WebhookEndpoints.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.Id == endpointId && e.Enabled && e.FailingSince != null && e.FailingSince <= since)
            .Select(e => new { e.AgencyId, e.Url, e.FailingSince }).FirstOrDefaultAsync(ct);
        if (failing is null) return false;
        var reason = $"Désactivé automatiquement : toutes les livraisons échouent depuis le {failing.FailingSince!.Value.ToString("d MMMM yyyy 'à' HH:mm 'UTC'", Fr)}.";
        // The endpoint's state, the journal entry and the alerts commit together: nobody sees it disabled without its alert.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var done = await db.WebhookEndpoints.IgnoreQueryFilters().Where(e => e.Id == endpointId && e.Enabled)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Enabled, false).SetProperty(e => e.DisabledAt, now)
                .SetProperty(e => e.DisabledReason, reason).SetProperty(e => e.UpdatedAt, now).SetProperty(e => e.Version, e => e.Version + 1), ct);
        if (done != 1) return false;
        AgencyJournal.Record(db, JournalKind.WebhookDisabled, null, failing.AgencyId, null, null, $"{failing.Url} — {reason}");
        WebhookDirectorAlerts.Raise(db, failing.AgencyId, failing.Url, reason, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        LogDisabled(endpointId, failing.AgencyId, failing.FailingSince.Value);
        return true;
    }

    [LoggerMessage(EventId = 5020, Level = LogLevel.Warning, Message = "Webhook endpoint {EndpointId} of agency {AgencyId} disabled: every delivery failing since {Since:O}")]
    private partial void LogDisabled(string endpointId, string agencyId, DateTime since);
}
