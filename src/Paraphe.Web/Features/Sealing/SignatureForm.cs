using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using PdfSharp.Drawing;
using SkiaSharp;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// A drawn signature as a one-page PDF form that PDFsharp imports without decoding any pixel (issue 12): the PNG is
/// decoded once by SkiaSharp through the bounded decoder (<see cref="Signing.SignatureImages.PixelsForStamp"/>), its
/// colour and alpha written as two Flate image XObjects (the alpha as the colour's /SMask) by hand, and
/// <see cref="XGraphics.DrawImage(XImage, double, double, double, double)"/> of the <see cref="XPdfForm"/> copies those
/// streams into the document as they are. Before, PDFsharp's managed PNG decoder decoded each signature at every seal
/// (5–7 ms for 480 × 160 pixels; several times that for a phone canvas at device pixel ratio 3).
/// </summary>
public static class SignatureForm
{
    /// <summary>The signature as a form the size of its pixels (1 point a pixel: only its proportions matter).</summary>
    public static XPdfForm FromPng(byte[] png, string signerName) =>
        XPdfForm.FromStream(new MemoryStream(Pdf(png, signerName), writable: false));

    /// <summary>
    /// The number of the format <see cref="Pdf"/> writes, stored beside a form prepared at signing
    /// (`signature_forms.Format`): change it when the form changes, and the sealer prepares older rows again from their PNG.
    /// </summary>
    public const int Format = 1;

    /// <summary>
    /// The form the stamper draws for a signer: the one prepared at signing when there is one (nothing decoded or
    /// compressed at sealing, issue 12), else — a signature stored before, or a prepared form PDFsharp cannot open —
    /// made now from the PNG through the bounded decoder.
    /// </summary>
    public static XPdfForm For(byte[]? prepared, byte[] png, string signerName)
    {
        if (prepared is { Length: > 0 })
        {
            try { return XPdfForm.FromStream(new MemoryStream(prepared, writable: false)); }
            catch (Exception e) when (e is not OutOfMemoryException) { /* prepared again from the PNG below */ }
        }
        return FromPng(png, signerName);
    }

    /// <summary>zlib's level for a form prepared once at signing: smaller than <see cref="CompressionLevel.Fastest"/>
    /// for the same drawing, paid once by the signer's request instead of by every seal.</summary>
    public const CompressionLevel PreparedCompression = CompressionLevel.Optimal;

