using Paraphe.Data;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// Cancels a draft or ongoing procedure (reason required); its signing links stop working at once and the
/// signers who were invited are told, by email and SMS, in the same transaction.
/// </summary>
public static class CancelProcedure
{
    public sealed record Request(string? Reason);

    public static async Task<Procedure> HandleAsync(ParapheDbContext db, OutboxSignal outbox, string id, string actor, Request r, CancellationToken ct)
    {
        var procedure = await ProcedureMapping.FindAsync(db, id, ct);
        db.Notifications.AddRange(procedure.Cancel(r.Reason, actor, db.UtcNow));
        await db.SaveChangesAsync(ct);
        outbox.Notify();
        return procedure;
    }
}
