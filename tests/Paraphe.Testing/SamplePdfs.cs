using System.Globalization;
using System.Text;

namespace Paraphe.Testing;

/// <summary>
/// Test documents, written byte by byte (no PDF library) so that they do not depend on the code under test.
/// The valid ones are deterministic: same arguments, same bytes, same hash.
/// </summary>
public static class SamplePdfs
{
    public const string DefaultTitle = "Compromis de vente";

    /// <summary>User password of <see cref="Encrypted"/>; its owner password is "owner".</summary>
    public const string EncryptedUserPassword = "user";

    /// <summary>
    /// A valid, uncompressed PDF 1.4 of A4 pages, each showing <paramref name="title"/> and "Page i / n" in
    /// Helvetica. <paramref name="title"/> must be Latin-1 (accents are fine).
    /// </summary>
    public static byte[] Valid(int pageCount = 2, string title = DefaultTitle)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageCount, 1);
        var latin1 = Encoding.Latin1;
        var offsets = new List<long>();
        using var output = new MemoryStream();

        void Write(string s)
        {
            var bytes = latin1.GetBytes(s);
            output.Write(bytes);
        }

        void Object(string body)
        {
            offsets.Add(output.Position);
            Write($"{offsets.Count} 0 obj\n{body}\nendobj\n");
        }

        // Object numbers: 1 catalog, 2 page tree, 3 font, 4 info, then (page, content) pairs.
        const int firstPage = 5;
        Write("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        var kids = string.Join(' ', Enumerable.Range(0, pageCount).Select(i => $"{firstPage + 2 * i} 0 R"));
        Object($"<< /Type /Pages /Kids [{kids}] /Count {pageCount} >>");
        Object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
        Object($"<< /Title {PdfString(title)} /Producer (Paraphe.Testing) >>");
        for (var i = 0; i < pageCount; i++)
        {
            Object($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " +
                   $"/Resources << /Font << /F1 3 0 R >> >> /Contents {firstPage + 2 * i + 1} 0 R >>");
            var content =
                $"BT /F1 24 Tf 72 760 Td {PdfString(title)} Tj ET\n" +
                $"BT /F1 12 Tf 72 730 Td {PdfString($"Page {i + 1} / {pageCount}")} Tj ET\n" +
                "BT /F1 11 Tf 72 700 Td (Entre les soussign\\351s, il a \\351t\\351 convenu ce qui suit.) Tj ET\n";
            Object($"<< /Length {latin1.GetByteCount(content)} >>\nstream\n{content}endstream");
        }

        var xrefOffset = output.Position;
        var xref = new StringBuilder();
        xref.Append(CultureInfo.InvariantCulture, $"xref\n0 {offsets.Count + 1}\n0000000000 65535 f\r\n");
        foreach (var offset in offsets)
        {
            xref.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n\r\n");
        }

        Write(xref.ToString());
        Write($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xrefOffset}\n%%EOF\n");
        return output.ToArray();
    }

    /// <summary>The first half of a valid PDF: header present, no xref, no %%EOF (an interrupted upload).</summary>
    public static byte[] Truncated()
    {
        var valid = Valid(pageCount: 3);
        return valid[..(valid.Length / 2)];
    }

    /// <summary>A real 1×1 PNG, the kind of file an agent uploads by mistake.</summary>
    public static byte[] NotAPdf() => Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>
    /// <see cref="Valid"/>(2) encrypted by qpdf with the standard security handler (RC4 40-bit, user password
    /// "user", owner password "owner"): a reader cannot open it without the password.
    /// </summary>
    public static byte[] Encrypted() => Resource("encrypted.pdf");

    /// <summary>
    /// Encrypted with an empty user password and owner-only restrictions (AES-128): opens without a password
    /// (as many bank and notary exports do) but is still encrypted and cannot be modified as is.
    /// </summary>
    public static byte[] EncryptedWithoutUserPassword() => Resource("encrypted-owner-only.pdf");

    private static byte[] Resource(string name)
    {
        using var stream = typeof(SamplePdfs).Assembly.GetManifestResourceStream($"Paraphe.Testing.Resources.{name}")
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing from Paraphe.Testing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A PDF literal string in WinAnsi (Latin-1 for letters with accents), escaped.</summary>
    private static string PdfString(string text)
    {
        var builder = new StringBuilder("(");
        foreach (var c in text)
        {
            switch (c)
            {
                case '(' or ')' or '\\':
                    builder.Append('\\').Append(c);
                    break;
                case >= ' ' and <= '~':
                    builder.Append(c);
                    break;
                case >= '\u00a0' and <= '\u00ff':
                    builder.Append('\\').Append(Convert.ToString((int)c, 8).PadLeft(3, '0'));
                    break;
                default:
                    throw new ArgumentException($"Character U+{(int)c:X4} cannot be written in WinAnsi.", nameof(text));
            }
        }

        return builder.Append(')').ToString();
    }
}
