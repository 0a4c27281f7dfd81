using System.Diagnostics;

namespace Paraphe.Testing;

/// <summary>Reads a PDF back with poppler (independent of PDFsharp): the text of each page, and the page count.</summary>
public static class PdfText
{
    public static async Task<IReadOnlyList<string>> PagesAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"paraphe-text-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            var info = await RunAsync("pdfinfo", path);
            var count = int.Parse(info.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal))[6..].Trim(),
                System.Globalization.CultureInfo.InvariantCulture);
            var pages = new List<string>();
            for (var i = 1; i <= count; i++)
            {
                // Raw order, then lines joined: a caption may be wrapped, a name must read in one piece.
                var text = await RunAsync("pdftotext", "-q", "-enc", "UTF-8", "-f", $"{i}", "-l", $"{i}", path, "-");
                pages.Add(string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries)));
            }

            return pages;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<string> RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start (install poppler-utils)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {await stderr}");
        return text;
    }
}
