using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Text;
using System.Text.RegularExpressions;

namespace Paraphe.Web.Features.Verification;

/// <summary>One signature found in a PDF: what it signs, the CMS, and what its dictionary says.</summary>
/// <param name="CoversWholeFile">false when bytes were added after the signed ranges (an incremental update).</param>
/// <param name="DigestMatches">the CMS signature verifies over the signed ranges: nothing inside them changed.</param>
public sealed record PdfSeal(long[] ByteRange, bool CoversWholeFile, bool DigestMatches, SignedCms? Cms, string? ProcedureId);

/// <summary>
/// Reads the signatures of a PDF from its bytes (the `/ByteRange` and the `/Contents` it leaves out) and checks each
/// CMS over exactly those bytes — what pdfsig does, without trusting anything the file says about itself.
/// </summary>
public static partial class PdfSeals
{
    public static IReadOnlyList<PdfSeal> Read(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var seals = new List<PdfSeal>();
        foreach (Match m in ByteRangePattern().Matches(text))
        {
            var range = Enumerable.Range(1, 4).Select(i => long.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture)).ToArray();
            if (!Plausible(range, pdf.LongLength)) continue;
            var (start1, length1, start2, length2) = (range[0], range[1], range[2], range[3]);
            var cms = DecodeContents(pdf, (int)(start1 + length1), (int)start2);
            var digestMatches = false;
            if (cms is not null)
            {
                var signed = new byte[length1 + length2];
                Array.Copy(pdf, start1, signed, 0, length1);
                Array.Copy(pdf, start2, signed, length1, length2);
                digestMatches = Verifies(cms, signed);
            }
            seals.Add(new PdfSeal(range, start2 + length2 == pdf.LongLength, digestMatches, cms, ProcedureIdIn(text)));
        }
        return seals;
    }

    private static bool Plausible(long[] r, long size) =>
        r[0] == 0 && r[1] > 0 && r[2] > r[1] && r[3] >= 0 && r[2] + r[3] <= size;

    /// <summary>The `&lt;hex&gt;` between the two signed ranges, decoded as CMS (its zero padding ignored).</summary>
    private static SignedCms? DecodeContents(byte[] pdf, int from, int to)
    {
        var hex = Encoding.ASCII.GetString(pdf, from, to - from).Trim().TrimStart('<').TrimEnd('>').TrimEnd('0');
        if (hex.Length % 2 == 1) hex += "0";
        try
        {
            var der = Convert.FromHexString(hex);
            var cms = new SignedCms(new ContentInfo([]), detached: true);
            cms.Decode(Trim(der));
            return cms;
        }
        catch (Exception e) when (e is FormatException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The DER element's own length: trailing padding would make the decoder refuse it.</summary>
    private static byte[] Trim(byte[] der)
    {
        if (der.Length < 2 || der[0] != 0x30) return der;
        int length, header;
        if (der[1] < 0x80) (length, header) = (der[1], 2);
        else
        {
            var count = der[1] & 0x7F;
            if (count is < 1 or > 4 || der.Length < 2 + count) return der;
            length = 0;
            for (var i = 0; i < count; i++) length = (length << 8) | der[2 + i];
            header = 2 + count;
        }
        return header + length <= der.Length ? der[..(header + length)] : der;
    }

    private static bool Verifies(SignedCms cms, byte[] signedBytes)
    {
        try
        {
            var check = new SignedCms(new ContentInfo(signedBytes), detached: true);
            check.Decode(cms.Encode());
            check.CheckSignature(verifySignatureOnly: true);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// The procedure named in the seal's reason (« Scellé par Paraphe (réf. prc_…) »), written as a literal or, when it
    /// has accents, as a UTF-16 hex string. Only a claim: the caller compares the file with the stored sealed document.
    /// </summary>
    private static string? ProcedureIdIn(string window)
    {
        if (ProcedureIdPattern().Match(window) is { Success: true } plain) return plain.Value;
        foreach (Match hex in HexStringPattern().Matches(window))
        {
            var value = hex.Groups[1].Value;
            if (!value.StartsWith("FEFF", StringComparison.OrdinalIgnoreCase) || value.Length % 4 != 0) continue;
            var decoded = Encoding.BigEndianUnicode.GetString(Convert.FromHexString(value[4..]));
            if (ProcedureIdPattern().Match(decoded) is { Success: true } id) return id.Value;
        }
        return null;
    }

    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")]
    private static partial Regex ByteRangePattern();

    [GeneratedRegex(@"prc_[0-9a-f]{32}")]
    private static partial Regex ProcedureIdPattern();

    [GeneratedRegex(@"<([0-9A-Fa-f]{8,2000})>")]
    private static partial Regex HexStringPattern();
}
