using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Signing;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// Drawn signatures prepared once, at signing, in the form the stamper imports (issue 12): the sealing worker then
/// decodes and compresses nothing (<see cref="SignatureForm.For"/>). Written in the save that records the signature
/// (`signature_forms`, <see cref="SignatureFormRecord"/>); the PNG in the signer's row stays the evidence.
/// </summary>
public static class PreparedSignatureForms
{
    /// <summary>Larger forms are not stored (the sealer makes them from the PNG): a drawing no PNG filter can shrink.</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    /// <summary>
    /// Adds the prepared form of <paramref name="signer"/>'s drawing, just signed, to the save that records it. Nothing for
    /// a typed signature; nothing either if the drawing cannot be prepared (the sealer then tries from the PNG and names
    /// the signer): signing never fails for it.
    /// </summary>
    public static void Add(ParapheDbContext db, Procedure procedure, Signer signer, DateTime now)
    {
        if (SignatureImages.Bytes(signer.SignatureImage) is not { Length: > 0 } png) return;
        byte[] pdf;
        try { pdf = SignatureForm.Pdf(png, signer.DisplayName, SignatureForm.PreparedCompression); }
        catch (Paraphe.Domain.DomainException) { return; }
        if (pdf.Length > MaxBytes) return;
        db.SignatureForms.Add(new SignatureFormRecord
        {
            SignerId = signer.Id, ProcedureId = procedure.Id, AgencyId = procedure.AgencyId,
            Format = SignatureForm.Format, Pdf = pdf, CreatedAt = now,
        });
    }

    /// <summary>The forms of a procedure's signers in the current format, by signer id (the sealing worker: no tenant).</summary>
    public static Task<Dictionary<string, byte[]>> OfProcedureAsync(ParapheDbContext db, Procedure procedure, CancellationToken ct) =>
        db.SignatureForms.IgnoreQueryFilters().AsNoTracking()
            .Where(f => f.ProcedureId == procedure.Id && f.AgencyId == procedure.AgencyId && f.Format == SignatureForm.Format)
            .ToDictionaryAsync(f => f.SignerId, f => f.Pdf, ct);
}
