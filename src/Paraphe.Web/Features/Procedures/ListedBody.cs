using System.IO.Compression;
using Microsoft.Net.Http.Headers;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// A list page's response bytes and their gzip copy, made once on the first request that accepts gzip and kept with the
/// page (<see cref="ListedPageCache"/>): a page of 50 procedures is ~285 KB of JSON, which every client that sends
/// <c>Accept-Encoding: gzip</c> (browsers, Python's requests, Node's fetch) then receives as about an eighth of that,
/// without the server compressing it again for each request. Two requests racing for the first copy may both compress:
/// the same bytes, one kept.
/// </summary>
public sealed class ListedBody(byte[] raw)
{
    /// <summary>Below this a body is always sent as it is: gzip's header and the work are not worth it.</summary>
    public const int MinGzipBytes = 1024;

    private byte[]? gzip;

    /// <summary>The JSON as written.</summary>
    public byte[] Raw => raw;

    /// <summary>The JSON gzip-compressed (RFC 1952), made on first use.</summary>
    public byte[] Gzip => Volatile.Read(ref gzip) ?? Interlocked.CompareExchange(ref gzip, Compress(raw), null) ?? gzip!;

    /// <summary>Whether the request accepts gzip (RFC 9110 §12.5.3): named with a non-zero weight, or <c>*</c> with one and
    /// gzip not named.</summary>
    public static bool Accepted(HttpRequest request)
    {
        if (!request.Headers.ContainsKey(HeaderNames.AcceptEncoding)) return false;
        double? gzipWeight = null, anyWeight = null;
        foreach (var value in request.GetTypedHeaders().AcceptEncoding)
        {
            var weight = value.Quality ?? 1;
            if (value.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase)) gzipWeight = weight;
            else if (value.Value.Equals("*", StringComparison.Ordinal)) anyWeight = weight;
        }
        return (gzipWeight ?? anyWeight ?? 0) > 0;
    }

    private static byte[] Compress(byte[] bytes)
    {
        using var output = new MemoryStream(bytes.Length / 6);
        using (var zip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(bytes);
        return output.ToArray();
    }
}
