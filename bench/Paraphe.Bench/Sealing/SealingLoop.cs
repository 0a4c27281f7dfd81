using System.Diagnostics;

namespace Paraphe.Bench.Sealing;

/// <summary>
/// Issue 12, round 3 (`--scenario sealing-loop [input] [seconds]`): stamp + evidence + seal of one input in a loop, for a
/// profiler to attach (`dotnet-trace collect --profile cpu-sampling -- dotnet Paraphe.Bench.dll --scenario sealing-loop`).
/// Prints the seals done and the process's CPU per seal; PARAPHE_BENCH_SEALED_OUT=file.pdf writes one sealed file.
/// </summary>
public static class SealingLoop
{
    public const string Flag = "sealing-loop";

    public static async Task<int> RunAsync(string[] args)
    {
        var input = args.Length > 2 ? args[2] : SealingInputs.TenPages;
        var seconds = args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 20;
        SealingInputs.EnsureCreated();
        using var f = new SealingFixture(input);
        for (var i = 0; i < 100; i++) await f.StampAndSealAsync();
        if (Environment.GetEnvironmentVariable("PARAPHE_BENCH_SEALED_OUT") is { Length: > 0 } path)
        {
            // The sealed file, to look at (pdftoppm) or check (pdfsig) what the loop measures.
            await File.WriteAllBytesAsync(path, await f.StampAndSealToArrayAsync());
        }
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitTime = System.Runtime.JitInfo.GetCompilationTime();
        var gcs = GC.CollectionCount(0);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var n = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            await f.StampAndSealAsync();
            n++;
        }
        process.Refresh();
        Console.WriteLine($"{input}: {n} seals in {clock.Elapsed.TotalSeconds:F1} s, {(process.TotalProcessorTime - cpu).TotalMilliseconds / n:F2} ms CPU per seal, " +
                          $"{(double)(System.Runtime.JitInfo.GetCompiledMethodCount() - jitted) / n:F2} methods JIT-compiled per seal " +
                          $"({(System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds / n:F3} ms), " +
                          $"{(double)(GC.CollectionCount(0) - gcs) / n:F2} GCs and {(GC.GetAllocatedBytesForCurrentThread() - allocated) / n / 1024} KB allocated per seal");
        return 0;
    }
}
