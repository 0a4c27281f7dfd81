namespace Paraphe.Bench.Http;

/// <summary>
/// Issue 12, round 8 (sign8): « HTTP + the one prepared read » (<see cref="ReadFloorHost"/> in a process of its own) at
/// several pool sizes within one run, passes alternated (4, 8, 16, 32, 100, then again), so that each size meets the
/// same machine: whether fewer PostgreSQL backends at once help at 200 clients on 2 cores. Rows only with
/// <c>PARAPHE_BENCH_POOLS=4,8,16,32,100</c> (and <c>PARAPHE_BENCH_POOL_PASSES</c>, default 2).
/// </summary>
internal static class PoolSizeRows
{
    /// <summary>The rows, each measured by <paramref name="row"/> (name, CPU note, operation, the host's CPU) as the other host rows.</summary>
    public static async Task<string> RunAsync(AppProcess app, string procedureId, string pageFile, string apiFile, int clients,
        Func<string, string, Func<Task>, Func<TimeSpan>, Task<string>> row, Func<string, int, HttpClient> client, Func<HttpClient, string, Task> get)
    {
        if (Environment.GetEnvironmentVariable("PARAPHE_BENCH_POOLS") is not { Length: > 0 } sizes) return "";
        var passes = int.TryParse(Environment.GetEnvironmentVariable("PARAPHE_BENCH_POOL_PASSES"), out var p) ? p : 2;
        var rows = new System.Text.StringBuilder();
        for (var pass = 1; pass <= passes; pass++)
            foreach (var size in sizes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                await using var host = await ReadFloorHost.StartProcessAsync($"{app.ConnectionString};Maximum Pool Size={size}", pageFile, apiFile);
                using var http = client(host.BaseUrl, clients);
                rows.AppendLine(await row($"HTTP + the one prepared read, own process, **pool {size}** (pass {pass})", "(host)",
                    () => get(http, $"/read/{Uri.EscapeDataString(procedureId)}"), () => host.CpuTime));
            }
        return rows.ToString();
    }
}
