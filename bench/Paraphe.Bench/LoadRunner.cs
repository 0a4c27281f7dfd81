using System.Diagnostics;

namespace Paraphe.Bench;

/// <param name="Cpu">this process's CPU time (all threads: EF, drivers, GC) during the round.</param>
/// <param name="AllocatedBytes">bytes allocated by this process during the round (all threads).</param>
public sealed record RoundResult(int Operations, int Errors, string? FirstError, TimeSpan Elapsed, long[] LatencyTicks, long Commands,
    TimeSpan Cpu = default, long AllocatedBytes = 0)
{
    public double CommandsPerOperation => Operations == 0 ? double.NaN : (double)Commands / Operations;
    public double OpsPerSecond => Operations / Elapsed.TotalSeconds;
}

public sealed record ScenarioResult(Scenario Scenario, int Clients, IReadOnlyList<RoundResult> Rounds)
{
    public string? FirstError => Rounds.Select(r => r.FirstError).FirstOrDefault(e => e is not null);
    public double MedianOpsPerSecond => Stats.Median(Rounds.Select(r => r.OpsPerSecond));
    public double MinOpsPerSecond => Rounds.Min(r => r.OpsPerSecond);
    public double MaxOpsPerSecond => Rounds.Max(r => r.OpsPerSecond);
    public int Errors => Rounds.Sum(r => r.Errors);
    public double CommandsPerOperation => (double)Rounds.Sum(r => r.Commands) / Rounds.Sum(r => r.Operations);
    public double CpuMsPerOperation => Rounds.Sum(r => r.Cpu.TotalMilliseconds) / Rounds.Sum(r => r.Operations);
    public double AllocatedKbPerOperation => Rounds.Sum(r => (double)r.AllocatedBytes) / 1024 / Rounds.Sum(r => r.Operations);

    public double LatencyMs(double percentile)
    {
        var all = Rounds.SelectMany(r => r.LatencyTicks).Order().ToArray();
        return all.Length == 0 ? double.NaN : Stopwatch.GetElapsedTime(0, Stats.Percentile(all, percentile)).TotalMilliseconds;
    }
}

/// <summary>
/// A closed-loop load generator: N clients each run the operation back to back for a fixed time. No pacing, no
/// think time: ops/s is the throughput N clients get, latency is start-to-commit of each operation.
/// </summary>
public static class LoadRunner
{
    /// <summary>
    /// Warms every operation up, then runs <see cref="BenchOptions.Rounds"/> rounds of each, interleaved round by round
    /// so that a noisy neighbour hurts the floor and the scenarios alike.
    /// </summary>
    public static async Task<IReadOnlyList<ScenarioResult>> RunInterleavedAsync(IReadOnlyList<(Scenario Scenario, Func<Task> Run)> operations,
        int clients, BenchOptions options, string label)
    {
        foreach (var (_, run) in operations)
            await RunRoundAsync(run, clients, TimeSpan.FromSeconds(options.WarmupSeconds));
        var rounds = operations.ToDictionary(o => o.Scenario, _ => new List<RoundResult>());
        for (var r = 0; r < options.Rounds; r++)
        foreach (var (scenario, run) in operations)
        {
            var round = await RunRoundAsync(run, clients, TimeSpan.FromSeconds(options.Seconds));
            rounds[scenario].Add(round);
            Console.Error.WriteLine($"[{label}] clients={clients} round {r + 1}/{options.Rounds} {scenario.Name,-32} " +
                                    $"{round.OpsPerSecond,8:F1} ops/s{(round.Errors > 0 ? $"  ({round.Errors} errors)" : "")}");
        }
        return operations.Select(o => new ScenarioResult(o.Scenario, clients, rounds[o.Scenario])).ToList();
    }

    public static async Task<RoundResult> RunRoundAsync(Func<Task> operation, int clients, TimeSpan duration)
    {
        var latencies = new List<long>[clients];
        var errors = new int[clients];
        string? firstError = null;
        var commands = CommandCounter.Instance.Count;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var start = Stopwatch.GetTimestamp();
        var stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<long>(4096);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    await operation();
                    mine.Add(Stopwatch.GetTimestamp() - t0);
                }
                catch (Exception ex)
                {
                    errors[c]++;
                    Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var all = latencies.SelectMany(l => l).ToArray();
        return new RoundResult(all.Length, errors.Sum(), firstError, elapsed, all, CommandCounter.Instance.Count - commands,
            Process.GetCurrentProcess().TotalProcessorTime - cpu, GC.GetTotalAllocatedBytes(precise: false) - allocated);
    }
}

public static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static long Percentile(long[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
