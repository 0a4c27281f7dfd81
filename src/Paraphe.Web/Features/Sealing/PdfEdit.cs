using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace Paraphe.Web.Features.Sealing;

/// <summary>Opens a PDF from its bytes, lets <paramref name="edit"/> change it, and returns the saved bytes.</summary>
internal static class PdfEdit
{
    public static byte[] Apply(byte[] pdf, Action<PdfDocument> edit)
    {
        DejaVuFonts.EnsureRegistered();
        using var input = new MemoryStream(pdf, writable: false);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        edit(document);
        using var output = new MemoryStream(pdf.Length + 64 * 1024);
        document.Save(output, closeStream: false);
        return output.ToArray();
    }
}
