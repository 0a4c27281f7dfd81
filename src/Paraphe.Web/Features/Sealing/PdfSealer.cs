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
    public async Task<byte[]> SealAsync(byte[] pdf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        cancellationToken.ThrowIfCancellationRequested();
        using var input = new MemoryStream(pdf, writable: false);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        return await SealAsync(document, pdf.Length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stamps the signatures, appends the evidence page and seals, opening and writing the PDF once: the path every
    /// completed procedure takes (one parse, one save, one hash pass).
    /// </summary>
    public async Task<byte[]> StampAndSealAsync(byte[] pdf, IReadOnlyList<SignatureStamp> stamps, EvidenceFacts evidence,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        cancellationToken.ThrowIfCancellationRequested();
        DejaVuFonts.EnsureRegistered();
        using var input = new MemoryStream(pdf, writable: false);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        SignatureStamper.Stamp(document, stamps);
        EvidencePage.Append(document, evidence);
        return await SealAsync(document, pdf.Length, cancellationToken, evidence.ProcedureId).ConfigureAwait(false);
    }

    /// <summary>Signs an open document and writes it; nothing may change it afterwards.</summary>
    /// <param name="procedureId">Written in the seal's reason, so that /verify finds the procedure of a modified copy.</param>
    private async Task<byte[]> SealAsync(PdfDocument document, int sizeHint, CancellationToken cancellationToken, string? procedureId = null)
    {
        var o = options.Value;
        using var output = new MemoryStream(sizeHint + 64 * 1024);
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
        return output.ToArray();
    }

    /// <summary>Before the procedure id in the seal's reason: « Scellé par Paraphe (réf. prc_…) ».</summary>
    public const string ReferencePrefix = "réf. ";

    /// <summary>The seal is invisible: nothing to draw (and no font needed).</summary>
    private sealed class NoAppearance : IAnnotationAppearanceHandler
    {
        public void DrawAppearance(XGraphics gfx, XRect rect) { }
    }
}
