using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PdfSharp.Pdf.Signatures;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// A PDFsharp signer producing a PAdES baseline (B-B) CMS: detached, SHA-256, RSA, signed attributes content-type,
/// message-digest and ESS signing-certificate-v2, no signing-time attribute (PAdES puts the time in /M), the chain
/// embedded.
/// PDFsharp 6.2 always writes <c>/SubFilter /adbe.pkcs7.detached</c>; the name <c>/ETSI.CAdES.detached</c> has the
/// same length, so it is swapped in the output stream just before the signed ranges are hashed.
/// </summary>
internal sealed class CadesSigner(
    X509Certificate2 seal, X509Certificate2Collection chain, MemoryStream output, TimestampClient? timestamps) : IDigitalSigner
{
    internal const string PdfSharpSubFilter = "/adbe.pkcs7.detached";
    internal const string PadesSubFilter = "/ETSI.CAdES.detached";
    private const string SigningCertificateV2Oid = "1.2.840.113549.1.9.16.2.47";
    private const string SignatureTimeStampTokenOid = "1.2.840.113549.1.9.16.2.14";
    private const string DataOid = "1.2.840.113549.1.7.1";
    private const string Sha256Oid = "2.16.840.1.101.3.4.2.1";
    private const string SignedDataOid = "1.2.840.113549.1.7.2";
    private const string ContentTypeOid = "1.2.840.113549.1.9.3";
    private const string MessageDigestOid = "1.2.840.113549.1.9.4";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";

    public string CertificateName => seal.GetNameInfo(X509NameType.SimpleName, false);

    public Task<int> GetSignatureSizeAsync()
    {
        // Certificates + signer info (signature, attributes, names) with a generous margin; unused space is zero-filled.
        var size = seal.RawData.Length + chain.Sum(c => c.RawData.Length) + 4096;
        if (timestamps is not null) size += 16 * 1024; // the token and the authority's certificates
        return Task.FromResult(size);
    }

    /// <summary>Signs the two ranges of the /ByteRange PDFsharp has just written, hashed in place in the output buffer
    /// (exactly what a verifier hashes; PDFsharp's own ranged stream cannot be copied: it throws on CanSeek). No copy
    /// of the document is made: <see cref="SignedCms"/> would need the signed bytes as one array, and copies it again.</summary>
    public async Task<byte[]> GetSignatureAsync(Stream stream)
    {
        var range = ReplaceSubFilter();
        var buffer = output.GetBuffer();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(buffer, range[0], range[1]);
        hash.AppendData(buffer, range[2], range[3]);
        var cms = Sign(hash.GetHashAndReset());
        if (timestamps is null) return cms;

        var decoded = new SignedCms();
        decoded.Decode(cms);
        var signerInfo = decoded.SignerInfos[0];
        var token = await timestamps.TimestampAsync(signerInfo).ConfigureAwait(false);
        signerInfo.AddUnsignedAttribute(new AsnEncodedData(new Oid(SignatureTimeStampTokenOid), token));
        return decoded.Encode();
    }

    /// <summary>
    /// The detached CMS SignedData (RFC 5652) over content whose SHA-256 is <paramref name="contentDigest"/>: one
    /// SignerInfo (v1, issuer and serial number), signed attributes content-type, message-digest and
    /// signing-certificate-v2, RSA PKCS#1 v1.5, the seal certificate and its chain.
    /// </summary>
    internal byte[] Sign(byte[] contentDigest)
    {
        var attributes = new AsnWriter(AsnEncodingRules.DER);
        using (attributes.PushSetOf()) // DER: the writer sorts the attributes
        {
            Attribute(attributes, ContentTypeOid, w => w.WriteObjectIdentifier(DataOid));
            Attribute(attributes, MessageDigestOid, w => w.WriteOctetString(contentDigest));
            Attribute(attributes, SigningCertificateV2Oid, w => w.WriteEncodedValue(SigningCertificateV2(seal)));
        }

        // The signature covers the attributes encoded as a SET (tag 0x31); in the SignerInfo they are [0] IMPLICIT.
        var signedAttributes = attributes.Encode();
        using var key = seal.GetRSAPrivateKey() ?? throw new InvalidOperationException("The seal certificate has no RSA private key.");
        var signature = key.SignData(signedAttributes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        signedAttributes[0] = 0xA0;

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence()) // ContentInfo
        {
            writer.WriteObjectIdentifier(SignedDataOid);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence()) // SignedData
            {
                writer.WriteInteger(1);
                using (writer.PushSetOf()) AlgorithmIdentifier(writer, Sha256Oid);
                using (writer.PushSequence()) writer.WriteObjectIdentifier(DataOid); // detached: no eContent
                using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteEncodedValue(seal.RawData);
                    foreach (var certificate in chain) writer.WriteEncodedValue(certificate.RawData);
                }

                using (writer.PushSetOf())
                using (writer.PushSequence()) // SignerInfo
                {
                    writer.WriteInteger(1);
                    using (writer.PushSequence()) // IssuerAndSerialNumber
                    {
                        writer.WriteEncodedValue(seal.IssuerName.RawData);
                        writer.WriteInteger(seal.SerialNumberBytes.Span);
                    }

                    AlgorithmIdentifier(writer, Sha256Oid);
                    writer.WriteEncodedValue(signedAttributes);
                    using (writer.PushSequence()) // rsaEncryption, NULL parameters
                    {
                        writer.WriteObjectIdentifier(RsaEncryptionOid);
                        writer.WriteNull();
                    }

                    writer.WriteOctetString(signature);
                }
            }
        }

        return writer.Encode();
    }

    private static void Attribute(AsnWriter writer, string oid, Action<AsnWriter> value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            using (writer.PushSetOf()) value(writer);
        }
    }

    /// <summary>SHA-256's AlgorithmIdentifier, parameters absent (RFC 5754).</summary>
    private static void AlgorithmIdentifier(AsnWriter writer, string oid)
    {
        using (writer.PushSequence()) writer.WriteObjectIdentifier(oid);
    }

    /// <summary>ESS SigningCertificateV2 (RFC 5035) with one ESSCertIDv2: SHA-256 (the default, so omitted) hash of the
    /// certificate and its issuer and serial number.</summary>
    internal static byte[] SigningCertificateV2(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence()) // SigningCertificateV2
        using (writer.PushSequence()) // certs
        using (writer.PushSequence()) // ESSCertIDv2
        {
            writer.WriteOctetString(SHA256.HashData(certificate.RawData));
            using (writer.PushSequence()) // IssuerSerial
            {
                using (writer.PushSequence()) // GeneralNames
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true))) // directoryName
                    writer.WriteEncodedValue(certificate.IssuerName.RawData);
                writer.WriteInteger(certificate.SerialNumberBytes.Span);
            }
        }
        return writer.Encode();
    }

    /// <summary>Swaps the SubFilter of the signature dictionary PDFsharp has just written. The dictionary's keys come
    /// before /Contents, and the /ByteRange already filled in says where /Contents starts (its second number).</summary>
    private int[] ReplaceSubFilter()
    {
        var buffer = output.GetBuffer().AsSpan(0, (int)output.Length);
        var byteRange = buffer.LastIndexOf("/ByteRange"u8);
        if (byteRange < 0) throw new InvalidOperationException("No /ByteRange in the document being sealed.");
        var array = Encoding.ASCII.GetString(buffer.Slice(byteRange, Math.Min(80, buffer.Length - byteRange)));
        var range = array[(array.IndexOf('[') + 1)..array.IndexOf(']')]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        if (range.Length != 4 || range[0] != 0 || range[2] + range[3] != buffer.Length)
            throw new InvalidOperationException($"Unexpected /ByteRange {array}.");
        var contentsStart = range[1];
        var from = Encoding.ASCII.GetBytes(PdfSharpSubFilter);
        var window = Math.Max(0, contentsStart - 1024);
        var at = buffer[window..contentsStart].LastIndexOf(from);
        if (at < 0) throw new InvalidOperationException("The signature dictionary's SubFilter was not found.");
        Encoding.ASCII.GetBytes(PadesSubFilter).CopyTo(buffer[(window + at)..]);
        return range;
    }
}
