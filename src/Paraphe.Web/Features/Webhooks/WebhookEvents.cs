using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Domain.Alerts;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// Writes the webhook deliveries of a save in the same transaction as their cause: it reads the pending audit events of
/// the procedures being saved (still pending while the save runs: they are cleared once it is written), and the
/// <c>signer_unreachable</c> alerts <c>AlertQueue</c> raised in this save (the same rule: <c>ChannelHealth</c> /
/// <c>ContactReach</c>, once per signer). For each event and each enabled endpoint of the agency subscribed to it, one
/// <see cref="WebhookDelivery"/> whose payload is built <b>here, at enqueue</b>: the procedure as <c>GET /procedures/{id}</c>
/// returns it, in the state this very save commits — the state at the event, which a first send minutes (or, after an
/// outage, days) later could no longer see. Nothing is built when no endpoint listens. A save chained again (the audit
/// trail's retry) drops what the earlier attempt added and builds again. The worker is woken after the commit.
/// </summary>
public sealed class WebhookEvents(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, WebhookSignal signal) : SaveChangesInterceptor, IContextState
{
    public void Forget(DbContext db) => added.Remove(db);

    private readonly ConditionalWeakTable<DbContext, List<WebhookDelivery>> added = [];

    private sealed record Trigger(string Type, string ProcedureId, string AgencyId, string? SignerId);

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is ParapheDbContext db) await RaiseAsync(db, cancellationToken);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && added.TryGetValue(db, out var rows) && rows.Count > 0)
        {
            rows.Clear();
            signal.Notify();
        }
        return ValueTask.FromResult(result);
    }

    private async Task RaiseAsync(ParapheDbContext db, CancellationToken ct)
    {
        var rows = added.GetOrCreateValue(db);
        foreach (var row in rows)
            if (db.Entry(row).State == EntityState.Added) db.Entry(row).State = EntityState.Detached;
        rows.Clear();

        var triggers = new List<Trigger>();
        foreach (var entry in db.ChangeTracker.Entries<Procedure>())
            foreach (var e in entry.Entity.PendingEvents)
                triggers.AddRange(Triggers(entry.Entity, e.Fact));
        foreach (var alert in db.ChangeTracker.Entries<UserAlert>()
                     .Where(a => a.State == EntityState.Added && a.Entity.Kind == AlertKind.SignerUnreachable)
                     .Select(a => a.Entity).DistinctBy(a => (a.ProcedureId, a.SignerId)))
            triggers.Add(new Trigger(WebhookEventTypes.SignerUnreachable, alert.ProcedureId!, alert.AgencyId, alert.SignerId));
        if (triggers.Count == 0) return;

        var agencies = triggers.Select(t => t.AgencyId).Distinct().ToList();
        var endpoints = await db.WebhookEndpoints.IgnoreQueryFilters().AsNoTracking()
            .Where(e => agencies.Contains(e.AgencyId) && e.Enabled).ToListAsync(ct);
        if (endpoints.Count == 0) return;

        var now = db.UtcNow;
        var snapshots = new Dictionary<string, JsonNode>();
        foreach (var t in triggers)
        {
            var listening = endpoints.Where(e => e.AgencyId == t.AgencyId && e.EventList.Contains(t.Type)).ToList();
            if (listening.Count == 0) continue;
            if (!snapshots.TryGetValue(t.ProcedureId, out var data))
            {
                if (await SnapshotAsync(db, t.ProcedureId, now, ct) is not { } snapshot) continue;
                snapshots[t.ProcedureId] = data = snapshot;
            }
            var body = new JsonObject
            {
                ["type"] = t.Type,
                ["timestamp"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
                ["data"] = data.DeepClone(),
            };
            if (t.SignerId is not null) body["data"]!["signer_id"] = t.SignerId;
            var payload = body.ToJsonString();
            var eventId = Ids.New("msg");
            foreach (var endpoint in listening)
            {
                var row = new WebhookDelivery
                {
                    Id = Ids.New("whd"), AgencyId = t.AgencyId, EndpointId = endpoint.Id, EventId = eventId, Type = t.Type,
                    Payload = payload, ProcedureId = t.ProcedureId, CreatedAt = now, NextAttemptAt = now,
                };
                db.WebhookDeliveries.Add(row);
                rows.Add(row);
            }
        }
    }

    private static IEnumerable<Trigger> Triggers(Procedure p, AuditFact fact)
    {
        var type = fact switch
        {
            ProcedureLaunched => WebhookEventTypes.ProcedureLaunched,
            ProcedureCompleted => WebhookEventTypes.ProcedureCompleted,
            ProcedureSealed => WebhookEventTypes.ProcedureSealed,
            ProcedureCancelled => WebhookEventTypes.ProcedureCancelled,
            ProcedureExpired => WebhookEventTypes.ProcedureExpired,
            SignerLinkOpened => WebhookEventTypes.SignerOpened,
            Paraphe.Domain.Audit.SignerSigned => WebhookEventTypes.SignerSigned,
            Paraphe.Domain.Audit.SignerDeclined => WebhookEventTypes.SignerDeclined,
            _ => null, // the other events are not published
        };
        if (type is null) yield break;
        var signerId = fact switch
        {
            SignerLinkOpened o => o.SignerId,
            Paraphe.Domain.Audit.SignerSigned s => s.SignerId,
            Paraphe.Domain.Audit.SignerDeclined d => d.SignerId,
            _ => null,
        };
        yield return new Trigger(type, p.Id, p.AgencyId, signerId);
        // A refusal closes the procedure: the procedure's own event follows the signer's.
        if (fact is Paraphe.Domain.Audit.SignerDeclined && p.Status == ProcedureStatus.Declined)
            yield return new Trigger(WebhookEventTypes.ProcedureDeclined, p.Id, p.AgencyId, null);
    }

    /// <summary>The procedure as the API shows it, with the messages and sealing job as this save leaves them.</summary>
    private async Task<JsonNode?> SnapshotAsync(ParapheDbContext db, string procedureId, DateTime now, CancellationToken ct)
    {
        var procedure = db.Procedures.Local.FirstOrDefault(p => p.Id == procedureId)
                        ?? await db.Procedures.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(p => p.Id == procedureId, ct);
        if (procedure is null) return null;
        var tracked = db.ChangeTracker.Entries<Notification>().Where(n => n.Entity.ProcedureId == procedureId && n.State != EntityState.Deleted)
            .Select(n => n.Entity).ToDictionary(n => n.Id);
        var stored = await db.Notifications.IgnoreQueryFilters().AsNoTracking().Include(n => n.Events)
            .Where(n => n.ProcedureId == procedureId).ToListAsync(ct);
        var notifications = stored.Where(n => !tracked.ContainsKey(n.Id)).Concat(tracked.Values).OrderBy(n => n.CreatedAt).ToList();
        var job = db.SealingJobs.Local.FirstOrDefault(j => j.ProcedureId == procedureId)
                  ?? await db.SealingJobs.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(j => j.ProcedureId == procedureId, ct);
        var response = procedure.ToResponse(notifications, now, job);
        return JsonSerializer.SerializeToNode(response, json.Value.SerializerOptions);
    }
}
