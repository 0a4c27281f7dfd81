using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Paraphe.Web.Features.Documents;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;

namespace Paraphe.Web.Features.Verification;

/// <summary>One signature a signature field of the PDF references: what it signs, its CMS, and its dictionary's reason.</summary>
/// <param name="ByteRange">start1, length1, start2, length2; checked: inside the file, ordered, the gap is `&lt;hex&gt;`.</param>
/// <param name="CoversWholeFile">false when bytes were added after the signed ranges (an incremental update).</param>
/// <param name="ProcedureId">the procedure the reason names (« Scellé par Paraphe (réf. prc_…) »), a claim until checked.</param>
public sealed record PdfSeal(long[] ByteRange, bool CoversWholeFile, SignedCms Cms, string? ProcedureId)
{
    /// <summary>The signer's signature value: unique to one sealing, what the stored record is matched on.</summary>
    public byte[] SignatureValue => Cms.SignerInfos[0].GetSignature();
}

/// <summary>
/// Reads the signatures of an untrusted PDF the way a reader does — from the signature fields of its form
/// (AcroForm /Fields, /FT /Sig → /V), never by searching the bytes — and checks one over exactly its signed ranges.
/// Every step is bounded by the file's size: the nesting pre-scan, one parse (PDFsharp, Import mode: the parser the
/// upload already uses and guards), at most <see cref="MaxSignatures"/> signatures decoded (a few kilobytes each), and
/// one streamed hash of at most the file, which stops when the request is cancelled.
/// </summary>
public static partial class PdfSeals
{
    /// <summary>Signatures looked at, at most (distinct ranges). A sealed document has one; a signed one a few.</summary>
    public const int MaxSignatures = 5;

    /// <summary>Tokens outside stream data, at most, in a file /verify parses (a sealed 100-page contract has a few
    /// thousand; its bulk is stream data). Beyond, the file is « construit de façon anormale »: this caps the parser's
    /// work whatever the file. An intact sealed document is recognised by its SHA-256 before any parsing.</summary>
    public const long MaxTokens = 250_000;

    /// <summary>Signature fields visited, at most (terminal fields and their parents).</summary>
    public const int MaxFields = 1000;

    /// <summary>Size of the `&lt;hex&gt;` gap, at most: a CMS with its chain and a timestamp token is far smaller.</summary>
    public const int MaxContentsLength = 1024 * 1024;

    /// <summary>The signatures the document's signature fields reference, or null when the file cannot be read as a PDF.</summary>
    public static IReadOnlyList<PdfSeal>? Read(byte[] pdf)
    {
        if (PdfNesting.TooComplex(pdf, MaxTokens)) return null;
        List<PdfDictionary> values;
        try
        {
            using var input = new MemoryStream(pdf, writable: false);
            using var document = PdfReader.Open(input, PdfDocumentOpenMode.Import, args => args.Abort = true);
            values = SignatureValues(document);
            var seals = new List<PdfSeal>();
            foreach (var value in values)
            {
                if (seals.Count == MaxSignatures) break;
                if (ToSeal(pdf, value) is { } seal && !seals.Any(s => s.ByteRange.SequenceEqual(seal.ByteRange))) seals.Add(seal);
            }
            return seals;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            return null; // untrusted bytes in a third-party parser: whatever it throws means "cannot be read"
        }
    }

    /// <summary>The /V dictionaries of the signature fields, in the order of the form, kids included (/FT inherited).</summary>
    private static List<PdfDictionary> SignatureValues(PdfDocument document)
    {
        var found = new List<PdfDictionary>();
        if (Resolve(document.Internals.Catalog.Elements["/AcroForm"]) is not PdfDictionary form
            || Resolve(form.Elements["/Fields"]) is not PdfArray fields) return found;
        var visited = 0;
        var pending = new Stack<(PdfItem Item, string? Type, int Level)>();
        for (var i = fields.Elements.Count - 1; i >= 0; i--) pending.Push((fields.Elements[i], null, 0));
        var seen = new HashSet<PdfDictionary>(ReferenceEqualityComparer.Instance);
        while (pending.Count > 0 && visited++ < MaxFields && found.Count < 4 * MaxSignatures)
        {
            var (item, inherited, level) = pending.Pop();
            if (Resolve(item) is not PdfDictionary field || !seen.Add(field)) continue;
            var type = field.Elements.GetName("/FT") is { Length: > 0 } ft ? ft : inherited;
            if (type == "/Sig" && Resolve(field.Elements["/V"]) is PdfDictionary value) found.Add(value);
            if (level < 8 && Resolve(field.Elements["/Kids"]) is PdfArray kids)
                for (var i = kids.Elements.Count - 1; i >= 0; i--) pending.Push((kids.Elements[i], type, level + 1));
        }
        return found;
    }

