using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// `PATCH /webhooks/{id}`: the fields given change (URL, events, description, enabled). Enabling again clears the reason
/// and the run of failures: the next failure starts a new count. Disabling stops its pending deliveries.
/// </summary>
public static class UpdateWebhook
{
    public const string DisabledByDirector = "Désactivé par la direction.";

    public sealed record Request(string? Url, List<string?>? Events, string? Description, bool? Enabled);

    public static async Task<WebhookEndpoint> FindAsync(ParapheDbContext db, ClaimsPrincipal actor, string id, CancellationToken ct)
    {
        TextInput.Ensure("id", id, TextInput.Id);
        var agencyId = actor.AgencyId();
        return await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id && e.AgencyId == agencyId, ct)
               ?? throw new DomainException(ErrorCodes.NotFound, "Webhook introuvable.");
    }

    public static async Task<WebhookEndpoint> HandleAsync(ParapheDbContext db, HttpContext? http, ClaimsPrincipal actor, string id, Request r,
        bool production, bool allowPrivate, CancellationToken ct)
    {
        var endpoint = await FindAsync(db, actor, id, ct);
        var errors = new Dictionary<string, string[]>();
        if (r.Url is not null) WebhookInput.CheckUrl(errors, r.Url, production, allowPrivate);
        var events = r.Events is null ? null : WebhookInput.CheckEvents(errors, r.Events);
        if (r.Description is not null) WebhookInput.CheckDescription(errors, r.Description);
        TextInput.ThrowIfAny(errors);

        var changes = new Dictionary<string, (object? Before, object? After)>();
        var now = db.UtcNow;
        if (r.Url is not null && r.Url.Trim() != endpoint.Url)
        {
            changes["url"] = (endpoint.Url, r.Url.Trim());
            endpoint.Url = r.Url.Trim();
        }
        if (events is not null && string.Join(' ', events) != endpoint.Events)
        {
            changes["events"] = (endpoint.Events, string.Join(' ', events));
            endpoint.Events = string.Join(' ', events);
        }
        if (r.Description is not null && TextInput.Clean(r.Description, WebhookInput.Description.MaxLength) != endpoint.Description)
        {
            var description = TextInput.Clean(r.Description, WebhookInput.Description.MaxLength);
            changes["description"] = (endpoint.Description, description);
            endpoint.Description = description;
        }
        if (r.Enabled is { } enabled && enabled != endpoint.Enabled)
        {
            changes["enabled"] = (endpoint.Enabled, enabled);
            endpoint.Enabled = enabled;
            endpoint.DisabledAt = enabled ? null : now;
            endpoint.DisabledReason = enabled ? null : DisabledByDirector;
            endpoint.FailingSince = null;
        }
        if (changes.Count == 0) return endpoint;
        endpoint.UpdatedAt = now;
        endpoint.Version++;
        AgencyJournal.Record(db, JournalKind.WebhookUpdated, http, endpoint.AgencyId, actor, null,
            $"{endpoint.Url} — {AgencyJournal.Describe(changes)}");
        await db.SaveChangesAsync(ct);
        return endpoint;
    }
}
