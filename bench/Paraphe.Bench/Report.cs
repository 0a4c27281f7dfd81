using System.Text;
using Paraphe.Data;

namespace Paraphe.Bench;

public static class Report
{
    public static string Markdown(IReadOnlyList<(DatabaseProvider Db, string Settings, ScenarioResult Result)> results,
        BenchOptions options)
    {
        var b = new StringBuilder();
        b.AppendLine($"Median of {options.Rounds} rounds × {options.Seconds} s; latency percentiles over all measured operations; " +
                     "commands/op = SQL commands sent per operation (round-trips), BEGIN/COMMIT not counted; " +
                     "CPU ms/op and KB/op = this process's CPU time and allocations over the rounds, per operation (all threads).");
        b.AppendLine();
        b.AppendLine("| Database | Clients | Operation | ops/s (median) | min–max ops/s | p50 ms | p95 ms | commands/op | CPU ms/op | KB/op | × floor |");
        b.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in results.GroupBy(r => (r.Db, r.Result.Clients)))
        {
            // PARAPHE_BENCH_ONLY may leave the floor out: no ratio then.
            var floor = group.FirstOrDefault(r => r.Result.Scenario == Scenarios.Floor).Result?.MedianOpsPerSecond ?? double.NaN;
            foreach (var (db, _, r) in group)
            {
                var ratio = r.Scenario == Scenarios.Floor ? "1" : double.IsNaN(floor) ? "—" : $"{r.MedianOpsPerSecond / floor:F2}";
                b.AppendLine($"| {Name(db)} | {r.Clients} | {r.Scenario.Name} | {r.MedianOpsPerSecond:F0} | " +
                             $"{r.MinOpsPerSecond:F0}–{r.MaxOpsPerSecond:F0} | {r.LatencyMs(50):F2} | {r.LatencyMs(95):F2} | {r.CommandsPerOperation:F0} | " +
                             $"{r.CpuMsPerOperation:F2} | {r.AllocatedKbPerOperation:F0} | {ratio} |" +
                             (r.Errors > 0 ? $" **{r.Errors} errors: {r.FirstError}**" : ""));
            }
        }

        b.AppendLine();
        foreach (var (db, settings) in results.Select(r => (r.Db, r.Settings)).Distinct())
            b.AppendLine($"- {Name(db)}: {settings}");
        return b.ToString();
    }

    public static string Name(DatabaseProvider db) => db switch
    {
        DatabaseProvider.Sqlite => "SQLite",
        DatabaseProvider.Postgres => "PostgreSQL",
    };
}
