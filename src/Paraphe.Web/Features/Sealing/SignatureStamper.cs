using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Paraphe.Web.Pages;

namespace Paraphe.Web.Features.Sealing;

/// <summary>A box in PDF points, PDF convention: origin at the bottom left of the page, y upwards.</summary>
public sealed record StampBox(int PageNumber, double X, double Y, double Width, double Height);

/// <summary>
/// One signer's visible signature. <see cref="Box"/> null: on the « Page des signatures » added at the end of the
/// document (<see cref="SignaturePage"/>), with the signer's <see cref="Role"/>. Without <see cref="SignaturePng"/>,
/// <see cref="TypedName"/> (or the name) is written in italics. <see cref="Number"/>: the signer's number in the
/// signing order, as the evidence page numbers them (else their rank on the signature page).
/// <see cref="PreparedForm"/>: the drawing as the form prepared at signing (<see cref="SignatureForm.Format"/>), drawn
/// instead of decoding <see cref="SignaturePng"/> again; null for a signature stored before.
/// </summary>
public sealed record SignatureStamp(
    string SignerName, DateTime SignedAtUtc, StampBox? Box = null, byte[]? SignaturePng = null, string? TypedName = null,
    string? Role = null, int? Number = null, byte[]? PreparedForm = null);

/// <summary>
/// Draws the signers' signatures (image or typed name) with the caption « Signé électroniquement par … le … ».
/// Pure function over bytes; the platform seal must come after (PDFsharp rewrites the file on save).
/// </summary>
public static class SignatureStamper
{
    public const double Margin = 40;
    public static byte[] Stamp(byte[] pdf, IReadOnlyList<SignatureStamp> stamps)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(stamps);
        return PdfEdit.Apply(pdf, document => Stamp(document, stamps));
    }

    /// <summary>Caption under a signature: « Signé électroniquement par Marie Curie le 27/11/2026 à 23:08 » (Paris time).</summary>
    public static string Caption(string name, DateTime signedAtUtc) =>
        $"Signé électroniquement par {name} le {Labels.When(signedAtUtc)}";

    internal static void Stamp(PdfDocument document, IReadOnlyList<SignatureStamp> stamps)
    {
        foreach (var stamp in stamps.Where(s => s.Box is not null))
        {
            var box = stamp.Box!;
            if (box.PageNumber < 1 || box.PageNumber > document.PageCount)
                throw new ArgumentOutOfRangeException(nameof(stamps), $"Page {box.PageNumber} absente (le document en a {document.PageCount}).");
            if (box.Width <= 0 || box.Height <= 0)
                throw new ArgumentOutOfRangeException(nameof(stamps), "Le cadre de signature doit avoir une largeur et une hauteur.");
            var page = document.Pages[box.PageNumber - 1];
            using var gfx = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
            // PDF y goes up from the bottom of the media box; XGraphics y goes down from its top.
            var top = gfx.PageSize.Height - box.Y - box.Height;
            DrawSignature(gfx, new XRect(box.X, top, box.Width, box.Height), stamp);
        }

        // Without a chosen place: a page of its own at the end, never over the contract's content.
        var automatic = stamps.Where(s => s.Box is null).ToList();
        if (automatic.Count > 0) SignaturePage.Append(document, automatic);
        ToUnicodeFix.Apply(document);
    }

    /// <summary>The signature (image or typed name) in the upper part of the box, the caption under it.</summary>
    internal static void DrawSignature(XGraphics gfx, XRect box, SignatureStamp stamp)
    {
        var (caption, captionSize) = Fit($"Signé électroniquement par {stamp.SignerName}", DejaVuFonts.Sans, 7,
            XFontStyleEx.Regular, box.Width);
        var lineHeight = captionSize * 1.25;
        var captionHeight = Math.Min(2 * lineHeight, box.Height / 2);
        var area = new XRect(box.X, box.Y, box.Width, box.Height - captionHeight);

        gfx.DrawRectangle(new XPen(XColors.LightGray, 0.5), box);
        if (stamp.SignaturePng is { Length: > 0 } png)
        {
            // The form prepared at signing, else through the bounded decoder (an image stored before its checks cannot
            // blow up sealing): a form whose image streams PDFsharp copies without decoding them (issue 12).
            using var image = SignatureForm.For(stamp.PreparedForm, png, stamp.SignerName);
            var scale = Math.Min(area.Width / image.PointWidth, area.Height / image.PointHeight);
            var w = image.PointWidth * scale;
            var h = image.PointHeight * scale;
            gfx.DrawImage(image, area.X + (area.Width - w) / 2, area.Y + (area.Height - h) / 2, w, h);
        }
        else
        {
            var typed = string.IsNullOrWhiteSpace(stamp.TypedName) ? stamp.SignerName : stamp.TypedName;
            var (line, size) = Fit(typed, DejaVuFonts.Serif, Math.Min(22, area.Height * 0.6), XFontStyleEx.Italic, area.Width - 4);
            // Centred: the baseline sits about a third of the size below the middle of the area.
            TextLayout.Draw(gfx, line, size, XBrushes.DarkBlue,
                new XPoint(area.X + (area.Width - line.Width(size)) / 2, area.Y + area.Height / 2 + size * 0.35));
        }

        var y = box.Bottom - captionHeight + captionSize;
        TextLayout.Draw(gfx, caption, captionSize, XBrushes.Black, new XPoint(box.X + 2, y));
        TextLayout.Draw(gfx, TextLayout.Shape($"le {Labels.When(stamp.SignedAtUtc)}", DejaVuFonts.Sans), captionSize,
            XBrushes.Black, new XPoint(box.X + 2, y + lineHeight));
    }

    internal static XFont Font(string family, double size, XFontStyleEx style) => TextLayout.Font(family, size, style);

    /// <summary>
    /// The text at the largest size not above <paramref name="size"/> (and not below 4 pt) at which it fits the width
    /// (less 4 pt of padding); if it does not fit even at 4 pt, cut with « … ». Linear in the text's length.
    /// </summary>
    internal static (ShapedText Text, double Size) Fit(string text, string family, double size, XFontStyleEx style, double width)
    {
        var shaped = TextLayout.Shape(text, family, style);
        var measured = shaped.Width(size);
        if (measured <= width - 4 || measured <= 0) return (shaped, size);
        size = Math.Max(4, size * (width - 4) / measured);
        return (TextLayout.Ellipsize(shaped, size, width - 4), size);
    }
}
