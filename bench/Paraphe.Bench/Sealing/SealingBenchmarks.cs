using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using PdfSharp.Pdf.IO;

namespace Paraphe.Bench.Sealing;

/// <summary>
/// Warm timings of the sealing path (BenchmarkDotNet, with allocations). The production path is
/// <see cref="StampAndSeal"/>; the others say where its time goes.
/// </summary>
[MemoryDiagnoser]
public class SealingBenchmarks
{
    private SealingFixture _fixture = null!;
    private RSA _rsa2048 = null!;
    private RSA _sealKey = null!;

    [ParamsSource(nameof(Inputs))]
    public string Input { get; set; } = SealingInputs.TenPages;

    public static IEnumerable<string> Inputs => SealingInputs.Names;

    private static bool _tieredUp;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new SealingFixture(Input);
        _rsa2048 = RSA.Create(2048);
        _sealKey = _fixture.Certificates.Seal.GetRSAPrivateKey()!;
        TierUpOnce();
    }

    /// <summary>
    /// In-process, the first case measured could otherwise run partly on tier-0 code (tiered compilation promotes a
    /// method after 30 calls and a quiet 100 ms, later under load). So every path runs 60 times on the small file
    /// before the first case, then the background JIT gets a moment.
    /// </summary>
    private void TierUpOnce()
    {
        if (_tieredUp) return;
        _tieredUp = true;
        using var small = new SealingFixture(SealingInputs.TenPages);
        for (var i = 0; i < 60; i++)
        {
            small.StampAndSealAsync().GetAwaiter().GetResult();
            small.Sealer.SealAsync(small.Pdf).GetAwaiter().GetResult();
        }

        Thread.Sleep(1000);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fixture.Dispose();
        _rsa2048.Dispose();
        _sealKey.Dispose();
    }

    /// <summary>What a completed procedure costs: parse, stamp 3 drawn signatures, append the evidence page, PAdES seal, save.</summary>
    [Benchmark(Description = "stamp + evidence + seal")]
    public Task<int> StampAndSeal() => _fixture.StampAndSealAsync();

    /// <summary>Signatures stored before issue 12's second round (no prepared form): each PNG decoded and compressed at sealing.</summary>
    [Benchmark(Description = "… signatures stored before (forms at sealing)")]
    public Task<int> StampAndSealFromPng() => _fixture.StampAndSealFromPngAsync();

    /// <summary>Issue 12: the three drawn signatures turned into PDF forms (bounded SkiaSharp decode, RGB + alpha Flate) as
    /// sealing did for them before round 2 (zlib fastest); signing now pays it once per signer (zlib optimal), not sealing.</summary>
    [Benchmark(Description = "3 signature forms (decode + Flate)")]
    public int SignatureForms()
    {
        var total = 0;
        foreach (var stamp in _fixture.Stamps)
            total += Paraphe.Web.Features.Sealing.SignatureForm.Pdf(stamp.SignaturePng!, stamp.SignerName).Length;
        return total;
    }

    /// <summary>The seal alone on the unstamped file (parse, sign, save).</summary>
    [Benchmark(Description = "seal only")]
    public Task<byte[]> SealOnly() => _fixture.Sealer.SealAsync(_fixture.Pdf);

    /// <summary>PDFsharp's share: open for modification and save again, changing nothing.</summary>
    [Benchmark(Description = "PDFsharp open + save")]
    public long OpenAndSave()
    {
        using var input = new MemoryStream(_fixture.Pdf, writable: false);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        using var output = new MemoryStream(_fixture.Pdf.Length + 64 * 1024);
        document.Save(output, closeStream: false);
        return output.Length;
    }

    /// <summary>The floor of the issue: one SHA-256 pass over the file and one RSA-2048 PKCS#1 signature.</summary>
    [Benchmark(Description = "floor: SHA-256 + RSA-2048")]
    public byte[] Floor2048() =>
        _rsa2048.SignHash(SHA256.HashData(_fixture.Pdf), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    /// <summary>The same floor with the key the seal really uses (the development certificate is RSA-3072).</summary>
    [Benchmark(Description = "floor: SHA-256 + seal key")]
    public byte[] FloorSealKey() =>
        _sealKey.SignHash(SHA256.HashData(_fixture.Pdf), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
}
