using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Paraphe.Testing;

/// <summary>
/// Hostile PDFs for the abuse tests and the /verify benchmark, written byte by byte (no PDF library): files with many
/// signature fields, impossible byte ranges, deep nesting, copies of a sealed document with an incremental update.
/// </summary>
public static partial class CraftedPdfs
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    /// <summary>A PDF of the given objects (object i+1 is <paramref name="objects"/>[i], the catalog is object 1),
    /// with a correct cross-reference table.</summary>
    public static byte[] Build(IReadOnlyList<string> objects, string? padding = null)
    {
        using var output = new MemoryStream();
        void Write(string s) => output.Write(Latin1.GetBytes(s));
        Write("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new List<long>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(output.Position);
            Write($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        if (padding is not null) Write(padding);
        var xref = output.Position;
        var table = new StringBuilder($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) table.Append(CultureInfo.InvariantCulture, $"{o:D10} 00000 n \n");
        Write(table.ToString());
        Write($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }

    /// <summary>Catalog, pages, one empty page, then the given objects (numbered from 4).</summary>
    public static byte[] WithForm(string fields, IReadOnlyList<string> more, string? padding = null) =>
        Build([$"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields {fields} >> >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", .. more], padding);

    /// <summary>
    /// <paramref name="count"/> signature fields, each with its own signature dictionary whose /Contents is
    /// <paramref name="cmsHex"/> and whose /ByteRange is exactly right for this file (the whole file but that gap):
    /// what a naive verifier hashes <paramref name="count"/> times. <paramref name="padding"/> bytes of comment make it bigger.
    /// </summary>
    public static byte[] ManySignatures(int count, string cmsHex, int padding = 0)
    {
        const int firstSignature = 4;
        var fields = "[" + string.Join(' ', Enumerable.Range(0, count).Select(i => $"{firstSignature + count + i} 0 R")) + "]";
        var more = new List<string>();
        for (var i = 0; i < count; i++)
            more.Add($"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [{Placeholder}] /Contents <{cmsHex}> >>");
        for (var i = 0; i < count; i++)
            more.Add($"<< /FT /Sig /T (Signature{i}) /V {firstSignature + i} 0 R >>");
        var pdf = WithForm(fields, more, padding > 0 ? Padding(padding) : null);
        return FillByteRanges(pdf);
    }

    private const string Placeholder = "0000000000 0000000000 0000000000 0000000000";

    /// <summary>Writes into each `/ByteRange [placeholder]` the ranges around the `/Contents &lt;…&gt;` that follows it.</summary>
    private static byte[] FillByteRanges(byte[] pdf)
    {
        var span = pdf.AsSpan();
        var marker = Latin1.GetBytes("/ByteRange [" + Placeholder + "]");
        var from = 0;
        while (span[from..].IndexOf(marker) is var at && at >= 0)
        {
            at += from;
            var open = at + span[at..].IndexOf("/Contents <"u8) + "/Contents ".Length;
            var close = open + span[open..].IndexOf((byte)'>');
            var numbers = $"{0:D10} {open:D10} {close + 1:D10} {pdf.Length - close - 1:D10}";
            Latin1.GetBytes(numbers).CopyTo(span[(at + "/ByteRange [".Length)..]);
            from = at + marker.Length;
        }
        return pdf;
    }

    /// <summary>Comment lines, as many as needed for about <paramref name="bytes"/> bytes.</summary>
    public static string Padding(int bytes)
    {
        var line = "% " + new string('x', 77) + "\n";
        return string.Concat(Enumerable.Repeat(line, Math.Max(1, bytes / line.Length)));
    }

    /// <summary>The hex of the seal's CMS (without its padding) in a sealed PDF (its last /Contents between the /ByteRange's two ranges).</summary>
    public static string SealHex(byte[] sealedPdf)
    {
        var (gapStart, gapEnd) = SealGap(sealedPdf);
        var hex = Latin1.GetString(sealedPdf, gapStart + 1, gapEnd - gapStart - 2);
        // The CMS without the placeholder's zero padding, by its encoded length (its own last byte may be 0x00).
        System.Formats.Asn1.AsnDecoder.ReadEncodedValue(Convert.FromHexString(hex), System.Formats.Asn1.AsnEncodingRules.BER,
            out _, out _, out var length);
        return hex[..(2 * length)];
    }

    /// <summary>The `&lt;hex&gt;` gap of the seal, from its last /ByteRange.</summary>
    public static (int Start, int End) SealGap(byte[] sealedPdf)
    {
        var text = Latin1.GetString(sealedPdf);
        var m = ByteRange().Matches(text)[^1];
        var n = m.Groups.Values.Skip(1).Select(g => int.Parse(g.Value, CultureInfo.InvariantCulture)).ToArray();
        return (n[0] + n[1], n[2]);
    }

    /// <summary>
    /// The sealed PDF with an incremental update appended that redefines its signature dictionary (same object number)
    /// through <paramref name="edit"/>: the signed bytes are untouched, so the seal still verifies over them.
    /// </summary>
    public static byte[] WithSignatureDictionaryUpdated(byte[] sealedPdf, Func<string, string> edit)
    {
        var text = Latin1.GetString(sealedPdf);
        var byteRange = text.LastIndexOf("/ByteRange", StringComparison.Ordinal);
        var objStart = text.LastIndexOf(" 0 obj", byteRange, StringComparison.Ordinal);
        var numberStart = objStart;
        while (numberStart > 0 && char.IsAsciiDigit(text[numberStart - 1])) numberStart--;
        var number = int.Parse(text[numberStart..objStart], CultureInfo.InvariantCulture);
        var bodyStart = objStart + " 0 obj".Length;
        var body = text[bodyStart..text.IndexOf("endobj", byteRange, StringComparison.Ordinal)];
        return AppendUpdate(sealedPdf, (number, edit(body)));
    }

    /// <summary>An incremental update: the objects, a cross-reference section for them, a trailer pointing back.</summary>
    public static byte[] AppendUpdate(byte[] pdf, params (int Number, string Body)[] objects)
    {
        var text = Latin1.GetString(pdf);
        var previous = StartXref().Matches(text)[^1].Groups[1].Value;
        var root = Root().Matches(text)[^1].Value;
        var size = Size().Matches(text).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Max();
        using var output = new MemoryStream();
        output.Write(pdf);
        void Write(string s) => output.Write(Latin1.GetBytes(s));
        Write("\n");
        var offsets = new List<(int, long)>();
        foreach (var (number, body) in objects)
        {
            offsets.Add((number, output.Position));
            Write($"{number} 0 obj{body}endobj\n");
        }
        var xref = output.Position;
        var table = new StringBuilder("xref\n");
        foreach (var (number, offset) in offsets) table.Append(CultureInfo.InvariantCulture, $"{number} 1\n{offset:D10} 00000 n \n");
        Write(table.ToString());
        Write($"trailer\n<< /Size {Math.Max(size, objects.Max(o => o.Number) + 1)} {root} /Prev {previous} >>\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }

    /// <summary>A PDF whose page's /MediaBox is nested <paramref name="depth"/> arrays deep.</summary>
    public static byte[] DeeplyNested(int depth) =>
        Build(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Deep {new string('[', depth)}{new string(']', depth)} >>"]);

    /// <summary>The same nesting, hidden inside a compressed object stream (objects 3 and 4 live in stream 5).</summary>
    public static byte[] DeeplyNestedInObjectStream(int depth)
    {
        var inner = $"<< /Deep {new string('[', depth)}{new string(']', depth)} >>";
        var header = "4 0 ";
        var raw = Latin1.GetBytes(header + inner);
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
        var data = Latin1.GetString(compressed.ToArray());
        return Build(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Extra 4 0 R >>", "null",
            $"<< /Type /ObjStm /N 1 /First {header.Length} /Filter /FlateDecode /Length {compressed.Length} >>\nstream\n{data}\nendstream"]);
    }

    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")]
    private static partial Regex ByteRange();

    [GeneratedRegex(@"startxref\s+(\d+)")]
    private static partial Regex StartXref();

    [GeneratedRegex(@"/Root\s+\d+\s+\d+\s+R")]
    private static partial Regex Root();

    [GeneratedRegex(@"/Size\s+(\d+)")]
    private static partial Regex Size();
}
