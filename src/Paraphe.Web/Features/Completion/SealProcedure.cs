using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Features.Verification;

namespace Paraphe.Web.Features.Completion;

/// <summary>One sealing job's work, as the worker runs it (a seam: tests put a slow or failing job in its place).</summary>
public interface ISealJob
{
    /// <returns>true when this call sealed the document.</returns>
    Task<bool> HandleAsync(SealingJob job, CancellationToken ct);
}

/// <summary>
/// Produces the signed document of one completed procedure: stamps, evidence page, platform seal; then, in one
/// transaction, stores it, records `procedure.sealed` in the audit trail, queues the completion emails and closes
/// the job. Runs in the sealing worker, never in a web request. Sealed once: a procedure already sealed only closes its job.
/// </summary>
public sealed class SealProcedure(ParapheDbContext db, PdfSealer sealer, SealCertificates certificates,
    IOptions<SealingOptions> options, TimeProvider clock, Paraphe.Web.Platform.Storage.StoredFiles files) : ISealJob
{
    /// <returns>true when this call sealed the document.</returns>
    public async Task<bool> HandleAsync(SealingJob job, CancellationToken ct)
    {
        var procedure = await db.Procedures.IgnoreQueryFilters().FirstAsync(p => p.Id == job.ProcedureId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (!procedure.AwaitsSeal)
        {
            job.DoneAt = now; // sealed by an earlier run whose job was not closed, or no longer completed
            job.Version++;
            await db.SaveChangesAsync(ct);
            return false;
        }

        var inputs = await SealInputs.GatherAsync(db, procedure, now, ct);
        // PDF work is CPU-bound: off the worker's loop thread, never on a request thread.
        // The sealed file stays in the sealer's pooled output buffer (no copy of it: issue 12, memory ≤ 2× the file),
        // given back once stored and recorded.
        using var sealedPdf = await Task.Run(() => sealer.StampAndSealUncopiedAsync(inputs.Pdf, inputs.Stamps, inputs.Evidence, ct), ct);
        var content = sealedPdf.Content;
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));

        // The object before the row: a worker that loses the race for the seal leaves an orphan object under its own
        // hash, never a row whose object is someone else's.
        var key = Paraphe.Web.Platform.Storage.StorageKeys.Sealed(procedure.AgencyId, procedure.Id, sha256);
        await files.PutAsync(key, content, ct);
        now = clock.GetUtcNow().UtcDateTime;
        db.SealedDocuments.Add(new SealedDocument
        {
            ProcedureId = procedure.Id, AgencyId = procedure.AgencyId, Sha256 = sha256, Size = content.Count,
            StorageKey = key, SealedAt = now, SealSignatureSha256 = PdfSeals.OwnSealSignatureHash(content),
        });
        var messages = procedure.RecordSeal(sha256, content.Count, !string.IsNullOrWhiteSpace(options.Value.TsaUrl),
            certificates.Seal.Subject, now);
        db.Notifications.AddRange(messages);
        job.DoneAt = now;
        job.LastError = null;
        job.FailedAt = null;
        job.Version++;
        await db.SaveChangesAsync(ct);
        return true;
    }
}
