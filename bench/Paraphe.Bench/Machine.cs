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
