using System.Globalization;

namespace Paraphe.Bench.Http;

/// <summary>
/// Issue 12, round 3: the CPU time of a PostgreSQL cluster (its postmaster, whose PID is the first line of
/// <c>postmaster.pid</c>, and every process whose parent it is), from <c>/proc/*/stat</c>. Round 6 (list6): the
/// postmaster's <c>cutime</c> and <c>cstime</c> too — the CPU of the backends that exited and were reaped — so that a
/// backend closing during a measurement (a pool pruning an idle connection) no longer takes its CPU out of the total.
/// </summary>
public static class PostgresCpu
{
    public static TimeSpan Of(string dataDirectory)
    {
        try
        {
            long ticks = 0;
            foreach (var (_, postmaster, fields) in Processes(dataDirectory))
            {
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                // cutime(16) cstime(17): the exited children the postmaster waited for.
                if (postmaster)
                    ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>
    /// The cluster's postmaster (whose PID is the first line of <c>postmaster.pid</c>) and every process whose parent it
    /// is, each with the fields of its <c>/proc/*/stat</c> after the command's name (state first, then ppid … utime(14)
    /// stime(15) at indexes 11 and 12). Round 8 (sign8): shared with <see cref="BackendWatch"/>.
    /// </summary>
    public static IEnumerable<(int Pid, bool Postmaster, string[] Fields)> Processes(string dataDirectory)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (pid == postmaster || ppid == postmaster) yield return (pid, pid == postmaster, fields);
        }
    }
}
