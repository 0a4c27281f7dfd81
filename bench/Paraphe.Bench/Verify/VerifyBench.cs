using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paraphe.Bench.Sealing;
using Paraphe.Testing;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Features.Verification;
using Paraphe.Web.Platform;

namespace Paraphe.Bench.Verify;

/// <summary>
/// Issue 9: what /verify costs per megabyte for a normal sealed document and for the worst files of the same size
/// that could be built. Measured: the work /verify does besides its two indexed lookups — SHA-256 of the upload, the
/// nesting pre-scan, the parse of the signature fields (PdfSeals.Read), the seal-certificate check and the one
/// streamed hash of the seal that is ours (PdfSeals.DigestMatches). Median of <c>--iterations</c> runs after one warm-up.
/// </summary>
public static class VerifyBench
{
    public static Task<(string Markdown, bool Passed)> RunAsync(BenchOptions options) => Task.Run(async () =>
    {
        var directory = Directory.CreateTempSubdirectory("paraphe-verify-bench-").FullName;
        try
        {
            using var certificates = new SealCertificates(Options.Create(new ParapheOptions { DataDirectory = directory }),
                Options.Create(new SealingOptions()), TimeProvider.System, NullLogger<SealCertificates>.Instance);
            var sealer = new PdfSealer(certificates, Options.Create(new SealingOptions()), new NoHttpClients());
            var table = new StringBuilder("| file | size | median | per MB | × normal |\n|---|---:|---:|---:|---:|\n");
            var passed = true;
            DejaVuFonts.EnsureRegistered();
            foreach (var pages in new[] { 4 })
            {
                var normal = await sealer.SealAsync(SealingInputs.ScannedContract(pages));
                var size = normal.Length;
                var half = await sealer.SealAsync(SealingInputs.ScannedContract(pages / 2));
                var hex = CraftedPdfs.SealHex(normal);
                var files = new List<(string Name, byte[] Pdf)>
                {
                    ($"normal: sealed scan, {pages} pages", normal),
                    ("sealed scan + /ByteRange lines to the same size (the issue's attack)", PadWithByteRanges(half, size)),
                    ("signature fields, each a copy of our seal with exact ranges", CraftedPdfs.ManySignatures(size / (hex.Length + 220), hex)),
                    ("small objects, all signature fields with cheap-to-refuse ranges", ManyFields(size)),
                    ("arrays nested to the pre-scan's limit, repeated", NestedToTheLimit(size)),
                };
                double? baseline = null;
                foreach (var (name, pdf) in files)
                {
                    var ms = Median(() => Verify(pdf, certificates), options.Iterations);
                    var perMb = ms / (pdf.Length / 1048576.0);
                    baseline ??= perMb;
                    table.Append(CultureInfo.InvariantCulture,
                        $"| {name} | {pdf.Length / 1048576.0:F1} MB | {ms:F1} ms | {perMb:F1} ms/MB | {perMb / baseline:F1} |\n");
                    Console.Error.WriteLine($"verify: {name}: {ms:F1} ms");
                }
            }
            return (table.ToString(), passed);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    });

    /// <summary>VerifyDocument's CPU work for one upload (the database lookups left out).</summary>
    private static string Verify(byte[] pdf, SealCertificates certificates)
    {
        _ = SHA256.HashData(pdf);
        var seals = PdfSeals.Read(pdf);
        if (seals is null) return "unreadable";
        var ours = seals.Where(s => s.Cms.SignerInfos[0].Certificate?.Thumbprint == certificates.Seal.Thumbprint)
            .MaxBy(s => s.ByteRange[2] + s.ByteRange[3]);
        return ours is null ? "not ours" : PdfSeals.DigestMatches(pdf, ours, CancellationToken.None) ? "verifies" : "modified";
    }

    private static double Median(Func<string> run, int iterations)
    {
        run();
        var times = new List<double>();
        for (var i = 0; i < Math.Max(3, iterations); i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static byte[] PadWithByteRanges(byte[] sealedPdf, int size)
    {
        var (gapStart, gapEnd) = CraftedPdfs.SealGap(sealedPdf);
        var line = $"% /ByteRange [0 {gapStart} {gapEnd} {sealedPdf.Length - gapEnd}]\n";
        var count = Math.Max(1000, (size - sealedPdf.Length) / line.Length);
        return [.. sealedPdf, .. Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(line, count)))];
    }

    private static byte[] ManyFields(int size)
    {
        const string field = "<< /FT /Sig /T (s) /V << /Type /Sig /ByteRange [0 1 2 3] /Contents <00> >> >>";
        var count = size / (field.Length + 40);
        var fields = "[" + string.Join(' ', Enumerable.Range(4, count).Select(i => $"{i} 0 R")) + "]";
        return CraftedPdfs.WithForm(fields, Enumerable.Repeat(field, count).ToList());
    }

    private static byte[] NestedToTheLimit(int size)
    {
        var depth = Paraphe.Web.Features.Documents.PdfNesting.MaxDepth - 2;
        var body = $"<< /Deep {new string('[', depth)}{new string(']', depth)} >>";
        var count = size / (body.Length + 40);
        return CraftedPdfs.WithForm("[]", Enumerable.Repeat(body, count).ToList());
    }

    private sealed class NoHttpClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("No TSA in the benchmark.");
    }
}
