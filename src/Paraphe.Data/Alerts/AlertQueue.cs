using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Alerts;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Data.Alerts;

/// <summary>
/// Raises the agent's alerts inside the save that records their cause, so that a refusal, a completion (the seal), an
/// expiry warning, a sealing failure or a signer's second dead channel and its alert commit together or not at all.
/// Reads the pending audit events of the procedures and messages being saved: <c>signer.declined</c>,
/// <c>procedure.sealed</c>, <c>procedure.expiring_soon</c>, <c>procedure.sealing_failed</c>, and a
/// <c>notification.failed</c> that leaves a signer of an ongoing procedure with both channels known bad
/// (<see cref="ChannelHealth"/>, the diagnosis' rule; once per signer). Recipients: the procedure's agent, else every director. Each gets a
/// <see cref="UserAlert"/>, and an email through the outbox when their <see cref="AlertPreferences"/> allow it (the
/// completion alert's email is the agent's copy of the signed document). One <c>alert.raised</c> audit event each.
/// </summary>
internal sealed class AlertQueue
{
    private readonly List<object> _added = [];

    public sealed record Raised(string AgencyId, string ProcedureId, ProcedureEvent Event);

    private sealed record Trigger(Procedure Procedure, AlertKind Kind, string? SignerId, string? Detail);

    public async Task<List<Raised>> RaiseAsync(ParapheDbContext db, DateTime now, CancellationToken ct)
    {
        // A save chained again after losing a race: what the earlier attempt raised is judged again on fresh state.
        foreach (var e in _added) db.Entry(e).State = EntityState.Detached;
        _added.Clear();

        var triggers = new List<Trigger>();
        foreach (var entry in db.ChangeTracker.Entries<Procedure>().ToList())
            foreach (var e in entry.Entity.PendingEvents)
                if (FromProcedure(entry.Entity, e) is { } t) triggers.Add(t);
        var failed = db.ChangeTracker.Entries<Notification>()
            .Where(x => x.Entity.SignerId is not null && x.Entity.ProcedureId is not null && x.Entity.Status == DeliveryStatus.Failed && ChannelHealth.IsAddressFailure(x.Entity.Channel, x.Entity.FailureKind)
                        && x.Entity.PendingEvents.Any(e => e.Fact is NotificationFailed))
            .Select(x => x.Entity).ToList();
        foreach (var group in failed.GroupBy(n => (ProcedureId: n.ProcedureId!, SignerId: n.SignerId!)))
            if (await UnreachableAsync(db, group.Key.ProcedureId, group.Key.SignerId, ct) is { } t) triggers.Add(t);
        if (triggers.Count == 0) return [];

        var raised = new List<Raised>();
        foreach (var t in triggers)
        {
            var p = t.Procedure;
            var recipients = await RecipientsAsync(db, p, ct);
            var ids = recipients.Select(u => u.Id).ToList();
            var preferences = await db.Set<AlertPreferences>().IgnoreQueryFilters().AsNoTracking()
                .Where(x => ids.Contains(x.UserId)).ToDictionaryAsync(x => x.UserId, ct);
            var signer = t.SignerId is null ? null : p.Signers.FirstOrDefault(s => s.Id == t.SignerId);
            var emailed = new List<string>();
            foreach (var user in recipients)
            {
                var alert = UserAlert.Raise(p.AgencyId, user.Id, p.Id, t.SignerId, t.Kind, p.Title, signer?.DisplayName, t.Detail, now);
                if (preferences.GetValueOrDefault(user.Id)?.ByEmail(t.Kind) ?? true)
                {
                    // A signer who is also the recipient already receives the signed document.
                    var copyOfOwn = t.Kind == AlertKind.ProcedureCompleted
                                    && p.Signers.Any(s => string.Equals(s.Email, user.Email, StringComparison.OrdinalIgnoreCase));
                    if (!copyOfOwn)
                    {
                        var n = Notification.Queue(p.AgencyId, p.Id, null, Channel.Email,
                            t.Kind == AlertKind.ProcedureCompleted ? Purpose.Completion : Purpose.Alert, user.Email, now);
                        Add(db, n);
                        foreach (var e in n.Events) _added.Add(e);
                        alert.EmailedBy(n.Id);
                        emailed.Add(user.Id);
                    }
                }
                Add(db, alert);
            }
            raised.Add(new Raised(p.AgencyId, p.Id, new ProcedureEvent("system", new AlertRaised(AlertKinds.Wire(t.Kind), t.SignerId, ids, emailed))));
        }
        return raised;
    }

    /// <summary>Written: an earlier attempt's rows are no longer this queue's to drop.</summary>
    public void Saved() => _added.Clear();

    private void Add(ParapheDbContext db, object entity)
    {
        db.Add(entity);
        _added.Add(entity);
    }

    private static Trigger? FromProcedure(Procedure p, ProcedureEvent e) => e.Fact switch
    {
        SignerDeclined d => new Trigger(p, AlertKind.SignerDeclined, d.SignerId, d.Reason),
        ProcedureSealed => new Trigger(p, AlertKind.ProcedureCompleted, null, null),
        ProcedureExpiringSoon => new Trigger(p, AlertKind.ProcedureExpiring, null,
            p.ExpiresAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        ProcedureSealingFailed f => new Trigger(p, AlertKind.SealingFailed, null, f.Reason),
        _ => null, // the other events raise no alert
    };

    /// <summary>The signer's every message, the ones being saved as they are now: both channels known bad, never alerted.</summary>
    private static async Task<Trigger?> UnreachableAsync(ParapheDbContext db, string procedureId, string signerId, CancellationToken ct)
    {
        var procedure = db.Procedures.Local.FirstOrDefault(p => p.Id == procedureId)
                        ?? await db.Procedures.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(p => p.Id == procedureId, ct);
        if (procedure is not { Status: ProcedureStatus.Ongoing }) return null;
        var stored = await db.Notifications.IgnoreQueryFilters().AsNoTracking()
            .Where(n => n.ProcedureId == procedureId && n.SignerId == signerId).ToListAsync(ct);
        var tracked = db.ChangeTracker.Entries<Notification>().Select(x => x.Entity)
            .Where(n => n.ProcedureId == procedureId && n.SignerId == signerId).ToDictionary(n => n.Id);
        var messages = stored.Where(n => !tracked.ContainsKey(n.Id)).Concat(tracked.Values);
        // One rule with the diagnosis and the reminders: both channels known bad for the signer's current coordinates.
        if (procedure.Signers.FirstOrDefault(s => s.Id == signerId) is not { } signer || !ChannelHealth.Of(signer, messages).Unreachable) return null;
        if (await db.Set<UserAlert>().IgnoreQueryFilters().AnyAsync(a => a.ProcedureId == procedureId && a.SignerId == signerId
                && a.Kind == AlertKind.SignerUnreachable, ct)) return null;
        return new Trigger(procedure, AlertKind.SignerUnreachable, signerId, null);
    }

    /// <summary>The procedure's agent when it names one of the agency's users, else every director.</summary>
    private static async Task<List<User>> RecipientsAsync(ParapheDbContext db, Procedure p, CancellationToken ct)
    {
        var users = db.Users.IgnoreQueryFilters().AsNoTracking().Where(u => u.AgencyId == p.AgencyId && u.DeactivatedAt == null);
        if (p.AgentUserId is { } id && await users.FirstOrDefaultAsync(u => u.Id == id, ct) is { } agent) return [agent];
        return await users.Where(u => u.Role == UserRole.Director).OrderBy(u => u.Id).ToListAsync(ct);
    }
}
