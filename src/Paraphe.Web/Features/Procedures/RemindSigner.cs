using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// The agent reminds one signer by email and SMS. The 2-day window holds under concurrency: the reminder bumps the
/// procedure's Version, so of two simultaneous requests only one commits; the other reloads and is judged again on
/// the saved state, which refuses it (429 reminder_cooldown) instead of sending a second reminder.
/// </summary>
public sealed class RemindSigner(ParapheDbContext db, OutboxSignal outbox)
{
    public async Task<Procedure> HandleAsync(string id, string signerId, string actor, CancellationToken ct)
    {
        // Someone else wrote this procedure first (perhaps the same reminder): nothing of ours was saved; judge again.
        var procedure = await db.RetryOnConflictAsync(async () =>
        {
            var procedure = await ProcedureMapping.FindAsync(db, id, ct);
            db.Notifications.AddRange(procedure.Remind(signerId, actor, db.UtcNow));
            await db.SaveChangesAsync(ct);
            return procedure;
        }, ct);
        outbox.Notify();
        return procedure;
    }
}
