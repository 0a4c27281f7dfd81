using Paraphe.Domain.Documents;
using PdfSharp.Pdf.IO;

namespace Paraphe.Web.Features.Documents;

/// <summary>Checks that an upload is a real, unencrypted, parseable PDF and counts its pages.</summary>
public static class PdfInspector
{
    /// <param name="Sizes">Each page's size as the stamper sees it (PDFsharp's page width and height, in points).</param>
    public sealed record Result(bool Ok, int Pages, string? Error, IReadOnlyList<PageSize>? Sizes = null);

    public static Result Inspect(byte[] bytes)
    {
        // The header may follow some junk, but must be within the first 1024 bytes (as readers allow).
        if (bytes.Length < 64 || bytes.AsSpan(0, Math.Min(1024, bytes.Length)).IndexOf("%PDF-"u8) < 0)
            return new(false, 0, "Ce fichier n'est pas un PDF. Exportez votre contrat au format PDF puis recommencez.");
        if (bytes.AsSpan(Math.Max(0, bytes.Length - 2048)).IndexOf("%%EOF"u8) < 0)
            return new(false, 0, "Ce PDF est incomplet (fichier tronqué). Téléchargez-le de nouveau puis recommencez.");
        if (PdfNesting.TooDeep(bytes)) return TooDeep;
        var asked = false;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            // Any password prompt (user or owner) means the file is encrypted: we could not stamp or seal it.
            // Modify, not Import: a file with only an owner password opens for reading without a prompt.
            using var doc = PdfReader.Open(stream, PdfDocumentOpenMode.Modify, args =>
            {
                asked = true;
                args.Abort = true;
            });
            if (asked) return Encrypted;
            return doc.PageCount == 0
                ? new(false, 0, "Ce PDF ne contient aucune page.")
                : new(true, doc.PageCount, null, doc.Pages.Cast<PdfSharp.Pdf.PdfPage>().Select(p => new PageSize(p.Width.Point, p.Height.Point)).ToList());
        }
        catch (Exception) when (asked)
        {
            return Encrypted; // PDFsharp throws (NullReferenceException) after an aborted password prompt
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            // Untrusted bytes in a third-party parser: anything it throws (even a bare Exception) means "cannot be read".
            return new(false, 0, "Ce PDF est endommagé et ne peut pas être lu. Exportez-le de nouveau puis recommencez.");
        }
    }

    private static readonly Result TooDeep =
        new(false, 0, "Ce PDF est construit de façon anormale (imbrication trop profonde) et ne peut pas être lu. Exportez-le de nouveau puis recommencez.");

    private static readonly Result Encrypted =
        new(false, 0, "Ce PDF est protégé par un mot de passe ou chiffré. Retirez la protection puis recommencez.");
}
