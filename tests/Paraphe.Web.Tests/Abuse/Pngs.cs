using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>Signature images, good and hostile, built here (no file to trust).</summary>
public static class Pngs
{
    public const string Prefix = "data:image/png;base64,";

    public static string DataUrl(byte[] bytes) => Prefix + Convert.ToBase64String(bytes);

    /// <summary>A drawn signature as a canvas makes it: strokes on a transparent background.</summary>
    public static byte[] Drawing(int width = 600, int height = 200)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            using var pen = new SKPaint { Color = SKColors.DarkBlue, StrokeWidth = Math.Max(2, width / 150f), IsStroke = true, IsAntialias = true };
            float[] xs = [0.05f, 0.2f, 0.35f, 0.5f, 0.65f, 0.8f, 0.95f], ys = [0.7f, 0.15f, 0.85f, 0.4f, 0.1f, 0.8f, 0.3f];
            for (var i = 1; i < xs.Length; i++)
                canvas.DrawLine(width * xs[i - 1], height * ys[i - 1], width * xs[i], height * ys[i], pen);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A complete, valid PNG of any size, built by hand: 1-bit grey, all black, so that 10,000 × 10,000 pixels
    /// fit in a few kilobytes (the kind that took 1.6 GB to seal).</summary>
    public static byte[] Huge(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 1; // bit depth
        ihdr[9] = 0; // greyscale
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + (width + 7) / 8]; // filter byte 0, then zeros
            for (var y = 0; y < height; y++) z.Write(row);
        }
        return Assemble(("IHDR", ihdr), ("IDAT", idat.ToArray()), ("IEND", []));
    }

    /// <summary><paramref name="png"/> with an ancillary text chunk of <paramref name="size"/> bytes before IEND.</summary>
    public static byte[] WithTextChunk(byte[] png, int size, string keyword = "Comment")
    {
        var text = new byte[keyword.Length + 1 + size];
        System.Text.Encoding.ASCII.GetBytes(keyword).CopyTo(text, 0);
        text.AsSpan(keyword.Length + 1).Fill((byte)'a');
        var end = png.Length - 12; // IEND is the last 12 bytes
        return [.. png[..end], .. Chunk("tEXt", text), .. png[end..]];
    }

    /// <summary>The PNG signature, then bytes that are no PNG at all.</summary>
    public static byte[] PngLookingGarbage()
    {
        var bytes = new byte[4096];
        new Random(9).NextBytes(bytes);
        byte[] magic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        magic.CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>A valid header and the first part of the pixels only.</summary>
    public static byte[] Truncated() => Drawing()[..^200];

    /// <summary>A complete file whose compressed pixels were damaged (CRC fixed up, so only decoding finds it).</summary>
    public static byte[] CorruptPixels()
    {
        var png = Drawing();
        var chunks = Chunks(png).ToList();
        var i = chunks.FindIndex(c => c.Type == "IDAT");
        var data = chunks[i].Data.ToArray();
        for (var k = data.Length / 3; k < data.Length / 3 + 40 && k < data.Length; k++) data[k] ^= 0xA5;
        chunks[i] = ("IDAT", data);
        return Assemble([.. chunks]);
    }

    public static IEnumerable<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        for (var at = 8; at + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            yield return (System.Text.Encoding.ASCII.GetString(png, at + 4, 4), png[(at + 8)..(at + 8 + length)]);
            at += 12 + length;
        }
    }

    private static byte[] Assemble(params (string Type, byte[] Data)[] chunks)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        foreach (var (type, data) in chunks) output.Write(Chunk(type, data));
        return output.ToArray();
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
