using System.IO.Compression;

namespace Paraphe.Web.Features.Documents;

/// <summary>
/// A linear pre-scan run before any PDF parser sees untrusted bytes. PDFsharp (and most PDF parsers) read arrays and
/// dictionaries recursively: a file of 100,000 `[` overflows the thread's stack, and .NET cannot catch a stack
/// overflow — the whole process dies, for every agency. So: count the nesting of `[` and `&lt;&lt;` outside strings,
/// comments and stream data, including inside object streams (`/Type /ObjStm`, whose objects the parser also reads:
/// they are inflated here, up to a bound), and refuse anything deeper than <see cref="MaxDepth"/>.
/// Real documents nest a few levels; the limit leaves a wide margin.
/// </summary>
public static class PdfNesting
{
    public const int MaxDepth = 256;

    /// <summary>Inflated bytes of object streams scanned at most, for the whole file; beyond, the file is refused.</summary>
    public const long MaxInflatedBytes = 256L * 1024 * 1024;

    /// <summary>true when the file nests deeper than <see cref="MaxDepth"/> or hides too much in object streams.</summary>
    public static bool TooDeep(ReadOnlySpan<byte> pdf) => TooComplex(pdf, long.MaxValue);

    /// <summary>
    /// <see cref="TooDeep"/>, or more than <paramref name="maxTokens"/> tokens (names, numbers, strings, brackets,
    /// keywords) outside stream data. PDFsharp parses every object of a file up front; a file of nothing but tiny
    /// objects or bracket runs costs it hundreds of times more per megabyte than a real document, whose bulk is stream
    /// data. /verify caps that work with <see cref="PdfSeals"/>.MaxTokens.
    /// </summary>
    public static bool TooComplex(ReadOnlySpan<byte> pdf, long maxTokens)
    {
        var budget = MaxInflatedBytes;
        var tokens = maxTokens;
        return TooDeep(pdf, objectStreams: true, ref budget, ref tokens);
    }

    private static bool TooDeep(ReadOnlySpan<byte> pdf, bool objectStreams, ref long budget, ref long tokens)
    {
        var depth = 0;
        var inToken = false;
        var lastDictionary = 0; // where the last `<<` opened: the stream's dictionary is just before `stream`
        for (var i = 0; i < pdf.Length; i++)
        {
            var c = pdf[i];
            var regular = c is not ((byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or (byte)'\f' or 0 or (byte)'/'
                or (byte)'[' or (byte)']' or (byte)'<' or (byte)'>' or (byte)'(' or (byte)')' or (byte)'%');
            if ((!inToken || !regular) && c is not ((byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or (byte)'\f' or 0)
                && --tokens < 0) return true;
            inToken = regular;
            switch (c)
            {
                case (byte)'%':
                    while (i < pdf.Length && pdf[i] is not ((byte)'\r' or (byte)'\n')) i++;
                    break;
                case (byte)'(':
                    i = SkipLiteralString(pdf, i);
                    break;
                case (byte)'[':
                    if (++depth > MaxDepth) return true;
                    break;
                case (byte)']':
                    if (depth > 0) depth--;
                    break;
                case (byte)'<' when i + 1 < pdf.Length && pdf[i + 1] == '<':
                    if (++depth > MaxDepth) return true;
                    lastDictionary = i;
                    i++;
                    break;
                case (byte)'<':
                    var close = pdf[i..].IndexOf((byte)'>');
                    i = close < 0 ? pdf.Length : i + close;
                    break;
                case (byte)'>' when i + 1 < pdf.Length && pdf[i + 1] == '>':
                    if (depth > 0) depth--;
                    i++;
                    break;
                case (byte)'s' when objectStreams && IsKeyword(pdf, i, "stream"u8):
                    var dataStart = i + "stream".Length;
                    var end = pdf[dataStart..].IndexOf("endstream"u8);
                    var dataEnd = end < 0 ? pdf.Length : dataStart + end;
                    var dictionary = pdf[lastDictionary..i];
                    if (dictionary.IndexOf("/ObjStm"u8) >= 0 && !ObjectStreamIsShallow(pdf[dataStart..dataEnd], ref budget, ref tokens)) return true;
                    inToken = false;
                    i = dataEnd + (end < 0 ? 0 : "endstream".Length) - 1;
                    break;
            }
        }
        return false;
    }

    private static bool IsKeyword(ReadOnlySpan<byte> pdf, int at, ReadOnlySpan<byte> keyword) =>
        pdf[at..].StartsWith(keyword)
        && (at == 0 || !char.IsAsciiLetter((char)pdf[at - 1]))
        && at + keyword.Length < pdf.Length && pdf[at + keyword.Length] is (byte)'\r' or (byte)'\n';

    private static int SkipLiteralString(ReadOnlySpan<byte> pdf, int open)
    {
        var level = 0;
        for (var i = open; i < pdf.Length; i++)
        {
            switch (pdf[i])
            {
                case (byte)'\\': i++; break;
                case (byte)'(': level++; break;
                case (byte)')' when --level == 0: return i;
            }
        }
        return pdf.Length;
    }

    /// <summary>Inflates an object stream (Flate, the only filter writers use for them) and scans its objects.</summary>
    private static bool ObjectStreamIsShallow(ReadOnlySpan<byte> data, ref long budget, ref long tokens)
    {
        var start = 0;
        while (start < data.Length && data[start] is (byte)'\r' or (byte)'\n') start++;
        using var output = new MemoryStream();
        try
        {
            using var input = new MemoryStream(data[start..].ToArray(), writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            var buffer = new byte[81920];
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                budget -= read;
                if (budget < 0) return false;
                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            // damaged or not Flate: scan what did inflate, as a lenient parser might read it
        }
        return !TooDeep(output.GetBuffer().AsSpan(0, (int)output.Length), objectStreams: false, ref budget, ref tokens);
    }
}
