using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Features.Signing;

namespace Paraphe.Web.Features.Completion;

/// <summary>What sealing a completed procedure needs: the PDF to seal, the signatures to stamp and the evidence facts.</summary>
public sealed record SealInputs(byte[] Pdf, IReadOnlyList<SignatureStamp> Stamps, EvidenceFacts Evidence)
{
    /// <summary>
    /// Gathers them from the database (no tenant: the worker serves every agency, each read scoped by procedure).
    /// Manual mode seals the scanned copy when the agent uploaded one, else the original, with no stamp (the
    /// signatures are on paper).
    /// </summary>
    public static async Task<SealInputs> GatherAsync(ParapheDbContext db, Procedure procedure, DateTime now, CancellationToken ct)
    {
        var documentId = procedure.Mode == ProcedureMode.Manual && procedure.ScannedDocumentId is { } scan ? scan : procedure.DocumentId;
        var pdf = await Paraphe.Web.Platform.Storage.StoredFiles.Of(db).ReadDocumentAsync(db.DocumentContents.IgnoreQueryFilters()
                      .Where(c => c.DocumentId == documentId && c.AgencyId == procedure.AgencyId), ct)
                  ?? throw new InvalidOperationException($"The document {documentId} of {procedure.Id} has no content row.");
        var documentTitle = await db.Documents.IgnoreQueryFilters().AsNoTracking()
            .Where(d => d.Id == procedure.DocumentId).Select(d => d.Title).FirstAsync(ct);
        var invitations = await db.Notifications.IgnoreQueryFilters().AsNoTracking().Include(n => n.Events)
            .Where(n => n.ProcedureId == procedure.Id && n.Purpose == Purpose.Invitation).ToListAsync(ct);
        var audit = await db.AuditEvents.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.ProcedureId == procedure.Id).OrderBy(e => e.Seq).ToListAsync(ct);
        var methods = Methods(procedure, audit);

        var signers = procedure.Signers.OrderBy(s => s.Order).ToList();
        var forms = procedure.Mode == ProcedureMode.Manual ? new Dictionary<string, byte[]>() : await PreparedSignatureForms.OfProcedureAsync(db, procedure, ct);
        var stamps = procedure.Mode == ProcedureMode.Manual
            ? []
            : signers.Select((s, i) => (s, i)).Where(x => x.s.SignedAt is not null)
                .Select(x => StampOf(x.s, x.i + 1, forms.GetValueOrDefault(x.s.Id))).ToList();
        var evidence = new EvidenceFacts(procedure.Id, procedure.Title, documentTitle,
            procedure.DocumentSha256 ?? "",
            signers.Select(s => new SignerEvidence(s.DisplayName, s.Email, s.Mobile,
                methods[s.Id],
                FirstDelivery(invitations, s.Id), s.OpenedAt, s.SignedAt, s.SignedIp, s.SignedUserAgent,
                PlaceOf(procedure, s))).ToList(),
            audit.LastOrDefault()?.Hash ?? "", now,
            audit.Select(e => new EvidenceEvent(e.Seq, e.At, e.Type, WhoOf(procedure, e.Actor))).ToList(),
            await db.Agencies.AsNoTracking().Where(a => a.Id == procedure.AgencyId)
                .Select(a => new AgencyEvidence(a.Name, a.Address, a.ProfessionalCard)).FirstOrDefaultAsync(ct));
        return new SealInputs(pdf, stamps, evidence);
    }

    private static SignatureStamp StampOf(Signer s, int number, byte[]? preparedForm)
    {
        var png = SignatureImages.Bytes(s.SignatureImage);
        var box = s.Field is { } f ? new StampBox(f.Page, f.X, f.Y, f.Width, f.Height) : null;
        return new SignatureStamp(s.DisplayName, s.SignedAt!.Value, box, png, s.TypedName, s.Role, number,
            png is { Length: > 0 } ? preparedForm : null);
    }

    /// <summary>Where the signature is drawn, as the evidence page says it; nothing for a procedure signed on paper.</summary>
    private static string? PlaceOf(Procedure procedure, Signer s) =>
        procedure.Mode == ProcedureMode.Manual || s.SignedAt is null ? null
        : s.Field is { } f ? EvidencePage.PlaceOnPage(f.Page) : EvidencePage.PlaceOnAddedPage;

    /// <summary>How each signer signed, for the evidence page and /verify: one reading of the trail for both.</summary>
    public static Dictionary<string, SignatureMethod> Methods(Procedure procedure, IEnumerable<AuditEvent> audit)
    {
        var recorded = audit.Select(AuditCatalogue.Read).OfType<SignerSigned>()
            .Where(s => s.SignerId is not null)
            .GroupBy(s => s.SignerId)
            .ToDictionary(g => g.Key, g => (string?)g.Last().Method);
        return procedure.Signers.ToDictionary(s => s.Id, s => MethodOf(procedure, s, recorded.GetValueOrDefault(s.Id)));
    }

    /// <summary>From the audit trail's `signer.signed` (what was checked at the time), else from the signer's record.</summary>
    private static SignatureMethod MethodOf(Procedure procedure, Signer s, string? recorded) => recorded switch
    {
        not null => EvidencePage.MethodOf(recorded),
        _ when procedure.Mode == ProcedureMode.Manual => SignatureMethod.OnPaper,
        _ when s.SignedInPerson => SignatureMethod.InPerson,
        _ => procedure.Otp ? SignatureMethod.RemoteWithSmsCode : SignatureMethod.Remote,
    };

    /// <summary>A signer's name for the chronology when the event is theirs (`signer:{id}`); null for the agency and the system.</summary>
    private static string? WhoOf(Procedure procedure, string actor) =>
        actor.StartsWith("signer:", StringComparison.Ordinal)
            ? procedure.Signers.FirstOrDefault(s => s.Id == actor["signer:".Length..])?.DisplayName
            : null;

    /// <summary>When the first invitation (email or SMS) reached the signer, if a provider said so.</summary>
    private static DateTime? FirstDelivery(IEnumerable<Notification> invitations, string signerId) =>
        invitations.Where(n => n.SignerId == signerId)
            .SelectMany(n => n.Events).Where(e => e.Status == DeliveryStatus.Delivered)
            .Select(e => (DateTime?)e.At).Min();
}
