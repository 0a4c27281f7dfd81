using Microsoft.Extensions.Logging.Abstractions;
using PdfSharp.Fonts;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// PDFsharp's font resolver on Linux: the DejaVu families (Sans for text and hashes, Serif italic for a typed
/// signature; Sans Mono resolvable but no longer printed) for Latin, Greek and Cyrillic, and two fallback fonts for what DejaVu lacks — <see cref="Cjk"/>
/// (Droid Sans Fallback: Chinese and Japanese; Debian package fonts-droid-fallback), <see cref="Hangul"/> (Nanum Gothic:
/// Korean, which Droid Sans Fallback lacks; fonts-nanum) and <see cref="Symbols"/>
/// (Symbola: emoji, mathematical alphanumerics and other symbols, most outside the BMP; fonts-symbola).
/// <see cref="TextLayout"/> picks, per character, the first of these that has a glyph.
/// DejaVu is required (a missing DejaVu file is an error); a missing fallback font is only a warning, and the characters
/// only it has are printed as <see cref="TextLayout.Substitute"/>.
/// PDFsharp accepts one resolver per process, set before the first font is used: call <see cref="EnsureRegistered"/>.
/// </summary>
public sealed class DejaVuFonts : IFontResolver
{
    public const string Sans = "DejaVu Sans";
    public const string Serif = "DejaVu Serif";
    public const string Mono = "DejaVu Sans Mono";
    public const string Cjk = "Droid Sans Fallback";
    public const string Hangul = "NanumGothic";
    public const string Symbols = "Symbola";
    public const string Directory = "/usr/share/fonts/truetype/dejavu";

    /// <summary>
    /// Where a published build carries the fonts of the machine that built it (Publishing.targets, for container
    /// images whose base has none): looked at after the system's paths.
    /// </summary>
    public static readonly string Bundled = Path.Combine(AppContext.BaseDirectory, "fonts");

    /// <summary>Where Debian 12 puts each fallback font (first existing file wins) and the package that ships it.</summary>
    private static readonly Dictionary<string, (string Package, string[] Paths)> Fallbacks = new()
    {
        [Cjk] = ("fonts-droid-fallback", ["/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
            "/usr/share/fonts-droid-fallback/truetype/DroidSansFallbackFull.ttf",
            "/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf", Path.Combine(Bundled, "DroidSansFallbackFull.ttf")]),
        [Hangul] = ("fonts-nanum", ["/usr/share/fonts/truetype/nanum/NanumGothic.ttf", Path.Combine(Bundled, "NanumGothic.ttf")]),
        [Symbols] = ("fonts-symbola", ["/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
            "/usr/share/fonts/truetype/ancient-scripts/Symbola.ttf", "/usr/share/fonts/truetype/symbola/Symbola.ttf",
            Path.Combine(Bundled, "Symbola_hint.ttf")]),
    };

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, string?> FoundFallbacks = new();
    private static ILogger _logger = NullLogger.Instance;

    public static void EnsureRegistered()
    {
        PdfSharpConstructors.EnsureKept();
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is DejaVuFonts) return;
            GlobalFontSettings.FontResolver = new DejaVuFonts();
        }
    }

    /// <summary>
    /// Looks for every fallback font now and logs a warning for each one missing (called at start-up); the logger is
    /// kept for the warnings about characters printed as a substitute.
    /// </summary>
    public static void CheckFallbacks(ILogger logger)
    {
        lock (Gate)
        {
            _logger = logger;
            FoundFallbacks.Clear();
        }

        foreach (var family in Fallbacks.Keys) IsAvailable(family);
    }

    internal static ILogger Logger => _logger;

    /// <summary>Whether <paramref name="family"/> can be drawn: always for DejaVu, for a fallback if its file exists.</summary>
    public static bool IsAvailable(string family)
    {
        if (!Fallbacks.TryGetValue(family, out var fallback)) return true;
        lock (Gate)
        {
            if (FoundFallbacks.TryGetValue(family, out var found)) return found is not null;
            found = Locate(family, fallback.Package, fallback.Paths, _logger);
            FoundFallbacks[family] = found;
            return found is not null;
        }
    }

    /// <summary>The first of <paramref name="paths"/> that exists; none: a warning naming the package, and null.</summary>
    internal static string? Locate(string family, string package, IReadOnlyList<string> paths, ILogger logger)
    {
        var found = paths.FirstOrDefault(File.Exists);
        if (found is null)
            logger.LogWarning("Police de secours {Family} introuvable ({Paths}) : installez le paquet {Package}. " +
                              "Les caractères qu'elle seule possède seront imprimés « {Substitute} ».",
                family, string.Join(", ", paths), package, TextLayout.Substitute);
        return found;
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        // The fallback fonts have one face: bold and italic are simulated by PDFsharp.
        if (Fallbacks.ContainsKey(familyName)) return new FontResolverInfo(familyName, bold, italic);
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
        if (Fallbacks.TryGetValue(faceName, out var fallback))
        {
            var found = IsAvailable(faceName) ? fallback.Paths.FirstOrDefault(File.Exists) : null;
            return found is not null
                ? File.ReadAllBytes(found)
                : throw new FileNotFoundException($"Police {faceName} introuvable (installez {fallback.Package}).");
        }

        var path = Path.Combine(Directory, faceName + ".ttf");
        if (!File.Exists(path) && File.Exists(Path.Combine(Bundled, faceName + ".ttf"))) path = Path.Combine(Bundled, faceName + ".ttf");
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"Police {faceName} introuvable (installez fonts-dejavu-core).", path);
    }
}
