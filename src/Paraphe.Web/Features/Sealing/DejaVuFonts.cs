using PdfSharp.Fonts;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// PDFsharp's font resolver on Linux: the DejaVu families (Sans for text, Serif italic for a typed signature),
/// read from <see cref="Directory"/>. PDFsharp accepts one resolver per process, set before the first font is used:
/// call <see cref="EnsureRegistered"/> before drawing text.
/// </summary>
public sealed class DejaVuFonts : IFontResolver
{
    public const string Sans = "DejaVu Sans";
    public const string Serif = "DejaVu Serif";
    public const string Mono = "DejaVu Sans Mono";
    public const string Directory = "/usr/share/fonts/truetype/dejavu";

    private static readonly Lock Gate = new();

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is DejaVuFonts) return;
            GlobalFontSettings.FontResolver = new DejaVuFonts();
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        var family = familyName switch
        {
            Serif => "DejaVuSerif",
            Mono => "DejaVuSansMono",
            _ => "DejaVuSans",
        };
        var slant = family == "DejaVuSerif" ? "Italic" : "Oblique";
        var face = (bold, italic) switch
        {
            (true, true) => $"{family}-Bold{slant}",
            (true, false) => $"{family}-Bold",
            (false, true) => $"{family}-{slant}",
            _ => family,
        };
        return new FontResolverInfo(face);
    }

    public byte[]? GetFont(string faceName)
    {
        var path = Path.Combine(Directory, faceName + ".ttf");
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"Police {faceName} introuvable (installez fonts-dejavu-core).", path);
    }
}