    private static PdfItem? Resolve(PdfItem? item) => item is PdfReference reference ? reference.Value : item;

    /// <summary>The cheap checks, before any hashing: sane ranges, the gap is the hex string, the CMS decodes.</summary>
    private static PdfSeal? ToSeal(byte[] pdf, PdfDictionary value)
    {
        if (Resolve(value.Elements["/ByteRange"]) is not PdfArray array || array.Elements.Count != 4) return null;
        var range = new long[4];
        for (var i = 0; i < 4; i++)
        {
            var number = Resolve(array.Elements[i]) switch
            {
                PdfInteger n => (long?)n.Value,
                PdfLongInteger n => n.Value,
                _ => null,
            };
            if (number is not { } v) return null;
            range[i] = v;
        }
        if (!Plausible(range, pdf.LongLength)) return null;
        var (gapStart, gapEnd) = ((int)(range[0] + range[1]), (int)range[2]);
        if (Resolve(value.Elements["/Contents"]) is not PdfString) return null;
        var cms = DecodeContents(pdf.AsSpan(gapStart, gapEnd - gapStart));
        if (cms is null) return null;
        var reason = Resolve(value.Elements["/Reason"]) is PdfString r ? r.Value : null;
        var procedureId = reason is null ? null : ProcedureIdPattern().Match(reason) is { Success: true } m ? m.Value : null;
        return new PdfSeal(range, range[2] + range[3] == pdf.LongLength, cms, procedureId);
    }

    /// <summary>Integers within the file, the first range from its start, the second after the first, the gap between
    /// them no larger than <see cref="MaxContentsLength"/>.</summary>
    private static bool Plausible(long[] r, long size) =>
        r[0] == 0 && r[1] > 0 && r[1] < size && r[2] > r[1] && r[2] <= size && r[3] >= 0 && r[3] <= size - r[2]
        && r[2] - r[1] >= 2 && r[2] - r[1] <= MaxContentsLength;

    /// <summary>The gap must be exactly one hex string `&lt;…&gt;`; decoded as CMS, its zero padding ignored.</summary>
    private static SignedCms? DecodeContents(ReadOnlySpan<byte> gap)
    {
        if (gap[0] != '<' || gap[^1] != '>') return null;
        var hex = gap[1..^1];
        if (hex.IndexOfAnyExcept("0123456789abcdefABCDEF"u8) >= 0) return null;
        try
        {
            // The CMS ends where its encoded length says, not at its last non-zero digit: its own last byte may be 0x00
            // (one seal in 256: the signature value is random), just like the placeholder's padding after it.
            var text = System.Text.Encoding.ASCII.GetString(hex);
            var bytes = Convert.FromHexString(text.Length % 2 == 0 ? text : text + "0"); // an odd last digit is followed by 0
            AsnDecoder.ReadEncodedValue(bytes, AsnEncodingRules.BER, out _, out _, out var length);
            var cms = new SignedCms(new ContentInfo([]), detached: true);
            cms.Decode(bytes.AsSpan(0, length));
            return cms.SignerInfos.Count > 0 ? cms : null;
        }
        catch (Exception e) when (e is FormatException or CryptographicException or ArgumentException or AsnContentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the seal's CMS verifies over its two signed ranges: SHA-256 of the ranges (hashed in place, a megabyte
    /// at a time, stopping when <paramref name="ct"/> is cancelled) equals the signed message-digest attribute, and
    /// the signer's RSA signature over the signed attributes verifies. This is the CMS the sealer writes
    /// (<see cref="Sealing.CadesSigner"/>): anything else (another digest, no signed attributes) does not verify.
    /// </summary>
    public static bool DigestMatches(byte[] pdf, PdfSeal seal, CancellationToken ct)
    {
        try
        {
            return DigestMatchesUnchecked(pdf, seal, ct);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or ArgumentException or InvalidOperationException)
        {
            return false; // attributes or keys the decoder refuses: nothing verified
        }
    }

    private static bool DigestMatchesUnchecked(byte[] pdf, PdfSeal seal, CancellationToken ct)
    {
        var signer = seal.Cms.SignerInfos[0];
        if (signer.DigestAlgorithm.Value != "2.16.840.1.101.3.4.2.1" || signer.Certificate is not { } certificate) return false;
        var signedDigest = signer.SignedAttributes.Cast<CryptographicAttributeObject>()
            .Where(a => a.Oid.Value == "1.2.840.113549.1.9.4").SelectMany(a => a.Values.Cast<AsnEncodedData>())
            .Select(v => AsnDecoder.ReadOctetString(v.RawData, AsnEncodingRules.BER, out _)).FirstOrDefault();
        if (signedDigest is null) return false;

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        const int chunk = 1024 * 1024;
        foreach (var (start, length) in new[] { (seal.ByteRange[0], seal.ByteRange[1]), (seal.ByteRange[2], seal.ByteRange[3]) })
            for (var at = start; at < start + length; at += chunk)
            {
                ct.ThrowIfCancellationRequested();
                hash.AppendData(pdf, (int)at, (int)Math.Min(chunk, start + length - at));
            }
        if (!CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), signedDigest)) return false;
        return SignatureVerifies(seal.Cms, certificate);
    }

