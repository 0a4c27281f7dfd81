using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// The agent reminds one signer by email and SMS. The 2-day window holds under concurrency: the reminder bumps the
/// procedure's Version, so of two simultaneous requests only one commits; the other reloads and is judged again on
/// the saved state, which refuses it (429 reminder_cooldown) instead of sending a second reminder. A channel known bad
/// (<see cref="Domain.Diagnosis.ChannelHealth"/>) is skipped: SMS only after a hard bounce, and 422 contact_unreachable
/// when neither channel reaches the signer.
/// </summary>
public sealed class RemindSigner(ParapheDbContext db, OutboxSignal outbox)
{
    public sealed record Result(Procedure Procedure, ReminderOutcome Outcome);

    public async Task<Result> HandleAsync(string id, string signerId, string actor, CancellationToken ct)
    {
        ReminderOutcome? outcome = null;
        // Someone else wrote this procedure first (perhaps the same reminder): nothing of ours was saved; judge again.
        var procedure = await db.RetryOnConflictAsync(async () =>
        {
            var procedure = await ProcedureMapping.FindAsync(db, id, ct);
            // All of the signer's messages so far: a channel known bad is left out, or the reminder refused if both are.
            var history = await db.Notifications.AsNoTracking().Where(n => n.ProcedureId == id && n.SignerId == signerId)
                .ToListAsync(ct);
            var sent = procedure.Remind(signerId, actor, db.UtcNow, history);
            db.Notifications.AddRange(sent);
            await db.SaveChangesAsync(ct);
            var signer = procedure.Signer(signerId);
            outcome = new ReminderOutcome(signerId, sent.Select(n => n.Channel == Channel.Email ? "email" : "sms").ToList(),
                ChannelHealth.Of(signer, history).ReminderNote);
            return procedure;
        }, ct);
        outbox.Notify();
        return new Result(procedure, outcome!);
    }
}
