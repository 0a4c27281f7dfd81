using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Procedures;

public sealed partial class ExpirySweep
{
    /// <summary>
    /// Warns the agent once that an ongoing procedure is about to expire (<see cref="Procedure.WarnExpiryIfDue"/>: 3 days
    /// before, or half a shorter validity); the save raises the alert. Returns how many procedures were warned.
    /// </summary>
    public async Task<int> WarnAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        // Several instances: one pass at a time (the next finds the work done); the procedure's Version guards each save anyway.
        await using var pass = await DatabaseLock.AcquireAsync(db, DatabaseLock.Names.ExpiryWarnings, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var horizon = now + Procedure.ExpiryWarning(ProcedureRules.MaxExpiryDays);
        var due = await db.Procedures.IgnoreQueryFilters()
            .Where(p => p.Status == ProcedureStatus.Ongoing && p.ExpiryWarnedAt == null && p.ExpiresAt > now && p.ExpiresAt <= horizon)
            .OrderBy(p => p.ExpiresAt).Take(200).ToListAsync(ct);
        var warned = due.Count(p => p.WarnExpiryIfDue(now));
        if (warned == 0) return 0;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return 0; // a signer or another instance wrote one of them first: the next tick finds what is still due
        }
        return warned;
    }
}
