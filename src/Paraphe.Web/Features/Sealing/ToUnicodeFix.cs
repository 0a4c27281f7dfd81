using System.Reflection;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// PDFsharp 6.2.4 writes a character outside the BMP (𝕏, 😀…) into a font's /ToUnicode map as its code point in
/// five hex digits (« &lt;1D54F&gt; »), which readers take for another character (pdftotext reads « ᵔ »): the
/// glyph is drawn right but copied, searched and extracted wrong. The map must hold the character's UTF-16 code
/// units (« &lt;D835DD4F&gt; »). PDFsharp prints the map entry as <c>{(uint)key:X4}</c> from its per-font table
/// code point → glyph, so, just before saving, each such code point is re-keyed to its two UTF-16 units packed in one
/// int. The table is internal: it is reached by reflection, and if it is not found (another PDFsharp version) nothing
/// is changed and a warning is logged once. Call after the last text is drawn, before saving.
/// </summary>
internal static class ToUnicodeFix
{
    private static readonly PropertyInfo? CMapInfoProperty =
        typeof(PdfFont).GetProperty("CMapInfo", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);

    private static readonly FieldInfo? CodePointsField =
        CMapInfoProperty?.PropertyType.GetField("CodePointsToGlyphIndices", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private static int _warned;

    public static void Apply(PdfDocument document)
    {
        foreach (var font in document.Internals.GetAllObjects().OfType<PdfFont>().Where(f => f.Elements.ContainsKey("/ToUnicode")))
        {
            if (CodePointsField is null || CMapInfoProperty?.GetValue(font) is not { } info ||
                CodePointsField.GetValue(info) is not Dictionary<int, ushort> map)
            {
                if (Interlocked.Exchange(ref _warned, 1) == 0)
                    DejaVuFonts.Logger.LogWarning("Table des caractères de PDFsharp introuvable : les caractères hors du plan " +
                                                  "multilingue de base seront mal extraits du PDF (ils restent dessinés).");
                return;
            }

            foreach (var codePoint in map.Keys.Where(k => k > 0xFFFF).ToList())
            {
                var glyph = map[codePoint];
                map.Remove(codePoint);
                var units = char.ConvertFromUtf32(codePoint);
                map[unchecked((int)((uint)units[0] << 16 | units[1]))] = glyph;
            }
        }
    }
}
