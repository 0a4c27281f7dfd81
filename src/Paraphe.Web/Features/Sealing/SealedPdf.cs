using Microsoft.IO;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// A sealed file, still in the sealer's output buffer: one contiguous buffer taken from a pool and given back on
/// <see cref="Dispose"/>, so that sealing a 26 MB scan no longer allocates 26 MB more on the large object heap each time
/// (issue 12: every such allocation counts towards the next full collection of the whole app's heap). Only
/// <see cref="Content"/> is ever read; what lies beyond it in the buffer is an earlier seal's. PDFsharp only writes
/// forwards and seeks back into what it has written (never past the end, never <c>SetLength</c>, which would expose
/// those bytes where a <c>MemoryStream</c> has zeros): check again at a PDFsharp upgrade.
/// </summary>
public sealed class SealedPdf : IDisposable
{
    /// <summary>
    /// Outputs up to this size take a pooled buffer, by powers of two from 1 MB (a 26 MB scan's seal takes a 32 MB one);
    /// a larger output gets a buffer of its own exact size, dropped after, as before the pool.
    /// </summary>
    public const long LargestPooled = 32 << 20;

    /// <summary>
    /// The sealer's pool, buffers of 1, 2, 4, 8, 16 and 32 MB. A buffer is kept for the next seal while its size's idle
    /// buffers stay within 32 MB (one of 32 MB, two of 16 MB, …; the manager's bound applies to each size on its own), and
    /// a size only has as many buffers as seals of that size ran at once: with the worker's default concurrency (2), at
    /// most 94 MB idle in all (32 + 2 × (16 + 8 + 4 + 2 + 1)) at the very worst, one 32 MB buffer for an agency whose
    /// files are all scans of about 26 MB.
    /// </summary>
    internal static RecyclableMemoryStreamManager NewPool() => new(new RecyclableMemoryStreamManager.Options
    {
        LargeBufferMultiple = 1 << 20,
        UseExponentialLargeBuffer = true,
        MaximumBufferSize = (int)LargestPooled,
        MaximumLargePoolFreeBytes = LargestPooled,
    });

    private readonly MemoryStream stream;

    private SealedPdf(MemoryStream stream) => this.stream = stream;

    /// <summary>An empty output stream with room for <paramref name="capacity"/> bytes in one buffer (it grows if needed).</summary>
    internal static SealedPdf Rent(RecyclableMemoryStreamManager pool, long capacity)
    {
        if (capacity > LargestPooled) return new SealedPdf(new MemoryStream((int)Math.Min(capacity, Array.MaxLength)));
        var pooled = pool.GetStream("seal", capacity, asContiguousBuffer: true);
        // A pooled stream's finalizer gives its buffer back: one never disposed (a caller keeping only Content) would
        // hand a buffer still read to the next seal. Without it, a leaked buffer is only garbage.
        GC.SuppressFinalize(pooled);
        return new SealedPdf(pooled);
    }

    /// <summary>What PDFsharp writes to and the signer hashes in place.</summary>
    internal MemoryStream Output => stream;

    /// <summary>The sealed file: the written part of the buffer.</summary>
    public ArraySegment<byte> Content => new(stream.GetBuffer(), 0, checked((int)stream.Length));

    public void Dispose() => stream.Dispose();
}
