using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Platform;

namespace Paraphe.Bench.Sealing;

/// <summary>
/// What one completed procedure hands to the sealer: three signers with drawn PNG signatures as a phone sends them
/// (<see cref="PhoneSignature"/>, 1,200 × 400; two in boxes the agent placed on the last page, one in the automatic block), the evidence facts of the audit trail, and the production
/// <see cref="PdfSealer"/> with the development seal certificate (no timestamp authority).
/// </summary>
public sealed class SealingFixture : IDisposable
{
    private static readonly DateTime Signed = new(2026, 11, 27, 14, 5, 0, DateTimeKind.Utc);

    /// <param name="input">One of <see cref="SealingInputs.Names"/>, already generated.</param>
    public SealingFixture(string input) : this(input, File.ReadAllBytes(SealingInputs.PathOf(input))) { }

    /// <summary>With the PDF given (the issue 9 bench builds its own).</summary>
    public SealingFixture(string input, byte[] pdf)
    {
        Pdf = pdf;
        Certificates = new SealCertificates(
            Options.Create(new ParapheOptions { DataDirectory = SealingInputs.Directory }),
            Options.Create(new SealingOptions()), TimeProvider.System, NullLogger<SealCertificates>.Instance);
        Sealer = new PdfSealer(Certificates, Options.Create(new SealingOptions()), new NoHttpClients());
        Stamps = ThreeSigners(SealingInputs.PageCount(input));
        Evidence = Facts(Pdf);
    }

    public byte[] Pdf { get; }
    public SealCertificates Certificates { get; }
    public PdfSealer Sealer { get; }
    public IReadOnlyList<SignatureStamp> Stamps { get; }
    public EvidenceFacts Evidence { get; }

    /// <summary>What <c>SealProcedure</c> does with the sealer: the sealed file left in the sealer's pooled output buffer
    /// (issue 12), the buffer given back once used (here: its size read), with the signatures' forms prepared at signing
    /// (<see cref="PreparedSignatureForms"/>).</summary>
    public Task<int> StampAndSealAsync() => SealedSizeAsync(Stamps);

    /// <summary>The same with signatures stored before issue 12's second round: no prepared form, each PNG decoded and
    /// compressed at sealing (<see cref="SignatureForm.FromPng"/>).</summary>
    public Task<int> StampAndSealFromPngAsync() => SealedSizeAsync(StampsFromPng);

    /// <summary>The sealed file as bytes of its own, to write it out (pdfsig, pdftoppm).</summary>
    public Task<byte[]> StampAndSealToArrayAsync() => Sealer.StampAndSealAsync(Pdf, Stamps, Evidence);

    private async Task<int> SealedSizeAsync(IReadOnlyList<SignatureStamp> stamps)
    {
        using var sealedPdf = await Sealer.StampAndSealUncopiedAsync(Pdf, stamps, Evidence);
        return sealedPdf.Content.Count;
    }

    /// <summary>The signatures without their prepared forms.</summary>
    public IReadOnlyList<SignatureStamp> StampsFromPng => Stamps.Select(s => s with { PreparedForm = null }).ToList();

    public void Dispose() => Certificates.Dispose();

    /// <summary>The same signers, all with <paramref name="png"/> as their drawing.</summary>
    public IReadOnlyList<SignatureStamp> WithDrawing(byte[] png) => Stamps.Select(s => s with { SignaturePng = png, PreparedForm = null }).ToList();

    private static readonly byte[][] Drawings = [PhoneSignature.Stored(0), PhoneSignature.Stored(1), PhoneSignature.Stored(2)];

    /// <summary>Each drawing's form as signing prepares it (<see cref="PreparedSignatureForms.Add"/>).</summary>
    private static readonly byte[][] Prepared = Drawings.Select(Prepare).ToArray();

    /// <summary>What signing stores beside the PNG (issue 12): the form the stamper imports.</summary>
    public static byte[] Prepare(byte[] png) => SignatureForm.Pdf(png, "bench", SignatureForm.PreparedCompression);

    private static IReadOnlyList<SignatureStamp> ThreeSigners(int pages) =>
    [
        new("Marie Curie", Signed, new StampBox(pages, 330, 90, 220, 90), Drawings[0], PreparedForm: Prepared[0]),
        new("Jean Martin", Signed.AddMinutes(4), new StampBox(pages, 60, 90, 220, 90), Drawings[1], PreparedForm: Prepared[1]),
        new("Pierre Dupont-Lefèvre", Signed.AddMinutes(7), Box: null, Drawings[2], PreparedForm: Prepared[2]),
    ];

    private static EvidenceFacts Facts(byte[] pdf) => new(
        "proc_01JDX4K2M8Q7R5T3V9W1Y6Z0AB", "Contrat de prestation — Société Exemple SAS", "contrat-prestation-2026-0042.pdf",
        Convert.ToHexStringLower(SHA256.HashData(pdf)),
        [
            new SignerEvidence("Marie Curie", "marie.curie@example.fr", "+33612345678", SignatureMethod.RemoteWithSmsCode,
                Signed.AddHours(-20), Signed.AddMinutes(-3), Signed, "203.0.113.42",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"),
            new SignerEvidence("Jean Martin", "jean.martin@example.fr", "+33611223344", SignatureMethod.Remote,
                Signed.AddHours(-20), Signed.AddMinutes(1), Signed.AddMinutes(4), "198.51.100.7",
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"),
            new SignerEvidence("Pierre Dupont-Lefèvre", "p.dupont@example.com", "+33798765432", SignatureMethod.Remote,
                Signed.AddHours(-20), Signed.AddMinutes(2), Signed.AddMinutes(7), "2001:db8:85a3::8a2e:370:7334",
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"),
        ],
        "9f2c4e81b7a05d3f6e18c2a4b9d07e5f3a1c8b6d2e4f0a9b7c5d3e1f2a4b6c8d", Signed.AddMinutes(8));

    /// <summary>No timestamp authority is configured: the sealer never asks for a client.</summary>
    private sealed class NoHttpClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("No TSA in the benchmark.");
    }
}
