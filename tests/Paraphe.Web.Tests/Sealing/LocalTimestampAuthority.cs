using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Paraphe.Web.Features.Sealing;

namespace Paraphe.Web.Tests.Sealing;

/// <summary>
/// An in-process RFC 3161 timestamp authority (an <see cref="HttpMessageHandler"/>), built with .NET only: a
/// self-signed RSA certificate with the critical timeStamping EKU signs a TSTInfo over the requested imprint.
/// </summary>
internal sealed class LocalTimestampAuthority : HttpMessageHandler, IHttpClientFactory
{
    public X509Certificate2 Certificate { get; }
    public int Requests { get; private set; }
    public HttpStatusCode? FailWith { get; set; }

    public LocalTimestampAuthority()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Paraphe Test TSA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.8")], true));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        Requests++;
        if (FailWith is { } status) return new HttpResponseMessage(status);
        Assert.Equal("application/timestamp-query", message.Content!.Headers.ContentType!.MediaType);
        var body = await message.Content.ReadAsByteArrayAsync(cancellationToken);
        Assert.True(Rfc3161TimestampRequest.TryDecode(body, out var request, out _));

        var info = new Rfc3161TimestampTokenInfo(new Oid("1.3.6.1.4.1.99999.1"), request!.HashAlgorithmId,
            request.GetMessageHash(), RandomNumberGenerator.GetBytes(8), DateTimeOffset.UtcNow, nonce: request.GetNonce());
        var cms = new SignedCms(new ContentInfo(new Oid("1.2.840.113549.1.9.16.1.4"), info.Encode()));
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, Certificate)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = request.RequestSignerCertificate ? X509IncludeOption.EndCertOnly : X509IncludeOption.None,
        };
        signer.SignedAttributes.Add(new AsnEncodedData(new Oid("1.2.840.113549.1.9.16.2.47"),
            CadesSigner.SigningCertificateV2(Certificate)));
        cms.ComputeSignature(signer, silent: true);

        var reply = new AsnWriter(AsnEncodingRules.DER);
        using (reply.PushSequence()) // TimeStampResp
        {
            using (reply.PushSequence()) reply.WriteInteger(0); // PKIStatusInfo: granted
            reply.WriteEncodedValue(cms.Encode());
        }
        var content = new ByteArrayContent(reply.Encode());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-reply");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Certificate.Dispose();
        base.Dispose(disposing);
    }
}
