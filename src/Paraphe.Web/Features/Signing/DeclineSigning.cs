using Paraphe.Data;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Signing;

/// <summary>A signer refuses, with a reason; the procedure becomes `declined`.</summary>
public static class DeclineSigning
{
    public sealed record Request(string? Reason);

    public static async Task<Procedure> HandleAsync(ParapheDbContext db, SigningSession session, Request r, CancellationToken ct)
    {
        session.Procedure.Decline(session.Signer.Id, r.Reason, db.UtcNow);
        await db.SaveChangesAsync(ct);
        return session.Procedure;
    }
}
