using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using PdfSharp.Drawing;
using Paraphe.Testing;
using Paraphe.Web.Features.Sealing;

namespace Paraphe.Bench.Sealing;

/// <summary>
/// Issue 9, point 1: the evidence page, the stamps and the text layout itself for titles and names of 1k, 10k and
/// 100k characters (one word, many words, mixed scripts), against the quadratic wrap they replaced. Median of
/// repeated runs (at least 5 and at least 1 s per case), warm (one run first), this process, Stopwatch.
/// </summary>
public static class TextLayoutBench
{
    private static readonly int[] Lengths = [1_000, 10_000, 100_000];
    private static readonly DateTime When = new(2026, 11, 27, 22, 8, 0, DateTimeKind.Utc);

    private static readonly (string Name, string Unit)[] Shapes =
    [
        ("one word", "Abcdéfghij"), ("many words", "Jean Éloïse "), ("mixed scripts, words", "王小明 Дмитрий 😀 Łódź "),
    ];

    public static Task<(string Markdown, bool Ok)> RunAsync(BenchOptions options)
    {
        _ = options;
        var pdf = SamplePdfs.Valid(pageCount: 1);
        var b = new StringBuilder();
        b.AppendLine("Median ms per operation (warm, at least 5 runs and 1 s per case); « µs / char » = median ÷ length.");
        b.AppendLine("The evidence page prints a line of at most `EvidencePage.LineMaxLength` (2,000) characters, so its time");
        b.AppendLine("stops growing past that; `wrap` is the layout alone (shape + wrap of the whole text, no bound).");
        b.AppendLine();
        b.AppendLine("| Operation | Text | Characters | Median ms | µs / char |");
        b.AppendLine("|---|---|---:|---:|---:|");
        foreach (var (shape, unit) in Shapes)
        {
            foreach (var n in Lengths)
            {
                var text = Repeat(unit, n);
                Row(b, "wrap (shape + wrap, 9 pt, 483 pt)", shape, n,
                    () => TextLayout.Wrap(TextLayout.Shape(text, DejaVuFonts.Sans), 9, 483));
                Row(b, "evidence page (title + name)", shape, n, () => EvidencePage.Append(pdf, Facts(text)));
                Row(b, "stamps (box + automatic, typed name)", shape, n, () => SignatureStamper.Stamp(pdf,
                    [new(text, When, new StampBox(1, 60, 80, 220, 90)), new(text, When)]));
            }
        }

        foreach (var (shape, unit) in Shapes)
        {
            var text = Repeat(unit, 1_000_000);
            Row(b, "wrap (shape + wrap, 9 pt, 483 pt)", shape, 1_000_000,
                () => TextLayout.Wrap(TextLayout.Shape(text, DejaVuFonts.Sans), 9, 483));
        }

        // The wrap this replaced: MeasureString on ever shorter prefixes of a long word (quadratic, or worse).
        foreach (var n in new[] { 500, 1_000, 2_000 })
        {
            var text = Repeat("Abcdéfghij", n);
            Row(b, "old wrap (MeasureString on prefixes)", "one word", n, () => OldWrap(text).ToList());
        }

        return Task.FromResult((b.ToString(), true));
    }

    private static void Row(StringBuilder b, string operation, string shape, int n, Action action)
    {
        action();
        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        while (samples.Count < 5 || total.Elapsed < TimeSpan.FromSeconds(1))
        {
            var watch = Stopwatch.StartNew();
            action();
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }

        samples.Sort();
        var median = samples[samples.Count / 2];
        b.AppendLine($"| {operation} | {shape} | {n:N0} | {median:F2} | {median * 1000 / n:F2} |");
        Console.Error.WriteLine($"text-layout: {operation}, {shape}, {n}: {median:F2} ms");
    }

    private static EvidenceFacts Facts(string text) => new(
        "proc_bench", text, text, Convert.ToHexStringLower(SHA256.HashData([1])),
        [new SignerEvidence(text, "a@b.fr", "+33612345678", SignatureMethod.Remote, When, When, When, "203.0.113.7", "Mozilla/5.0")],
        "ab12", When);

    private static string Repeat(string unit, int length)
    {
        var b = new StringBuilder(length + unit.Length);
        while (b.Length < length) b.Append(unit);
        var s = b.ToString(0, length);
        return char.IsHighSurrogate(s[^1]) ? s[..^1] + "x" : s;
    }

    /// <summary>The evidence page's wrap before issue 9, kept here only to measure it.</summary>
    private static IEnumerable<string> OldWrap(string text)
    {
        DejaVuFonts.EnsureRegistered();
        var gfx = XGraphics.CreateMeasureContext(new XSize(595, 842), XGraphicsUnit.Point, XPageDirection.Downwards);
        var font = TextLayout.Font(DejaVuFonts.Sans, 9, XFontStyleEx.Regular);
        const double width = 483;
        var current = "";
        foreach (var word in text.Split(' '))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (gfx.MeasureString(candidate, font).Width <= width) { current = candidate; continue; }
            if (current.Length > 0) yield return current;
            current = word;
            while (current.Length > 1 && gfx.MeasureString(current, font).Width > width)
            {
                var cut = current.Length - 1;
                while (cut > 1 && gfx.MeasureString(current[..cut], font).Width > width) cut--;
                yield return current[..cut];
                current = current[cut..];
            }
        }

        if (current.Length > 0) yield return current;
    }
}
