using System.IO.Compression;
using System.Text;
using Paraphe.Web.Features.Sealing;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Paraphe.Bench.Sealing;

/// <summary>
/// The three documents measured, written with PDFsharp from fixed text and a seeded random generator (same pages,
/// same images, same size on every run; only PDFsharp's /ID and dates differ). Cached as files, so the benchmark
/// processes read them instead of generating them.
/// </summary>
public static class SealingInputs
{
    public const string TenPages = "10 pages";
    public const string HundredPages = "100 pages";
    public const string Scan26Mb = "26 MB scan";
    public static readonly string[] Names = [TenPages, HundredPages, Scan26Mb];

    /// <summary>Pages of the scanned contract, each one 150 dpi A4 greyscale scan (1240 × 1754 px) of pure noise, which
    /// no compression shrinks: 12 × 2.17 MB of image data ≈ 26 MB.</summary>
    public const int ScanPages = 12;
    private const int ScanWidth = 1240, ScanHeight = 1754;

    /// <summary>Where the generated inputs and the development seal certificate are kept (gitignored).</summary>
    public static string Directory { get; set; } = Path.GetFullPath(Path.Combine("BenchmarkDotNet.Artifacts", "sealing-inputs"));

    /// <summary>Known without parsing the file, so that a cold process does not warm PDFsharp's reader up before it is timed.</summary>
    public static int PageCount(string name) => name switch
    {
        TenPages => 10,
        HundredPages => 100,
        Scan26Mb => ScanPages,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown sealing input."),
    };

    public static string PathOf(string name) => Path.Combine(Directory, name.Replace(' ', '-') + ".pdf");

    /// <summary>Writes the missing inputs; returns every input's path.</summary>
    public static IReadOnlyList<string> EnsureCreated()
    {
        System.IO.Directory.CreateDirectory(Directory);
        DejaVuFonts.EnsureRegistered();
        foreach (var name in Names)
        {
            var path = PathOf(name);
            if (File.Exists(path)) continue;
            Console.Error.WriteLine($"sealing: generating {path}");
            var bytes = name switch
            {
                TenPages => TextContract(10),
                HundredPages => TextContract(100),
                _ => ScannedContract(ScanPages),
            };
            File.WriteAllBytes(path + ".tmp", bytes);
            File.Move(path + ".tmp", path, overwrite: true);
        }

        return Names.Select(PathOf).ToList();
    }

    /// <summary>A typed contract: title, numbered articles of French legal prose, page footer; 45 lines a page.</summary>
    public static byte[] TextContract(int pages)
    {
        using var document = NewDocument($"Contrat de prestation ({pages} pages)");
        var title = new XFont(DejaVuFonts.Sans, 16, XFontStyleEx.Bold);
        var heading = new XFont(DejaVuFonts.Sans, 11, XFontStyleEx.Bold);
        var body = new XFont(DejaVuFonts.Sans, 10, XFontStyleEx.Regular);
        var sentence = 0;
        var article = 0;
        for (var p = 1; p <= pages; p++)
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(595);
            page.Height = XUnit.FromPoint(842);
            using var gfx = XGraphics.FromPdfPage(page);
            var y = 60.0;
            if (p == 1)
            {
                gfx.DrawString("CONTRAT DE PRESTATION DE SERVICES", title, XBrushes.Black, new XPoint(60, y));
                y += 30;
            }

            for (var line = 0; y < 780; line++)
            {
                if (line % 12 == 0)
                {
                    gfx.DrawString($"Article {++article} — {Headings[article % Headings.Length]}", heading, XBrushes.Black, new XPoint(60, y));
                    y += 18;
                    continue;
                }

                gfx.DrawString(Prose[sentence++ % Prose.Length], body, XBrushes.Black, new XPoint(60, y));
                y += 14;
            }

            gfx.DrawString($"Page {p} / {pages} — Paraphe, contrat n° 2026-0042", body, XBrushes.Gray, new XPoint(60, 815));
        }

        return Save(document);
    }

    /// <summary>A scanned contract: each page one full-page greyscale image (seeded noise) and a small text header.</summary>
    public static byte[] ScannedContract(int pages)
    {
        using var document = NewDocument("Contrat scanné");
        var random = new Random(4);
        var pixels = new byte[ScanWidth * ScanHeight];
        var font = new XFont(DejaVuFonts.Sans, 8, XFontStyleEx.Regular);
        for (var p = 1; p <= pages; p++)
        {
            random.NextBytes(pixels);
            var png = Png.Grey(ScanWidth, ScanHeight, pixels, CompressionLevel.NoCompression);
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(595);
            page.Height = XUnit.FromPoint(842);
            using var gfx = XGraphics.FromPdfPage(page);
            using var image = XImage.FromStream(new MemoryStream(png, writable: false));
            gfx.DrawImage(image, 0, 0, 595, 842);
            gfx.DrawString($"Numérisation — page {p} / {pages}", font, XBrushes.Black, new XPoint(20, 12));
        }

        return Save(document);
    }

    private static PdfDocument NewDocument(string title)
    {
        var document = new PdfDocument();
        document.Info.Title = title;
        document.Info.Author = "Paraphe.Bench";
        document.Info.CreationDate = new DateTime(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc);
        return document;
    }

    private static byte[] Save(PdfDocument document)
    {
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static readonly string[] Headings =
        ["Objet", "Durée", "Prix et modalités de paiement", "Obligations du prestataire", "Obligations du client",
         "Confidentialité", "Responsabilité", "Résiliation", "Données personnelles", "Loi applicable"];

    private static readonly string[] Prose = BuildProse();

    private static string[] BuildProse()
    {
        var words = ("le prestataire s'engage à exécuter la mission décrite en annexe avec diligence et selon les règles de l'art " +
                     "le client règle les factures dans un délai de trente jours à compter de leur date d'émission par virement " +
                     "toute modification du présent contrat fait l'objet d'un avenant écrit signé par les deux parties " +
                     "les informations échangées restent confidentielles pendant la durée du contrat et cinq ans après son terme")
            .Split(' ');
        var lines = new List<string>();
        var builder = new StringBuilder();
        for (var i = 0; lines.Count < 97; i = (i + 7) % words.Length)
        {
            if (builder.Length + words[i].Length > 88)
            {
                lines.Add(builder.ToString());
                builder.Clear();
            }

            builder.Append(builder.Length == 0 ? char.ToUpperInvariant(words[i][0]) + words[i][1..] : " " + words[i]);
        }

        return [.. lines];
    }
}
