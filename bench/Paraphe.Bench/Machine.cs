using System.Runtime.InteropServices;

namespace Paraphe.Bench;

/// <summary>The facts a reader needs to compare a run with another: cores, CPU, disk, runtime.</summary>
public static class Machine
{
    public static string Describe()
    {
        var cpu = ReadFirst("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        return $"{Environment.ProcessorCount} cores, {cpu}, {Disk()}, {RuntimeInformation.FrameworkDescription}, " +
               $"{RuntimeInformation.OSDescription}";
    }

    /// <summary>The 1, 5 and 15 minute load averages (/proc/loadavg): above the core count, the machine was busy.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>
    /// Waits until the machine's cores are idle (below <paramref name="busyShare"/> busy over each of three consecutive
    /// seconds, from /proc/stat), at most <paramref name="within"/>; returns how long it waited and the last second's
    /// share. Issue 12 (after round 8): in the first minute after the HTTP bench's seeding, PostgreSQL's checkpoint and
    /// autovacuum of the 6,000 fresh messages and the outbox's last sends held the 50-client rows at half their
    /// `/health/live` rate; the rows measured that, not the requests.
    /// </summary>
    public static async Task<(TimeSpan Waited, double Busy)> WaitUntilQuietAsync(double busyShare, TimeSpan within)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var quiet = 0;
        var busy = double.NaN;
        var (total, idle) = CpuTicks();
        while (quiet < 3 && watch.Elapsed < within)
        {
            await Task.Delay(1000);
            var (t, i) = CpuTicks();
            busy = t == total ? 0 : 1 - (double)(i - idle) / (t - total);
            (total, idle) = (t, i);
            quiet = busy < busyShare ? quiet + 1 : 0;
        }
        return (watch.Elapsed, busy);
    }

    /// <summary>All cores' ticks and their idle + iowait ticks, from the first line of /proc/stat.</summary>
    private static (long Total, long Idle) CpuTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(long.Parse).ToArray();
        return (fields.Sum(), fields[3] + fields[4]);
    }

    private static string? ReadFirst(string file, string key)
    {
        try
        {
            return File.ReadLines(file).Where(l => l.StartsWith(key, StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':') + 1)..].Trim()).FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The block device behind the temp directory, as /sys/block reports it (a VM disk may say "rotational").</summary>
    private static string Disk()
    {
        try
        {
            var devices = Directory.GetDirectories("/sys/block")
                .Select(Path.GetFileName)
                .Where(d => d is not null && !d.StartsWith("loop", StringComparison.Ordinal) && !d.StartsWith("zram", StringComparison.Ordinal)
                            && !d.StartsWith("ram", StringComparison.Ordinal))
                .Select(d => $"{d} ({(File.ReadAllText($"/sys/block/{d}/queue/rotational").Trim() == "1" ? "rotational" : "non-rotational")} per /sys)")
                .ToList();
            return devices.Count == 0 ? "disk unknown" : "disk " + string.Join(", ", devices);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "disk unknown";
        }
    }
}
