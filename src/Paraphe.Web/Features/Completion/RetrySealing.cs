using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Completion;

/// <summary>
/// `sealing` in a procedure's representation: where the signed document stands once every signer has signed.
/// </summary>
/// <param name="Status">pending (being sealed, or retried after a failed attempt) | failed (given up: an agent must
/// retry) | sealed.</param>
/// <param name="Attempts">Attempts made so far (counted again from 0 after a retry).</param>
/// <param name="LastError">Why the last attempt failed, in French; null when none failed.</param>
/// <param name="FailedAt">When the job was given up (status failed).</param>
/// <param name="NextAttemptAt">When the next attempt is due (status pending).</param>
public sealed record SealingResponse(string Status, int Attempts, string? LastError, DateTime? FailedAt, DateTime? NextAttemptAt)
{
    /// <summary>Null before completion (and for a completion older than the sealing jobs).</summary>
    public static SealingResponse? Of(Procedure p, SealingJob? job) => job switch
    {
        _ when p.IsSealed => new("sealed", job?.Attempts ?? 0, null, null, null),
        null => null,
        { FailedAt: not null } => new("failed", job.Attempts, job.LastError, job.FailedAt, null),
        _ when p.Status == ProcedureStatus.Completed => new("pending", job.Attempts, job.LastError, null, job.NextAttemptAt),
        _ => null,
    };
}

/// <summary>
/// « Relancer le scellement »: a failed sealing job is given its attempts again and the worker is woken at once;
/// recorded as `procedure.sealing_retried`. Only a failed job can be retried (409 `invalid_transition`).
/// </summary>
public static class RetrySealing
{
    public static async Task<Procedure> HandleAsync(ParapheDbContext db, SealingSignal signal, string id, string actor, CancellationToken ct)
    {
        var procedure = await ProcedureMapping.FindAsync(db, id, ct);
        var job = await db.SealingJobs.FirstOrDefaultAsync(j => j.ProcedureId == procedure.Id, ct);
        if (job?.FailedAt is null || !procedure.AwaitsSeal)
            throw new DomainException(ErrorCodes.InvalidTransition, procedure.IsSealed
                ? "Le document de cette procédure est déjà scellé."
                : "Le scellement de cette procédure n'est pas en échec : il n'y a rien à relancer.");
        procedure.RecordSealingRetry(actor);
        job.FailedAt = null;
        job.Attempts = 0;
        job.NextAttemptAt = db.UtcNow;
        job.Version++;
        await db.SaveChangesAsync(ct);
        signal.Notify();
        return procedure;
    }

    public static RouteGroupBuilder MapRetrySealingApi(this RouteGroupBuilder api)
    {
        api.MapPost("/procedures/{id}/sealing/retry", async Task<Accepted<ProcedureResponse>> (string id, ParapheDbContext db,
            SealingSignal signal, HttpContext http, CancellationToken ct) =>
        {
            var procedure = await HandleAsync(db, signal, id, http.User.Actor(), ct);
            return TypedResults.Accepted($"/api/v1/procedures/{procedure.Id}", await procedure.ToResponseAsync(db, ct));
        }).WithTags("Procedures");
        return api;
    }
}
