using System.Buffers.Binary;
using System.IO.Compression;

namespace Paraphe.Bench.Sealing;

/// <summary>
/// A minimal PNG writer (8-bit grey or RGBA, no filtering) for the benchmark's inputs: a drawn signature and scanned
/// pages. No imaging library is needed, and the bytes depend only on the arguments.
/// </summary>
public static class Png
{
    /// <summary>8-bit greyscale, <paramref name="pixels"/> row by row. Noise does not compress: stored, not deflated.</summary>
    public static byte[] Grey(int width, int height, byte[] pixels, CompressionLevel level) =>
        Encode(width, height, colourType: 0, bytesPerPixel: 1, pixels, level);

    /// <summary>8-bit RGBA, <paramref name="pixels"/> row by row.</summary>
    public static byte[] Rgba(int width, int height, byte[] pixels) =>
        Encode(width, height, colourType: 6, bytesPerPixel: 4, pixels, CompressionLevel.Optimal);

    /// <summary>
    /// A hand-drawn-looking signature: a blue pen stroke (a few loops and a flourish) on a transparent background,
    /// 480 × 160 px, like the signature pad of the signing page produces.
    /// </summary>
    public static byte[] DrawnSignature(int variant)
    {
        const int width = 480, height = 160;
        var pixels = new byte[width * height * 4];
        void Dot(double x, double y)
        {
            for (var dy = -2; dy <= 2; dy++)
            for (var dx = -2; dx <= 2; dx++)
            {
                var px = (int)x + dx;
                var py = (int)y + dy;
                if (px < 0 || py < 0 || px >= width || py >= height || dx * dx + dy * dy > 5) continue;
                var i = (py * width + px) * 4;
                pixels[i] = 20; pixels[i + 1] = 40; pixels[i + 2] = 140; pixels[i + 3] = 255;
            }
        }

        for (var t = 0.0; t < 1.0; t += 0.0004)
        {
            // Loops travelling right, with a variant-dependent rhythm, then a rising flourish.
            var x = 30 + 380 * t + 22 * Math.Cos(2 * Math.PI * (5 + variant) * t);
            var y = 80 + 40 * Math.Sin(2 * Math.PI * (5 + variant) * t) * (1 - 0.5 * t) - 30 * t * t;
            Dot(x, y);
        }

        for (var t = 0.0; t < 1.0; t += 0.001)
            Dot(60 + 380 * t, 130 - 10 * Math.Sin(Math.PI * t));
        return Rgba(width, height, pixels);
    }

    private static byte[] Encode(int width, int height, byte colourType, int bytesPerPixel, byte[] pixels, CompressionLevel level)
    {
        var stride = width * bytesPerPixel;
        if (pixels.Length != stride * height) throw new ArgumentException("Pixel buffer size does not match.", nameof(pixels));
        using var idat = new MemoryStream(pixels.Length + height + 1024);
        using (var zlib = new ZLibStream(idat, level, leaveOpen: true))
        {
            for (var row = 0; row < height; row++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(pixels, row * stride, stride);
            }
        }

        using var png = new MemoryStream((int)idat.Length + 1024);
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = colourType;
        Chunk(png, "IHDR"u8, header);
        Chunk(png, "IDAT"u8, idat.GetBuffer().AsSpan(0, (int)idat.Length));
        Chunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        png.Write(type);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, ~Crc(Crc(0xFFFFFFFFu, type), data));
        png.Write(word);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309), without a package for it.</summary>
    private static uint Crc(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();
}
