using Microsoft.IO;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// A sealed file, still in the sealer's output buffer: one contiguous buffer taken from a pool and given back on
/// <see cref="Dispose"/>, so that sealing a 26 MB scan no longer allocates 26 MB more on the large object heap each time
/// (issue 12: every such allocation counts towards the next full collection of the whole app's heap). Only
/// <see cref="Content"/> is ever read; what lies beyond it in the buffer is an earlier seal's.
/// </summary>
public sealed class SealedPdf : IDisposable
{
    /// <summary>
    /// The sealer's pool: buffers by powers of two from 1 MB to 128 MB (a 26 MB scan's seal takes a 32 MB one; a larger
    /// file's is allocated and dropped as before), at most 64 MB of them kept idle: the two buffers of two 26 MB seals at
    /// once (the worker's default concurrency).
    /// </summary>
    internal static RecyclableMemoryStreamManager NewPool() => new(new RecyclableMemoryStreamManager.Options
    {
        LargeBufferMultiple = 1 << 20,
        UseExponentialLargeBuffer = true,
        MaximumBufferSize = 128 << 20,
        MaximumLargePoolFreeBytes = 64 << 20,
    });

    private readonly RecyclableMemoryStream stream;

    private SealedPdf(RecyclableMemoryStream stream) => this.stream = stream;

    /// <summary>An empty output stream with room for <paramref name="capacity"/> bytes in one buffer (it grows if needed).</summary>
    internal static SealedPdf Rent(RecyclableMemoryStreamManager pool, long capacity) =>
        new(pool.GetStream(Guid.NewGuid(), "seal", capacity, asContiguousBuffer: true));

    /// <summary>What PDFsharp writes to and the signer hashes in place.</summary>
    internal MemoryStream Output => stream;

    /// <summary>The sealed file: the written part of the buffer.</summary>
    public ArraySegment<byte> Content => new(stream.GetBuffer(), 0, checked((int)stream.Length));

    public void Dispose() => stream.Dispose();
}
