using Microsoft.EntityFrameworkCore;

namespace Paraphe.Bench;

/// <summary>
/// `PARAPHE_BENCH_PROBE_DETECT=1` (issue 12, fourth round, a measurement only): counts EF's full DetectChanges passes
/// per create + launch and what they allocate on the calling thread (ChangeTracker.DetectingAllChanges / DetectedAllChanges).
/// </summary>
public static class DetectProbe
{
    public static readonly bool On = Environment.GetEnvironmentVariable("PARAPHE_BENCH_PROBE_DETECT") == "1";
    [ThreadStatic] private static long started;
    private static long passes, bytes, operations;

    public static void Hook(DbContext db)
    {
        Interlocked.Increment(ref operations);
        // A pooled context loses its event handlers when it goes back to the pool: hooked on every lease.
        db.ChangeTracker.DetectingAllChanges += (_, _) => started = GC.GetAllocatedBytesForCurrentThread();
        db.ChangeTracker.DetectedAllChanges += (_, _) =>
        {
            Interlocked.Increment(ref passes);
            Interlocked.Add(ref bytes, GC.GetAllocatedBytesForCurrentThread() - started);
        };
    }

    public static string Summary() => operations == 0 ? "" :
        $"DetectChanges: {(double)passes / operations:F1} full passes per create + launch, {bytes / 1024.0 / operations:F1} KB/op (all rows hooked: divide by the rows' share)";
}
