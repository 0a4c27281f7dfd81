using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paraphe.Testing;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Tests.Sealing;

public sealed class SealingTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("paraphe-seal-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private SealCertificates Certificates(SealingOptions? sealing = null) => new(
        Options.Create(new ParapheOptions { DataDirectory = _dataDirectory }),
        Options.Create(sealing ?? new SealingOptions()), TimeProvider.System, NullLogger<SealCertificates>.Instance);

    private string DevCaPem => Path.Combine(_dataDirectory, SealCertificates.DevDirectoryName, SealCertificates.DevCaFileName);

    private static async Task<byte[]> SealAsync(SealCertificates certificates, byte[] pdf,
        LocalTimestampAuthority? tsa = null) =>
        await new PdfSealer(certificates,
            Options.Create(new SealingOptions { TsaUrl = tsa is null ? null : "http://tsa.test/" }),
            tsa ?? new LocalTimestampAuthority()).SealAsync(pdf);

    [Fact]
    public async Task A_sealed_pdf_is_a_valid_trusted_PAdES_signature_for_pdfsig()
    {
        using var certificates = Certificates();
        var sealedPdf = await SealAsync(certificates, SamplePdfs.Valid(pageCount: 3));
        var path = Path.Combine(_dataDirectory, "sealed.pdf");
        await File.WriteAllBytesAsync(path, sealedPdf);

        var report = await Pdfsig.VerifyAsync(path, DevCaPem);

        Assert.Contains("Signature Type: ETSI.CAdES.detached", report);
        Assert.Contains("Signature is Valid.", report);
        Assert.Contains("Certificate is Trusted.", report);
        Assert.Contains("Total document signed", report);
        Assert.Single(report.Split('\n'), l => l.StartsWith("Signature #", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_seal_CMS_has_the_PAdES_baseline_signed_attributes()
    {
        using var certificates = Certificates();
        var sealedPdf = await SealAsync(certificates, SamplePdfs.Valid(pageCount: 3));

        var (signedBytes, cmsBytes) = SignedParts(sealedPdf);
        var cms = new SignedCms(new ContentInfo(signedBytes), detached: true);
        cms.Decode(cmsBytes);
        cms.CheckSignature(verifySignatureOnly: true); // throws when the digest or the signature is wrong

        var signer = Assert.Single(cms.SignerInfos.Cast<SignerInfo>());
        Assert.Equal("2.16.840.1.101.3.4.2.1", signer.DigestAlgorithm.Value); // SHA-256
        Assert.Equal(certificates.Seal.Thumbprint, signer.Certificate!.Thumbprint);
        var attributes = signer.SignedAttributes.Cast<CryptographicAttributeObject>().Select(a => a.Oid.Value).ToList();
        Assert.Contains("1.2.840.113549.1.9.3", attributes);        // content-type
        Assert.Contains("1.2.840.113549.1.9.4", attributes);        // message-digest
        Assert.Contains("1.2.840.113549.1.9.16.2.47", attributes);  // signing-certificate-v2
        Assert.DoesNotContain("1.2.840.113549.1.9.5", attributes);  // signing-time: not in PAdES (the time is /M)
        Assert.Equal(2, cms.Certificates.Count);                    // seal + development CA

        var essAttribute = signer.SignedAttributes.Cast<CryptographicAttributeObject>()
            .Single(a => a.Oid.Value == "1.2.840.113549.1.9.16.2.47").Values[0].RawData;
        var certHash = new AsnReader(essAttribute, AsnEncodingRules.DER)
            .ReadSequence().ReadSequence().ReadSequence().ReadOctetString();
        Assert.Equal(SHA256.HashData(certificates.Seal.RawData), certHash);
    }

    [Fact]
    public async Task With_a_timestamp_authority_the_seal_carries_a_signature_timestamp()
    {
        using var certificates = Certificates();
        using var tsa = new LocalTimestampAuthority();
        var sealedPdf = await SealAsync(certificates, SamplePdfs.Valid(pageCount: 3), tsa);

        Assert.Equal(1, tsa.Requests);
        var (signedBytes, cmsBytes) = SignedParts(sealedPdf);
        var cms = new SignedCms(new ContentInfo(signedBytes), detached: true);
        cms.Decode(cmsBytes);
        cms.CheckSignature(verifySignatureOnly: true);
        var signer = cms.SignerInfos[0];
        var attribute = signer.UnsignedAttributes.Cast<CryptographicAttributeObject>()
            .Single(a => a.Oid.Value == "1.2.840.113549.1.9.16.2.14"); // signature-time-stamp
        Assert.True(Rfc3161TimestampToken.TryDecode(attribute.Values[0].RawData, out var token, out _));
        Assert.True(token!.VerifySignatureForSignerInfo(signer, out var tsaCertificate));
        Assert.Equal(tsa.Certificate.Thumbprint, tsaCertificate!.Thumbprint);

        var path = Path.Combine(_dataDirectory, "timestamped.pdf");
        await File.WriteAllBytesAsync(path, sealedPdf);
        var report = await Pdfsig.VerifyAsync(path, DevCaPem);
        Assert.Contains("Signature Type: ETSI.CAdES.detached", report);
        Assert.Contains("Signature is Valid.", report);
        Assert.Contains("Certificate is Trusted.", report);
    }

    [Fact]
    public async Task A_failing_timestamp_authority_fails_the_seal_instead_of_downgrading_it()
    {
        using var certificates = Certificates();
        using var tsa = new LocalTimestampAuthority { FailWith = System.Net.HttpStatusCode.ServiceUnavailable };
        await Assert.ThrowsAsync<InvalidOperationException>(() => SealAsync(certificates, SamplePdfs.Valid(), tsa));
    }

    [Fact]
    public async Task Changing_one_signed_byte_breaks_the_seal()
    {
        using var certificates = Certificates();
        var sealedPdf = await SealAsync(certificates, SamplePdfs.Valid(pageCount: 3));
        var at = sealedPdf.AsSpan().IndexOf("Page 2 / 3"u8);
        Assert.True(at > 0, "the page text is in a content stream");
        var range = ByteRange(sealedPdf);
        Assert.True(at < range[1] || at >= range[2], "the changed byte is inside the signed range");
        sealedPdf[at + 5] = (byte)'3'; // "Page 3 / 3"
        var path = Path.Combine(_dataDirectory, "tampered.pdf");
        await File.WriteAllBytesAsync(path, sealedPdf);

        var report = await Pdfsig.VerifyAsync(path, DevCaPem);

        Assert.Contains("Signature Type: ETSI.CAdES.detached", report);
        Assert.DoesNotContain("Signature is Valid.", report);
        Assert.Contains("Digest Mismatch", report);
    }

    [Fact]
    public void The_development_CA_and_seal_are_generated_once_and_reused()
    {
        string thumbprint;
        using (var first = Certificates())
        {
            Assert.True(first.IsDevelopment);
            thumbprint = first.Seal.Thumbprint;
            var ca = Assert.Single(first.Chain);
            Assert.Equal(ca.SubjectName.RawData, first.Seal.IssuerName.RawData);
            var constraints = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
            Assert.True(constraints.CertificateAuthority);
            Assert.True(ca.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
            var usage = first.Seal.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages;
            Assert.True(usage.HasFlag(X509KeyUsageFlags.DigitalSignature) && usage.HasFlag(X509KeyUsageFlags.NonRepudiation));
            Assert.False(first.Seal.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
            Assert.True(first.Seal.GetRSAPublicKey()!.KeySize >= 2048);
            Assert.Equal("sha256RSA", first.Seal.SignatureAlgorithm.FriendlyName);
            Assert.Equal(ca.RawData, X509Certificate2.CreateFromPem(File.ReadAllText(DevCaPem)).RawData);
        }

        using var second = Certificates();
        Assert.Equal(thumbprint, second.Seal.Thumbprint);
        Assert.True(second.Seal.HasPrivateKey);
    }

    [Fact]
    public async Task A_configured_PKCS12_is_used_instead_of_the_development_seal()
    {
        var (ca, seal) = SealCertificates.CreateDevelopmentPair(DateTimeOffset.UtcNow);
        using (ca)
        using (seal)
        {
            var pfxPath = Path.Combine(_dataDirectory, "platform.p12");
            using var caPublic = X509CertificateLoader.LoadCertificate(ca.RawData);
            await File.WriteAllBytesAsync(pfxPath, new X509Certificate2Collection { seal, caPublic }.Export(X509ContentType.Pkcs12, "s3cret")!);
            var caPem = Path.Combine(_dataDirectory, "platform-ca.pem");
            await File.WriteAllTextAsync(caPem, ca.ExportCertificatePem());

            using var certificates = Certificates(new SealingOptions { CertificatePath = pfxPath, CertificatePassword = "s3cret" });

            Assert.False(certificates.IsDevelopment);
            Assert.Equal(seal.Thumbprint, certificates.Seal.Thumbprint);
            Assert.Equal(ca.Thumbprint, Assert.Single(certificates.Chain).Thumbprint);
            Assert.False(Directory.Exists(Path.Combine(_dataDirectory, SealCertificates.DevDirectoryName)));

            var path = Path.Combine(_dataDirectory, "sealed.pdf");
            await File.WriteAllBytesAsync(path, await SealAsync(certificates, SamplePdfs.Valid(pageCount: 1)));
            var report = await Pdfsig.VerifyAsync(path, caPem);
            Assert.Contains("Signature is Valid.", report);
            Assert.Contains("Certificate is Trusted.", report);
        }
    }

    /// <summary>The bytes covered by /ByteRange and the CMS in /Contents.</summary>
    private static (byte[] Signed, byte[] Cms) SignedParts(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var numbers = ByteRange(pdf);
        var signed = pdf.AsSpan(numbers[0], numbers[1]).ToArray().Concat(pdf.AsSpan(numbers[2], numbers[3]).ToArray()).ToArray();
        var hex = text[(numbers[1] + 1)..(numbers[2] - 1)];
        var cmsBytes = Convert.FromHexString(hex);
        var length = new AsnReader(cmsBytes, AsnEncodingRules.BER).PeekEncodedValue().Length; // drop the zero padding
        return (signed, cmsBytes[..length]);
    }

    private static int[] ByteRange(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var open = text.IndexOf('[', text.LastIndexOf("/ByteRange", StringComparison.Ordinal));
        return text[(open + 1)..text.IndexOf(']', open)]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
    }
}
