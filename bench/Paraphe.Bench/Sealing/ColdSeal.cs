using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Paraphe.Bench.Sealing;

/// <summary>What one fresh process measured: its first and second stamp + seal, and the resident memory each added.</summary>
public sealed record ColdSample(
    string Input, long FileBytes, double FirstCallMs, double SecondCallMs, double ProcessAgeMs,
    long BaselineRssBytes, long FirstPeakExtraBytes, long SecondPeakExtraBytes, long FirstAllocatedBytes, bool PeakReset);

/// <summary>
/// Cold measurements: the bench re-launches itself (<c>--sealing-child INPUT</c>) once per sample, so that every first
/// call pays what the first seal after a server start pays (JIT of PDFsharp and of the sealing code, font loading,
/// first large allocations). Peak memory is the process's VmHWM (/proc/self/status), reset just before each call
/// through /proc/self/clear_refs, minus the resident size at that moment: the extra memory the call needed.
/// </summary>
public static class ColdSeal
{
    public const string ChildFlag = "--sealing-child";

    /// <summary>Runs in the child: one fixture, two calls, one JSON line on stdout.</summary>
    public static async Task<int> RunChildAsync(string input, string directory)
    {
        SealingInputs.Directory = directory;
        SealingInputs.EnsureCreated();
        using var fixture = new SealingFixture(input); // certificates are loaded at server start, not at the first seal
        var (first, firstExtra, baseline, reset, allocated) = await MeasureAsync(fixture);
        var age = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        var (second, secondExtra, _, _, _) = await MeasureAsync(fixture);
        var sample = new ColdSample(input, fixture.Pdf.Length, first, second, age, baseline, firstExtra, secondExtra, allocated, reset);
        Console.WriteLine(JsonSerializer.Serialize(sample));
        // To look at the result (pdfsig, pdftoppm): PARAPHE_BENCH_SEAL_OUT=out.pdf … --sealing-child INPUT DIR
        if (Environment.GetEnvironmentVariable("PARAPHE_BENCH_SEAL_OUT") is { Length: > 0 } output)
            await File.WriteAllBytesAsync(output, await fixture.StampAndSealToArrayAsync());
        return 0;
    }

    private static async Task<(double Ms, long PeakExtra, long Baseline, bool Reset, long Allocated)> MeasureAsync(SealingFixture fixture)
    {
        var reset = ResetPeak();
        var baseline = Status("VmRSS:");
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        await fixture.StampAndSealAsync();
        watch.Stop();
        var peak = Status("VmHWM:");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return (watch.Elapsed.TotalMilliseconds, peak - baseline, baseline, reset, allocated);
    }

    /// <summary>Launches <paramref name="launches"/> fresh processes per input, one after the other.</summary>
    public static async Task<List<ColdSample>> RunAsync(int launches)
    {
        var samples = new List<ColdSample>();
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find the bench executable.");
        foreach (var input in SealingInputs.Names)
        {
            for (var i = 0; i < launches; i++)
            {
                Console.Error.WriteLine($"sealing: cold process {i + 1}/{launches} for {input}");
                var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
                if (Path.GetFileNameWithoutExtension(self) == "dotnet")
                    start.ArgumentList.Add(typeof(ColdSeal).Assembly.Location);
                start.ArgumentList.Add(ChildFlag);
                start.ArgumentList.Add(input);
                start.ArgumentList.Add(SealingInputs.Directory);
                using var child = Process.Start(start)!;
                var output = await child.StandardOutput.ReadToEndAsync();
                await child.WaitForExitAsync();
                var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
                if (child.ExitCode != 0 || line is null)
                    throw new InvalidOperationException($"The cold sealing process failed ({child.ExitCode}): {output}");
                samples.Add(JsonSerializer.Deserialize<ColdSample>(line)!);
            }
        }

        return samples;
    }

    /// <summary>Linux ≥ 4.0: writing 5 to clear_refs resets VmHWM to the current resident size.</summary>
    private static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A "VmXxx:   1234 kB" line of /proc/self/status, in bytes.</summary>
    private static long Status(string key)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
