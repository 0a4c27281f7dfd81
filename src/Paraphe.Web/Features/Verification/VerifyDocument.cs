using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Completion;
using Paraphe.Web.Features.Documents;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Verification;

public sealed record VerifiedSigner(string Name, DateTime? SignedAt, string Method);

public sealed record VerifiedProcedure(string Id, string Title, string Agency, DateTime? CompletedAt, DateTime? SealedAt,
    IReadOnlyList<VerifiedSigner> Signers);

/// <param name="Result">intact | modified | not_sealed | other_seal.</param>
public sealed record VerificationResponse(string Result, string Message, string Sha256, string? Detail, VerifiedProcedure? Procedure);

/// <summary>
/// « Vérifier un document »: is this PDF a document sealed by this Paraphe, intact or modified, and to which procedure
/// and signers does it belong? Public: whoever holds the document (a notary, a bank) may check it.
/// </summary>
public sealed class VerifyDocument(ParapheDbContext db, SealCertificates certificates, IOptions<ParapheOptions> options)
{
    public const string Intact = "intact", Modified = "modified", NotSealed = "not_sealed", OtherSeal = "other_seal";

    public async Task<VerificationResponse> HandleAsync(IFormFile? file, CancellationToken ct)
    {
        var pdf = await UploadDocument.ReadAsync(file, "Joignez le document PDF à vérifier (champ `file`).", options.Value, ct);
        return await HandleAsync(pdf, ct);
    }

    public async Task<VerificationResponse> HandleAsync(byte[] pdf, CancellationToken ct)
    {
        if (pdf.Length < 5 || !pdf.AsSpan(0, 5).SequenceEqual("%PDF-"u8))
            throw new DomainException(Problems.InvalidDocument, "Ce fichier n'est pas un PDF.",
                new Dictionary<string, string[]> { ["file"] = ["Ce fichier n'est pas un PDF."] });
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(pdf));

        var stored = await db.SealedDocuments.IgnoreQueryFilters().AsNoTracking()
            .Where(d => d.Sha256 == sha256).Select(d => d.ProcedureId).FirstOrDefaultAsync(ct);
        if (stored is not null)
            return new(Intact, "Document authentique et intact : c'est exactement le document scellé par Paraphe.", sha256, null,
                await ProcedureAsync(stored, ct));

        // Parsing and hashing are CPU work proportional to the file: off the request's thread, stopped with it.
        var reading = await Task.Run(() => Read(pdf, ct), ct);
        if (reading is null)
            throw new DomainException(Problems.InvalidDocument, Unreadable,
                new Dictionary<string, string[]> { ["file"] = [Unreadable] });
        var (seals, seal, digestMatches) = reading.Value;
        if (seals.Count == 0)
            return new(NotSealed, "Ce document ne porte aucun cachet électronique : ce n'est pas un document signé et scellé par Paraphe " +
                "(ou c'est une copie imprimée, scannée ou réenregistrée).", sha256, null, null);
        if (seal is null)
            return new(OtherSeal, "Ce document est signé électroniquement, mais pas par ce service Paraphe.", sha256, null, null);

        var procedure = await ConfirmedProcedureAsync(seal, ct) is { } id ? await ProcedureAsync(id, ct) : null;
        var detail = !digestMatches
            ? "Le contenu scellé a été modifié : son empreinte ne correspond plus au cachet."
            : !seal.CoversWholeFile
                ? "Des modifications ont été ajoutées au document après son scellement."
                : "Le cachet est valide mais ce document n'est pas celui que Paraphe a conservé.";
        return new(Modified, "Attention : ce document a été modifié après sa signature. Demandez l'original à l'agence.",
            sha256, detail, procedure);
    }

    private const string Unreadable = "Ce PDF est endommagé ou construit de façon anormale : il ne peut pas être vérifié.";

    /// <summary>The signatures the form references; ours, the one covering the most of the file; and whether it verifies
    /// (the only one hashed). Null when the file cannot be read.</summary>
    private (IReadOnlyList<PdfSeal> Seals, PdfSeal? Ours, bool DigestMatches)? Read(byte[] pdf, CancellationToken ct)
    {
        if (PdfSeals.Read(pdf) is not { } seals) return null;
        var ours = seals.Where(IsOurs).MaxBy(s => s.ByteRange[2] + s.ByteRange[3]);
        return (seals, ours, ours is not null && PdfSeals.DigestMatches(pdf, ours, ct));
    }

    /// <summary>
    /// The procedure a seal of ours belongs to, named only when two things agree: the reason in its signature dictionary
    /// (what the seal says it sealed) and the stored record of that procedure, whose seal must be this very seal (same
    /// CMS signature value, unique to one sealing and unforgeable without our key). A procedure id pasted into a copy
    /// of another document's seal names nothing. Records sealed before the signature value was stored get it computed
    /// from their stored bytes, once.
    /// </summary>
    private async Task<string?> ConfirmedProcedureAsync(PdfSeal seal, CancellationToken ct)
    {
        if (seal.ProcedureId is not { } claimed) return null;
        var record = await db.SealedDocuments.IgnoreQueryFilters().FirstOrDefaultAsync(d => d.ProcedureId == claimed, ct);
        if (record is null) return null;
        if (record.SealSignatureSha256 is null)
        {
            record.SealSignatureSha256 = PdfSeals.OwnSealSignatureHash(
                await Paraphe.Web.Platform.Storage.StoredFiles.Of(db).ReadAllAsync(record, ct));
            if (record.SealSignatureSha256 is not null) await db.SaveChangesAsync(ct);
        }
        return record.SealSignatureSha256 == PdfSeals.SignatureHash(seal.SignatureValue) ? claimed : null;
    }

    /// <summary>
    /// Sealed with this instance's seal certificate, or a renewal of it: same subject, issued by the same authority's key
    /// (checked by building the chain to it). Neither alone is enough: a commercial CA issues seals to many others, and
    /// every development install names its seal alike.
    /// </summary>
    private bool IsOurs(PdfSeal seal)
    {
        if (seal.Cms?.SignerInfos is not { Count: > 0 } infos || infos[0].Certificate is not { } signer) return false;
        var ours = certificates.Seal;
        if (signer.Thumbprint == ours.Thumbprint) return true;
        if (!signer.SubjectName.RawData.AsSpan().SequenceEqual(ours.SubjectName.RawData) || certificates.Chain.Count == 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(certificates.Chain);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid; // an older seal may have expired
        return chain.Build(signer);
    }

    private async Task<VerifiedProcedure?> ProcedureAsync(string procedureId, CancellationToken ct)
    {
        var p = await db.Procedures.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(x => x.Id == procedureId, ct);
        if (p is null) return null;
        var agency = await db.Agencies.AsNoTracking().Where(a => a.Id == p.AgencyId).Select(a => a.Name).FirstAsync(ct);
        var signed = AuditCatalogue.TypeOf(AuditKind.SignerSigned);
        var audit = await db.AuditEvents.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.ProcedureId == p.Id && e.Type == signed).OrderBy(e => e.Seq).ToListAsync(ct);
        var methods = SealInputs.Methods(p, audit); // as the evidence page says
        return new VerifiedProcedure(p.Id, p.Title, agency, p.CompletedAt, p.SealedAt,
            p.Signers.OrderBy(s => s.Order)
                .Select(s => new VerifiedSigner(s.DisplayName, s.SignedAt, EvidencePage.Method(methods[s.Id]))).ToList());
    }
}
