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
    private const int Attempts = 3;

    public async Task<Procedure> HandleAsync(string id, string signerId, string actor, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var procedure = await ProcedureMapping.FindAsync(db, id, ct);
            db.Notifications.AddRange(procedure.Remind(signerId, actor, db.UtcNow));
            try
            {
                await db.SaveChangesAsync(ct);
                outbox.Notify();
                return procedure;
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                // Someone else wrote this procedure first (perhaps the same reminder): nothing of ours was saved.
                db.ChangeTracker.Clear();
            }
        }
    }
}
