using Microsoft.Extensions.Options;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Annotations;
using PdfSharp.Pdf.IO;
using PdfSharp.Pdf.Signatures;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// Applies the platform seal: one invisible PAdES baseline signature (ETSI.CAdES.detached) over the whole, already
/// stamped PDF, timestamped (B-T) when `Paraphe:Sealing:TsaUrl` is set. PDFsharp rewrites the file on save, so this must be the last change made to the document.
/// </summary>
public sealed class PdfSealer(SealCertificates certificates, IOptions<SealingOptions> options, IHttpClientFactory httpClients)
{
    /// <summary>The output buffers of this sealer's seals (one sealer per app), reused from one seal to the next.</summary>
    private readonly Microsoft.IO.RecyclableMemoryStreamManager buffers = SealedPdf.NewPool();

    /// <summary>Bytes of output buffers held by seals not yet disposed (0 once every seal has given its buffer back).</summary>
    internal long BufferBytesInUse => buffers.LargePoolInUseSize;

    /// <summary>Bytes of output buffers kept idle for the next seals.</summary>
    internal long BufferBytesKept => buffers.LargePoolFreeSize;

    /// <summary>Room the seal adds to a file: the hex-encoded CMS placeholder (certificates, signer info, and a
    /// timestamp token when a TSA is set), the signature dictionary and field, the new cross-reference entries.</summary>
    private const int SealRoom = 128 * 1024;

    /// <summary>Room stamping adds: the font subsets (DejaVu Sans, Bold, Serif Italic) and the evidence page…</summary>
    private const int StampRoom = 256 * 1024;

    /// <summary>…and each signature image made at sealing from its PNG. Too little room makes the output buffer double (a
    /// 26 MB file then briefly takes 52 MB more and is copied once more); too much costs a few hundred kilobytes.</summary>
    private const int RoomPerStamp = 256 * 1024; // a 1,200 × 400 phone drawing adds 55–65 KB (colour + soft mask)

    /// <summary>A form prepared at signing is copied as it is: its own size (an upper bound of the streams it holds) plus
    /// this for the form XObject PDFsharp wraps around it (issue 12: 3 × 256 KB reserved for 3 × ~45 KB used before).</summary>
    private const int RoomPerPreparedForm = 8 * 1024;

    /// <summary>Room the stamps add to the output: exact for prepared forms, generous for the others.</summary>
    private static long StampsRoom(IReadOnlyList<SignatureStamp> stamps) =>
        stamps.Sum(s => s.PreparedForm is { Length: > 0 } form ? form.Length + RoomPerPreparedForm : RoomPerStamp);

    public async Task<byte[]> SealAsync(byte[] pdf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        cancellationToken.ThrowIfCancellationRequested();
        using var input = new MemoryStream(pdf, writable: false);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        using var sealedPdf = await SealAsync(document, (long)pdf.Length + SealRoom, cancellationToken).ConfigureAwait(false);
        return sealedPdf.Content.ToArray();
    }

    /// <summary>
    /// Stamps the signatures, appends the evidence page and seals, opening and writing the PDF once: the path every
    /// completed procedure takes (one parse, one save, one hash pass).
    /// </summary>
    public async Task<byte[]> StampAndSealAsync(byte[] pdf, IReadOnlyList<SignatureStamp> stamps, EvidenceFacts evidence,
        CancellationToken cancellationToken = default)
    {
        using var sealedPdf = await StampAndSealUncopiedAsync(pdf, stamps, evidence, cancellationToken).ConfigureAwait(false);
        return sealedPdf.Content.ToArray();
    }

    /// <summary>
    /// <see cref="StampAndSealAsync"/> without its final copy: the sealed file is left in the pooled output buffer
    /// (issue 12: for a 26 MB scan, 26 MB less allocated and copied, and its buffer reused by the next seal). The caller
    /// disposes it once the file is stored.
    /// </summary>
    public async Task<SealedPdf> StampAndSealUncopiedAsync(byte[] pdf, IReadOnlyList<SignatureStamp> stamps,
        EvidenceFacts evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        cancellationToken.ThrowIfCancellationRequested();
        DejaVuFonts.EnsureRegistered();
        using var input = new MemoryStream(pdf, writable: false);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        // The streams PDFsharp compresses on save are the few written here (font subsets, the pages' text): zlib's fastest
        // level costs ~0.8 ms less a seal than its default and a few kilobytes (issue 12); existing streams are copied as they are.
        document.Options.FlateEncodeMode = PdfFlateEncodeMode.BestSpeed;
        SignatureStamper.Stamp(document, stamps);
        EvidencePage.Append(document, evidence);
        var expectedSize = (long)pdf.Length + SealRoom + StampRoom + StampsRoom(stamps);
        return await SealAsync(document, expectedSize, cancellationToken, evidence.ProcedureId).ConfigureAwait(false);
    }

    /// <summary>Signs an open document and writes it; nothing may change it afterwards.</summary>
    /// <param name="expectedSize">Capacity of the output buffer: at least the sealed file's size, so it never grows.</param>
    /// <param name="procedureId">Written in the seal's reason, so that /verify finds the procedure of a modified copy.</param>
    private async Task<SealedPdf> SealAsync(PdfDocument document, long expectedSize, CancellationToken cancellationToken,
        string? procedureId = null)
    {
        var sealedPdf = SealedPdf.Rent(buffers, expectedSize);
        try
        {
            await SealIntoAsync(document, sealedPdf.Output, procedureId, cancellationToken).ConfigureAwait(false);
            return sealedPdf;
        }
        catch
        {
            sealedPdf.Dispose(); // the buffer goes back to the pool whatever failed (the timestamp authority, a cancellation)
            throw;
        }
    }

    private async Task SealIntoAsync(PdfDocument document, MemoryStream output, string? procedureId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var timestamps = string.IsNullOrWhiteSpace(o.TsaUrl)
            ? null
            : new TimestampClient(httpClients.CreateClient(TimestampClient.HttpClientName), new Uri(o.TsaUrl));
        var signer = new CadesSigner(certificates.Seal, certificates.Chain, output, timestamps);
        DigitalSignatureHandler.ForDocument(document, signer, new DigitalSignatureOptions
        {
            Reason = procedureId is null ? o.Reason : $"{o.Reason} ({ReferencePrefix}{procedureId})",
            Location = o.Location ?? "",
            ContactInfo = o.ContactInfo ?? "",
            AppName = "Paraphe",
            PageIndex = 0,
            Rectangle = new XRect(0, 0, 0, 0),
            AppearanceHandler = new NoAppearance(),
        });
        cancellationToken.ThrowIfCancellationRequested();
        await document.SaveAsync(output, closeStream: false).ConfigureAwait(false);
    }

    /// <summary>Before the procedure id in the seal's reason: « Scellé par Paraphe (réf. prc_…) ».</summary>
    public const string ReferencePrefix = "réf. ";

    /// <summary>The seal is invisible: nothing to draw (and no font needed).</summary>
    private sealed class NoAppearance : IAnnotationAppearanceHandler
    {
        public void DrawAppearance(XGraphics gfx, XRect rect) { }
    }
}
