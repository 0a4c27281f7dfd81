using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Paraphe.Web.Pages;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// The « Page des signatures »: the signatures of the signers who have no chosen place, on A4 pages added after the
/// contract's last page (and before the evidence certificate), so that no signature is ever drawn over the contract's
/// content. One block per signer — name, role, date and the drawn (or typed) signature — as many pages as needed.
/// </summary>
public static class SignaturePage
{
    public const string Title = "Page des signatures";
    public const double Width = 595, Height = 842;
    private const double Margin = 50;
    private const double HeaderHeight = 64;
    public const double BlockHeight = 104;
    private const double BlockGap = 14;
    /// <summary>The name's size and how many lines it may take: smaller for a long name, so that a name of the longest
    /// a contact allows (100 + 100 characters) is printed whole; beyond, the last line is cut with « … ».</summary>
    private static readonly (double Size, int Lines)[] NameSizes = [(11, 3), (9, 4), (8, 5), (7, 6)];

    /// <summary>How many blocks one page holds (5 on A4).</summary>
    public static int PerPage => (int)((Height - 2 * Margin - HeaderHeight + BlockGap) / (BlockHeight + BlockGap));

    /// <summary>How many pages <paramref name="signers"/> blocks take.</summary>
    public static int PageCount(int signers) => signers <= 0 ? 0 : (signers + PerPage - 1) / PerPage;

    internal static void Append(PdfDocument document, IReadOnlyList<SignatureStamp> stamps)
    {
        var contractPages = document.PageCount;
        var pages = PageCount(stamps.Count);
        for (var pageIndex = 0; pageIndex < pages; pageIndex++)
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(Width);
            page.Height = XUnit.FromPoint(Height);
            using var gfx = XGraphics.FromPdfPage(page);
            DrawHeader(gfx, pageIndex, pages, contractPages);
            var top = Margin + HeaderHeight;
            foreach (var (stamp, index) in stamps.Select((s, i) => (s, i)).Skip(pageIndex * PerPage).Take(PerPage))
            {
                DrawBlock(gfx, new XRect(Margin, top, Width - 2 * Margin, BlockHeight), stamp, stamp.Number ?? index + 1);
                top += BlockHeight + BlockGap;
            }
        }
    }

    private static void DrawHeader(XGraphics gfx, int pageIndex, int pages, int contractPages)
    {
        var title = pages > 1 ? $"{Title} ({pageIndex + 1}/{pages})" : Title;
        TextLayout.Draw(gfx, TextLayout.Shape(title, DejaVuFonts.Sans, XFontStyleEx.Bold), 18, XBrushes.Black,
            new XPoint(Margin, Margin + 18));
        var intro = $"Page ajoutée au document lors de son scellement : les signataires ci-dessous ont signé électroniquement " +
                    $"le document qui précède ({contractPages} page{(contractPages > 1 ? "s" : "")}), sans que leur signature " +
                    "n'en recouvre le contenu.";
        var y = Margin + 18 + 16;
        foreach (var line in TextLayout.Wrap(TextLayout.Shape(intro, DejaVuFonts.Sans), 9, Width - 2 * Margin).Take(3))
        {
            TextLayout.Draw(gfx, line, 9, XBrushes.Black, new XPoint(Margin, y));
            y += 9 * 1.3;
        }
    }

    /// <summary>The text on the left (number and name, role, date), the signature with its caption on the right.</summary>
    private static void DrawBlock(XGraphics gfx, XRect block, SignatureStamp stamp, int number)
    {
        gfx.DrawRectangle(new XPen(XColors.Gray, 0.6), block);
        const double padding = 10;
        var textWidth = block.Width * 0.5 - padding;
        var signature = new XRect(block.X + block.Width * 0.5 + padding / 2, block.Y + padding / 2,
            block.Width * 0.5 - padding, block.Height - padding);

        var (nameSize, lines) = NameLines($"{number}. {stamp.SignerName}", textWidth);
        var y = block.Y + padding + nameSize;
        foreach (var line in lines)
        {
            TextLayout.Draw(gfx, line, nameSize, XBrushes.Black, new XPoint(block.X + padding, y));
            y += nameSize * 1.25;
        }

        y += 3;
        var role = string.IsNullOrWhiteSpace(stamp.Role) ? "signataire" : stamp.Role.Trim();
        var (roleLine, roleSize) = SignatureStamper.Fit($"Qualité : {role}", DejaVuFonts.Sans, 9, XFontStyleEx.Regular, textWidth);
        TextLayout.Draw(gfx, roleLine, roleSize, XBrushes.Black, new XPoint(block.X + padding, y));
        y += 9 * 1.35;
        TextLayout.Draw(gfx, TextLayout.Shape($"Signé le {Labels.When(stamp.SignedAtUtc)}", DejaVuFonts.Sans), 9,
            XBrushes.Black, new XPoint(block.X + padding, y));

        SignatureStamper.DrawSignature(gfx, signature, stamp);
    }

    /// <summary>The name wrapped at the first size of <see cref="NameSizes"/> it fits, else cut with « … ». O(length).</summary>
    private static (double Size, IReadOnlyList<ShapedText> Lines) NameLines(string name, double width)
    {
        var shaped = TextLayout.Shape(EvidencePage.Bounded(name), DejaVuFonts.Sans, XFontStyleEx.Bold);
        List<ShapedText> lines = [];
        foreach (var (size, max) in NameSizes)
        {
            lines = TextLayout.Wrap(shaped, size, width);
            if (lines.Count <= max) return (size, lines);
        }

        var (last, most) = NameSizes[^1];
        var rest = shaped.Slice(lines[most - 1].Start, shaped.End);
        return (last, [.. lines.Take(most - 1), TextLayout.Ellipsize(rest, last, width)]);
    }
}
