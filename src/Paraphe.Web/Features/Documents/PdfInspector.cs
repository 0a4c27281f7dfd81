using PdfSharp.Pdf.IO;

namespace Paraphe.Web.Features.Documents;

/// <summary>Checks that an upload is a real, unencrypted, parseable PDF and counts its pages.</summary>
public static class PdfInspector
{
    public sealed record Result(bool Ok, int Pages, string? Error);

    public static Result Inspect(byte[] bytes)
    {
        // The header may follow some junk, but must be within the first 1024 bytes (as readers allow).
        if (bytes.Length < 64 || bytes.AsSpan(0, Math.Min(1024, bytes.Length)).IndexOf("%PDF-"u8) < 0)
            return new(false, 0, "Ce fichier n'est pas un PDF. Exportez votre contrat au format PDF puis recommencez.");
        if (bytes.AsSpan(Math.Max(0, bytes.Length - 2048)).IndexOf("%%EOF"u8) < 0)
            return new(false, 0, "Ce PDF est incomplet (fichier tronqué). Téléchargez-le de nouveau puis recommencez.");
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var asked = false;
            // Any password prompt (user or owner) means the file is encrypted: we could not stamp or seal it.
            using var doc = PdfReader.Open(stream, PdfDocumentOpenMode.Import, args =>
            {
                asked = true;
                args.Abort = true;
            });
            if (asked) return Encrypted;
            return doc.PageCount == 0
                ? new(false, 0, "Ce PDF ne contient aucune page.")
                : new(true, doc.PageCount, null);
        }
        catch (PdfReaderException e) when (e.Message.Contains("password", StringComparison.OrdinalIgnoreCase)
                                           || e.Message.Contains("encrypt", StringComparison.OrdinalIgnoreCase))
        {
            return Encrypted;
        }
        catch (Exception e) when (e is PdfReaderException or InvalidOperationException or FormatException
                                      or ArgumentException or IndexOutOfRangeException or NullReferenceException or InvalidCastException)
        {
            return new(false, 0, "Ce PDF est endommagé et ne peut pas être lu. Exportez-le de nouveau puis recommencez.");
        }
    }

    private static readonly Result Encrypted =
        new(false, 0, "Ce PDF est protégé par un mot de passe ou chiffré. Retirez la protection puis recommencez.");
}
