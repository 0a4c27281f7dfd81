using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// Text for the stamps and the evidence page, in time linear in its length whatever it holds (issue 9):
/// <see cref="Shape"/> reads each character once, picks the first font of the chain that has its glyph (the wanted
/// DejaVu family, then DejaVu Sans, <see cref="DejaVuFonts.Cjk"/>, <see cref="DejaVuFonts.Hangul"/>, <see cref="DejaVuFonts.Symbols"/>) and
/// takes its advance width from a per-font cache (PDFsharp measures each distinct character once per font and style,
/// never a whole string); widths are summed into prefix sums, so wrapping, fitting and cutting are one pass each
/// and never measure a prefix again. A character no available font has is printed as <see cref="Substitute"/>, never
/// blank; invisible format characters (bidi controls, joiners) and variation selectors no font has are left out.
/// </summary>
public static class TextLayout
{
    /// <summary>What is printed for a character no font has (U+FFFD REPLACEMENT CHARACTER, in every DejaVu face).</summary>
    public const string Substitute = "\uFFFD";
    public const string Ellipsis = "…";

    /// <summary>Rounding slack when comparing summed widths with a width computed from them (points).</summary>
    private const double Tolerance = 1e-6;

    /// <summary>Work done on this thread: characters shaped + characters stepped over by wrap, fit and draw.</summary>
    [ThreadStatic] private static long _steps;

    /// <summary>PDFsharp measurements on this thread (cache misses: one per distinct character, font and style).</summary>
    [ThreadStatic] private static long _measurements;

    public static long Steps => _steps;
    public static long Measurements => _measurements;

    private static readonly ConcurrentDictionary<(string Family, XFontStyleEx Style), Face> Faces = new();

    public static XFont Font(string family, double size, XFontStyleEx style) =>
        new(family, size, style, new XPdfFontOptions(PdfFontEncoding.Unicode));

    /// <summary>Splits <paramref name="text"/> into characters with their font and width; O(length).</summary>
    public static ShapedText Shape(string text, string family, XFontStyleEx style = XFontStyleEx.Regular) =>
        Shape(text, family, style, DejaVuFonts.IsAvailable);

    /// <param name="available">Which fonts may be used (tests: as if a fallback font were not installed).</param>
    internal static ShapedText Shape(string text, string family, XFontStyleEx style, Func<string, bool> available)
    {
        DejaVuFonts.EnsureRegistered();
        var chain = Chain(family, style, available);
        // Arrays sized for the worst case (one unit per UTF-16 code unit): no growth, no per-character allocation.
        var chars = new char[text.Length];
        var offsets = new int[text.Length + 1];
        var fonts = new byte[text.Length];
        var prefix = new double[text.Length + 1];
        var count = 0;
        var length = 0;
        var substituted = 0;
        var previousFont = -1;
        for (var i = 0; i < text.Length;)
        {
            _steps++;
            var status = Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed);
            i += consumed;
            if (status != System.Buffers.OperationStatus.Done) rune = Rune.ReplacementChar;
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.Control) rune = Rune.IsWhiteSpace(rune) ? new Rune(' ') : Rune.ReplacementChar;
            // Format characters (bidi controls, joiners, soft hyphen…) are invisible and PDFsharp does no bidi or
            // shaping: left out, so that a name can never be reordered on paper.
            if (category == UnicodeCategory.Format) continue;
            var (font, width) = Pick(chain, rune.Value, category, previousFont);
            if (font < 0)
            {
                if (IsVariationSelector(rune.Value)) continue; // invisible anyway
                substituted++;
                (font, width) = Pick(chain, Rune.ReplacementChar.Value, UnicodeCategory.OtherSymbol, -1);
                rune = Rune.ReplacementChar;
                if (font < 0) (font, width, rune) = (0, chain[0].Width('?'), new Rune('?'));
            }

