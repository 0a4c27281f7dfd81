using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paraphe.Testing;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Tests.Sealing;

public sealed class StampingTests : IDisposable
{
    private static readonly DateTime SignedAt = new(2026, 11, 27, 22, 8, 0, DateTimeKind.Utc); // 23:08 in Paris
    private const string Signed = "Signé électroniquement par";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("paraphe-stamp-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task Each_signature_is_drawn_in_its_box_on_its_page_with_the_French_caption()
    {
        var pdf = SignatureStamper.Stamp(SamplePdfs.Valid(pageCount: 3),
        [
            new("Alice Martin", SignedAt, new StampBox(1, 60, 80, 220, 90), SamplePdfs.NotAPdf()),
            new("Bérénice Lefèvre", SignedAt.AddMinutes(5), new StampBox(3, 300, 80, 220, 90), TypedName: "B. Lefèvre"),
        ]);

        var pages = await PdfText.PagesAsync(pdf);

        Assert.Equal(3, pages.Count);
        Assert.Contains($"{Signed} Alice Martin", pages[0]);
        Assert.Contains("le 27/11/2026 à 23:08", pages[0]);
        Assert.DoesNotContain(Signed, pages[1]);
        Assert.Contains($"{Signed} Bérénice Lefèvre", pages[2]);
        Assert.Contains("B. Lefèvre", pages[2]);
        Assert.Contains("le 27/11/2026 à 23:13", pages[2]);
        Assert.DoesNotContain("Alice", pages[2]);
        Assert.Contains("Page 3 / 3", pages[2]); // the original content is kept
    }

    [Fact]
    public void A_box_outside_the_document_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SignatureStamper.Stamp(SamplePdfs.Valid(pageCount: 1),
            [new("Alice Martin", SignedAt, new StampBox(2, 60, 80, 220, 90))]));
    }

    [Fact]
    public async Task Seven_signers_without_a_place_go_on_two_added_signature_pages_never_on_the_contract()
    {
        var names = Enumerable.Range(1, 7).Select(i => $"Signataire Numéro{i}").ToList();
        var original = SamplePdfs.Valid(pageCount: 3);
        var pdf = SignatureStamper.Stamp(original,
            names.Select((n, i) => new SignatureStamp(n, SignedAt.AddMinutes(i), SignaturePng: i % 2 == 0 ? SamplePdfs.NotAPdf() : null,
                Role: i == 0 ? "vendeur" : "acquéreur")).ToList());

        var pages = await PdfText.PagesAsync(pdf);
        var before = await PdfText.PagesAsync(original);

        Assert.Equal(5, pages.Count); // 3 pages of contract, 5 blocks on the first signature page, 2 on the second
        Assert.Equal(before, pages.Take(3));
        foreach (var (n, i) in names.Select((n, i) => (n, i)).Take(5)) Assert.Contains($"{i + 1}. {n}", pages[3]);
        foreach (var (n, i) in names.Select((n, i) => (n, i)).Skip(5)) Assert.Contains($"{i + 1}. {n}", pages[4]);
        Assert.Contains("Page des signatures (1/2)", pages[3]);
        Assert.Contains("Page des signatures (2/2)", pages[4]);
        Assert.Contains("le document qui précède (3 pages)", pages[3]);
        Assert.Contains("Qualité : vendeur", pages[3]);
        Assert.Contains("Signé le 27/11/2026 à 23:08", pages[3]);
        Assert.DoesNotContain(Signed, string.Concat(pages.Take(3)));
    }

    [Fact]
    public async Task The_evidence_page_follows_the_document_with_the_hash_and_masked_contacts_only()
    {
        var original = SamplePdfs.Valid(pageCount: 3);
        var facts = Facts(original, signerCount: 2);
        var stamped = SignatureStamper.Stamp(original, facts.Signers.Select(s => new SignatureStamp(s.Name, SignedAt)).ToList());
        var pdf = EvidencePage.Append(stamped, facts);

        var pages = await PdfText.PagesAsync(pdf);

        Assert.Equal(5, pages.Count); // 3 pages of contract, the signature page, the evidence
        var evidence = pages[4];
        Assert.Contains("Certificat de preuve", evidence);
        Assert.Contains(facts.OriginalSha256Hex, evidence);
        Assert.Contains("Identifiant : proc_7Hq2", evidence);
        Assert.Contains("Vente Dupont / Martin", evidence);
        Assert.Contains("j•••@gmail.com", evidence);
        Assert.Contains("06 •• •• •• 78", evidence);
        Assert.DoesNotContain("jean.dupont", evidence);
        Assert.DoesNotContain("12 34 56", evidence);
        Assert.DoesNotContain("0612345678", evidence);
        Assert.Contains("à distance avec code SMS", evidence);
        Assert.Contains("en personne", evidence);
        Assert.Contains("Signature : 27/11/2026 à 23:08", evidence);
        Assert.Contains("Adresse IP : 203.0.113.7", evidence);
        Assert.Contains("Mozilla/5.0", evidence);
        Assert.DoesNotContain("TAIL-OF-A-VERY-LONG-USER-AGENT", evidence);
        Assert.Contains(facts.AuditChainLastHash, evidence);
        Assert.Contains($"{Signed} Jean Dupont", pages[3]);
        Assert.DoesNotContain("Certificat de preuve", string.Concat(pages.Take(4)));
    }

    [Fact]
    public async Task Many_signers_continue_the_evidence_on_further_pages()
    {
        var original = SamplePdfs.Valid(pageCount: 1);
        var facts = Facts(original, signerCount: 12);
        var pages = await PdfText.PagesAsync(EvidencePage.Append(original, facts));

        Assert.True(pages.Count >= 3, $"{pages.Count} pages");
        var evidence = string.Join(' ', pages.Skip(1));
        foreach (var s in facts.Signers) Assert.Contains($". {s.Name}", evidence);
        Assert.Contains("Certificat de preuve (suite)", pages[^1]);
        Assert.Contains(facts.AuditChainLastHash, pages[^1]);
    }

    [Theory]
    [InlineData("jean.dupont@gmail.com", "j•••@gmail.com")]
    [InlineData("a@b.fr", "a•••@b.fr")]
    [InlineData("pas-un-courriel", "•••")]
    [InlineData(null, "—")]
    public void Emails_are_masked(string? email, string expected) => Assert.Equal(expected, EvidencePage.MaskedEmail(email));

    [Fact]
    public async Task The_stamped_document_with_its_evidence_page_still_seals_to_a_valid_signature()
    {
        var original = SamplePdfs.Valid(pageCount: 3);
        var facts = Facts(original, signerCount: 3);
        var stamped = SignatureStamper.Stamp(original, facts.Signers.Select(s => new SignatureStamp(s.Name, SignedAt)).ToList());
        var withEvidence = EvidencePage.Append(stamped, facts);

        using var certificates = new SealCertificates(
            Options.Create(new ParapheOptions { DataDirectory = _dataDirectory }),
            Options.Create(new SealingOptions()), TimeProvider.System, NullLogger<SealCertificates>.Instance);
        var sealedPdf = await new PdfSealer(certificates, Options.Create(new SealingOptions()), new LocalTimestampAuthority())
            .SealAsync(withEvidence);
        var path = Path.Combine(_dataDirectory, "sealed.pdf");
        await File.WriteAllBytesAsync(path, sealedPdf);

        var report = await Pdfsig.VerifyAsync(path,
            Path.Combine(_dataDirectory, SealCertificates.DevDirectoryName, SealCertificates.DevCaFileName));

        Assert.Contains("Signature Type: ETSI.CAdES.detached", report);
        Assert.Contains("Signature is Valid.", report);
        Assert.Contains("Total document signed", report);
        var pages = await PdfText.PagesAsync(sealedPdf);
        Assert.Equal(5, pages.Count); // 3 pages of contract, 1 signature page, 1 evidence page
        Assert.Contains(facts.OriginalSha256Hex, pages[^1]);
    }

    private static EvidenceFacts Facts(byte[] original, int signerCount)
    {
        SignerEvidence Signer(int i) => new(
            i == 0 ? "Jean Dupont" : $"Signataire Numéro{i}",
            i == 0 ? "jean.dupont@gmail.com" : $"s{i}@exemple.fr",
            i == 0 ? "+33612345678" : null,
            (SignatureMethod)(i % 3 == 0 ? 1 : i % 3 == 1 ? 2 : 0),
            SignedAt.AddHours(-2), SignedAt.AddMinutes(-10), SignedAt,
            "203.0.113.7",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1 TAIL-OF-A-VERY-LONG-USER-AGENT");
        return new EvidenceFacts("proc_7Hq2", "Vente Dupont / Martin", SamplePdfs.DefaultTitle,
            Convert.ToHexStringLower(SHA256.HashData(original)),
            Enumerable.Range(0, signerCount).Select(Signer).ToList(),
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", SignedAt.AddMinutes(1));
    }
}