    private static bool SignatureVerifies(SignedCms cms, X509Certificate2 certificate)
    {
        var signer = cms.SignerInfos[0];
        if (SignedAttributes(cms.Encode()) is not { } attributes) return false;
        using var key = certificate.GetRSAPublicKey();
        return key is not null && key.VerifyData(attributes, signer.GetSignature(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>The first SignerInfo's signed attributes as they are signed: DER, tagged as a SET (RFC 5652 §5.4).</summary>
    private static byte[]? SignedAttributes(byte[] cms)
    {
        try
        {
            var contentInfo = new AsnReader(cms, AsnEncodingRules.BER).ReadSequence();
            contentInfo.ReadObjectIdentifier();
            var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            signedData.ReadInteger();
            signedData.ReadSetOf();
            signedData.ReadSequence();
            if (signedData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0))) signedData.ReadEncodedValue();
            if (signedData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1))) signedData.ReadEncodedValue();
            var signerInfo = signedData.ReadSetOf().ReadSequence();
            signerInfo.ReadInteger();
            signerInfo.ReadEncodedValue(); // sid
            signerInfo.ReadSequence(); // digestAlgorithm
            if (!signerInfo.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0))) return null;
            var attributes = signerInfo.ReadEncodedValue().ToArray();
            attributes[0] = 0x31;
            return attributes;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>SHA-256 (hex) of a seal's signature value: what `sealed_documents.seal_signature_sha256` stores.</summary>
    public static string SignatureHash(byte[] signatureValue) => Convert.ToHexStringLower(SHA256.HashData(signatureValue));

    /// <summary>
    /// The signature-value hash of a PDF this instance sealed itself (trusted bytes: its last /ByteRange is the seal
    /// PDFsharp wrote), without parsing the file. Null when there is none.
    /// </summary>
    public static string? OwnSealSignatureHash(ReadOnlySpan<byte> sealedPdf)
    {
        var span = sealedPdf;
        var at = span.LastIndexOf("/ByteRange"u8);
        if (at < 0) return null;
        var text = System.Text.Encoding.ASCII.GetString(span.Slice(at, Math.Min(100, span.Length - at)));
        var open = text.IndexOf('[');
        var close = text.IndexOf(']');
        if (open < 0 || close < open) return null;
        var numbers = text[(open + 1)..close].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (numbers.Length != 4 || !long.TryParse(numbers[1], out var length1) || !long.TryParse(numbers[2], out var start2)
            || !Plausible([0, length1, start2, 0], sealedPdf.Length)) return null;
        var cms = DecodeContents(span[(int)length1..(int)start2]);
        return cms is null ? null : SignatureHash(cms.SignerInfos[0].GetSignature());
    }

    [GeneratedRegex(@"prc_[0-9a-f]{32}")]
    private static partial Regex ProcedureIdPattern();
}