            offsets[count] = length;
            length += rune.EncodeToUtf16(chars.AsSpan(length)); // never longer than the input (U+FFFD replaces one unit or two)
            fonts[count] = (byte)font;
            prefix[count + 1] = prefix[count] + width;
            count++;
            previousFont = font;
        }

        offsets[count] = length;
        if (substituted > 0)
            DejaVuFonts.Logger.LogWarning("{Count} caractère(s) sans glyphe dans les polices disponibles, imprimé(s) « {Substitute} ».",
                substituted, Substitute);
        return new ShapedText(new string(chars, 0, length), offsets, fonts, prefix,
            chain.Select(f => f.Family).ToArray(), style, 0, count);
    }

    /// <summary>Greedy word wrap at spaces; a word wider than the line is cut between characters. O(length).</summary>
    public static List<ShapedText> Wrap(ShapedText text, double size, double width)
    {
        var lines = new List<ShapedText>();
        var start = text.Start;
        var lastSpace = -1;
        for (var i = text.Start; i < text.End; i++)
        {
            _steps++;
            if (text.IsSpace(i)) { lastSpace = i; continue; }
            if (text.WidthBetween(start, i + 1) * size <= width + Tolerance || i == start) continue;
            if (lastSpace >= start)
            {
                // Break at the last space; the spaces end the line, the next line starts at the word.
                lines.Add(text.Slice(start, lastSpace));
                start = lastSpace + 1;
                lastSpace = -1;
                if (text.WidthBetween(start, i + 1) * size <= width + Tolerance || i == start) continue;
            }

            lines.Add(text.Slice(start, i)); // a word wider than the line: cut before this character
            start = i;
        }

        if (start < text.End || lines.Count == 0) lines.Add(text.Slice(start, text.End));
        return lines;
    }

    /// <summary>
    /// The text as it fits <paramref name="width"/> at <paramref name="size"/>: itself if it fits, else its longest
    /// beginning that fits followed by « … ». O(length).
    /// </summary>
    public static ShapedText Ellipsize(ShapedText text, double size, double width)
    {
        if (text.Width(size) <= width + Tolerance) return text;
        var ellipsis = Shape(Ellipsis, text.Families[0], text.Style).Width(size);
        var end = text.Start;
        while (end < text.End && text.WidthBetween(text.Start, end + 1) * size + ellipsis <= width + Tolerance)
        {
            _steps++;
            end++;
        }

        return Shape(text.Slice(text.Start, end).ToString().TrimEnd() + Ellipsis, text.Families[0], text.Style);
    }

    /// <summary>Draws the text with its baseline starting at <paramref name="origin"/>, one DrawString per font run.</summary>
    public static void Draw(XGraphics gfx, ShapedText text, double size, XBrush brush, XPoint origin)
    {
        var run = text.Start;
        for (var i = text.Start + 1; i <= text.End; i++)
        {
            _steps++;
            if (i < text.End && text.FontAt(i) == text.FontAt(run)) continue;
            var chunk = text.Slice(run, i).ToString();
            if (chunk.Trim().Length > 0)
                gfx.DrawString(chunk, Font(text.Families[text.FontAt(run)], size, text.Style), brush,
                    new XPoint(origin.X + text.WidthBetween(text.Start, run) * size, origin.Y));
            run = i;
        }
    }

    private static bool IsVariationSelector(int c) => c is >= 0xFE00 and <= 0xFE0F or >= 0xE0100 and <= 0xE01EF;

    private static (int Font, double Width) Pick(Face[] chain, int codePoint, UnicodeCategory category, int previousFont)
    {
        // A combining mark stays with its base's font when that font has it.
        if (previousFont >= 0 && category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
        {
            var w = chain[previousFont].Width(codePoint);
            if (!double.IsNaN(w)) return (previousFont, w);
        }

        for (var f = 0; f < chain.Length; f++)
        {
            var w = chain[f].Width(codePoint);
            if (!double.IsNaN(w)) return (f, w);
        }

        return (-1, 0);
    }

    private static Face[] Chain(string family, XFontStyleEx style, Func<string, bool> available) =>
        new[] { family, DejaVuFonts.Sans, DejaVuFonts.Cjk, DejaVuFonts.Hangul, DejaVuFonts.Symbols }
            .Distinct()
            .Where(f => f is DejaVuFonts.Sans || f == family || available(f))
            .Select(f => Faces.GetOrAdd((f, style), key => new Face(key.Family, key.Style)))
            .ToArray();

    /// <summary>One font and style: which characters it has and their advance widths, per point of font size.</summary>
    private sealed class Face(string family, XFontStyleEx style)
    {
        private const double ReferenceSize = 1000;
        private static readonly Lock MeasureGate = new();
        private static XGraphics? _measure;

        private XFont? _font; // loaded on the first character asked: Latin text never loads the fallback fonts
        private readonly ConcurrentDictionary<int, double> _widths = new();

        public string Family => family;

        /// <summary>The advance width at size 1, or NaN when the font has no glyph for the character.</summary>
        public double Width(int codePoint) => _widths.TryGetValue(codePoint, out var w) ? w : _widths.GetOrAdd(codePoint, Measure);

        private double Measure(int codePoint)
        {
            lock (MeasureGate)
            {
                _measurements++;
                _font ??= Font(family, ReferenceSize, style);
                if (GlyphHelper.GlyphIndexFromCodePoint(codePoint, _font) == 0) return double.NaN;
                _measure ??= XGraphics.CreateMeasureContext(new XSize(2000, 2000), XGraphicsUnit.Point, XPageDirection.Downwards);
                return _measure.MeasureString(char.ConvertFromUtf32(codePoint), _font).Width / ReferenceSize;
            }
        }
    }
}

/// <summary>
/// Characters <see cref="Start"/> to <see cref="End"/> (exclusive) of a shaped text: each with its font (index into
/// <see cref="Families"/>) and the prefix sums of their widths at size 1. Slices share the arrays.
/// </summary>
public sealed class ShapedText(string text, int[] offsets, byte[] fonts, double[] prefix, string[] families,
    XFontStyleEx style, int start, int end)
{
    public int Start => start;
    public int End => end;
    public int Length => end - start;
    public string[] Families => families;
    public XFontStyleEx Style => style;

    public double Width(double size) => WidthBetween(start, end) * size;
    internal double WidthBetween(int from, int to) => prefix[to] - prefix[from];
    internal bool IsSpace(int i) => text[offsets[i]] == ' ';
    internal byte FontAt(int i) => fonts[i];
    internal ShapedText Slice(int from, int to) => new(text, offsets, fonts, prefix, families, style, from, to);

    /// <summary>The families used, in order of first use (for tests and logs).</summary>
    public IEnumerable<string> FamiliesUsed() => fonts[start..end].Distinct().Select(f => families[f]);

    public override string ToString() => text[offsets[start]..offsets[end]];
}
