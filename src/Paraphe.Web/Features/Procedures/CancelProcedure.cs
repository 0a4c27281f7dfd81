using Paraphe.Data;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Procedures;

/// <summary>Cancels a draft or ongoing procedure (reason required); its signing links stop working at once.</summary>
public static class CancelProcedure
{
    public sealed record Request(string? Reason);

    public static async Task<Procedure> HandleAsync(ParapheDbContext db, string id, string actor, Request r, CancellationToken ct)
    {
        var procedure = await ProcedureMapping.FindAsync(db, id, ct);
        procedure.Cancel(r.Reason, actor, db.UtcNow);
        await db.SaveChangesAsync(ct);
        return procedure;
    }
}
