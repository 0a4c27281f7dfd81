using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Documents;

namespace Paraphe.Web.Features.Procedures;

/// <summary>Manual mode ("Marquer comme signé"): signed on paper, optionally with the scanned copy.</summary>
public sealed class MarkSigned(ParapheDbContext db, UploadDocument upload)
{
    /// <summary>Two marks at once: the loser is judged again on the saved procedure (already completed: 409).</summary>
    public Task<Procedure> HandleAsync(string id, string actor, IFormFile? scan, CancellationToken ct) =>
        db.RetryOnConflictAsync(() => MarkAsync(id, actor, scan, ct), ct);

    private async Task<Procedure> MarkAsync(string id, string actor, IFormFile? scan, CancellationToken ct)
    {
        var procedure = await ProcedureMapping.FindAsync(db, id, ct);
        string? scanId = null;
        if (scan is { Length: > 0 })
        {
            procedure.EnsureMarkable();
            // A title at its limit leaves no room for the suffix: cut it rather than refuse the scan.
            const string suffix = " (exemplaire signé)";
            var keep = Math.Min(procedure.Title.Length, TextInput.Title.MaxLength - suffix.Length);
            if (keep < procedure.Title.Length && char.IsHighSurrogate(procedure.Title[keep - 1])) keep--; // never half an emoji
            var title = procedure.Title[..keep].TrimEnd() + suffix;
            var document = await upload.StageAsync(procedure.AgencyId, scan, title, "scan", ct);
            scanId = document.Id;
        }
        procedure.MarkSigned(scanId, actor, db.UtcNow);
        await db.SaveChangesAsync(ct);
        return procedure;
    }
}