    /// <summary>The one-page PDF: the image (DeviceRGB, 8 bits, Flate) and its soft mask (DeviceGray), drawn over the page.</summary>
    /// <param name="compression">zlib's fastest level by default: a drawing is mostly transparent pixels, which every
    /// level compresses alike (measured in docs/PERFORMANCE.md « Issue 12 — stamp, evidence and seal »).</param>
    public static byte[] Pdf(byte[] png, string signerName, CompressionLevel compression = CompressionLevel.Fastest)
    {
        using var bitmap = Signing.SignatureImages.PixelsForStamp(png, signerName);
        var (width, height) = (bitmap.Width, bitmap.Height);
        var pixels = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;

        // A drawing from the signing page is one ink colour with antialiased edges: then the colour is a 1 × 1 image
        // and only the alpha is compressed, as the soft mask (PDF lets a soft mask have its own size).
        var ink = InkColour(pixels, width, height, rowBytes, out var opaque);

        // Else split RGBA (straight alpha) into RGB and A, compressing each as it is produced.
        var rgbOut = new MemoryStream();
        var alphaOut = new MemoryStream();
        using (var rgbZ = ink is null ? new ZLibStream(rgbOut, compression, leaveOpen: true) : null)
        using (var alphaZ = opaque ? null : new ZLibStream(alphaOut, compression, leaveOpen: true))
        {
            var rgbRow = new byte[width * 3];
            var alphaRow = new byte[width];
            for (var y = 0; y < height; y++)
            {
                var row = MemoryMarshal.Cast<byte, uint>(pixels.Slice(y * rowBytes, width * 4));
                if (rgbZ is null)
                {
                    for (var x = 0; x < row.Length; x++) alphaRow[x] = (byte)(row[x] >> 24);
                    alphaZ?.Write(alphaRow);
                    continue;
                }
                for (var x = 0; x < row.Length; x++)
                {
                    var p = row[x]; // little-endian RGBA: R in the low byte
                    var a = (byte)(p >> 24);
                    // Where nothing is drawn, the colour is irrelevant: black, so the colour stream compresses to nothing.
                    if (a == 0) p = 0;
                    rgbRow[3 * x] = (byte)p;
                    rgbRow[3 * x + 1] = (byte)(p >> 8);
                    rgbRow[3 * x + 2] = (byte)(p >> 16);
                    alphaRow[x] = a;
                }
                rgbZ?.Write(rgbRow);
                alphaZ?.Write(alphaRow);
            }
        }
        if (ink is uint colour) rgbOut.Write([(byte)colour, (byte)(colour >> 8), (byte)(colour >> 16)]);

        var pdf = new MemoryStream((int)(rgbOut.Length + alphaOut.Length) + 1024);
        var offsets = new List<long>();
        void Text(string s) { var bytes = Encoding.ASCII.GetBytes(s); pdf.Write(bytes); }
        void Object(string dictionary, ReadOnlySpan<byte> stream = default, bool hasStream = false)
        {
            offsets.Add(pdf.Position);
            Text($"{offsets.Count} 0 obj\n{dictionary}\n");
            if (hasStream)
            {
                Text("stream\n");
                pdf.Write(stream);
                Text("\nendstream\n");
            }
            Text("endobj\n");
        }

        var content = Encoding.ASCII.GetBytes($"q {width} 0 0 {height} 0 0 cm /Im0 Do Q");
        Text("%PDF-1.7\n");
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        Object($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>");
        Object($"<< /Length {content.Length} >>", content, hasStream: true);
        var image = $"/Type /XObject /Subtype /Image /Width {width} /Height {height} /BitsPerComponent 8 /Filter /FlateDecode";
        var colourImage = ink is null ? image : "/Type /XObject /Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8";
        Object($"<< {colourImage} /ColorSpace /DeviceRGB{(opaque ? "" : " /SMask 6 0 R")} /Length {rgbOut.Length} >>",
            rgbOut.GetBuffer().AsSpan(0, (int)rgbOut.Length), hasStream: true);
        if (!opaque)
            Object($"<< {image} /ColorSpace /DeviceGray /Length {alphaOut.Length} >>",
                alphaOut.GetBuffer().AsSpan(0, (int)alphaOut.Length), hasStream: true);

        var xref = pdf.Position;
        var table = new StringBuilder($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) table.Append($"{offset:D10} 00000 n \n");
        table.Append($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        Text(table.ToString());
        return pdf.ToArray();
    }

    /// <summary>
    /// The one colour of every drawn pixel (RGB in the low bytes), or null when there are several. Tolerant of the
    /// rounding of antialiased edges (straight alpha from a premultiplied canvas, strokes blended over each other where
    /// they cross, encoded and re-encoded): a pixel matches when its colour, weighted by its alpha (premultiplied), is
    /// within <see cref="InkTolerance"/> of the ink's — at most 8/255 of a channel's intensity, which no eye sees.
    /// <paramref name="opaque"/>: no pixel is transparent at all.
    /// </summary>
    /// <summary>Premultiplied units: 2 was too tight for a phone drawing whose loops cross (measured on the bench's).</summary>
    internal const int InkTolerance = 8;

    internal static uint? InkColour(ReadOnlySpan<byte> pixels, int width, int height, int rowBytes, out bool opaque)
    {
        uint ink = 0;
        var maxAlpha = 0;
        opaque = true;
        for (var y = 0; y < height; y++)
            foreach (var p in MemoryMarshal.Cast<byte, uint>(pixels.Slice(y * rowBytes, width * 4)))
            {
                var a = (int)(p >> 24);
                if (a > maxAlpha) (maxAlpha, ink) = (a, p);
                opaque &= a == 255;
            }
        if (maxAlpha == 0) return 0; // nothing drawn: any colour
        for (var y = 0; y < height; y++)
            foreach (var p in MemoryMarshal.Cast<byte, uint>(pixels.Slice(y * rowBytes, width * 4)))
            {
                var a = (int)(p >> 24);
                if (a == 0) continue;
                for (var shift = 0; shift < 24; shift += 8)
                    if (Math.Abs((int)((p >> shift) & 0xFF) - (int)((ink >> shift) & 0xFF)) * a > InkTolerance * 255) return null;
            }
        return ink & 0xFFFFFF;
    }
}
