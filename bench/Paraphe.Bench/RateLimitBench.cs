using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Web.Platform;

namespace Paraphe.Bench;

/// <summary>
/// Issue 11 (`--scenario rate-limits`): what a rate-limited request pays now that its count lives in the database
/// (<see cref="SharedRateLimits"/>: one durable upsert per counted request, so that instances share one budget) — hits
/// per second and latency, 1 and 4 concurrent clients, each hitting one of 1,000 links, on SQLite and PostgreSQL
/// (fsync on). A signing-link request counts twice (its link and its client). Since issue 12 the hits are counted in
/// memory and flushed each second (the database is asked on each window's first hit and past half the limit): with
/// 1,000 links and a high limit this measures mostly the first hit of each link's window, then the in-memory path.
/// </summary>
public static class RateLimitBench
{
    public const string Flag = "rate-limits";

    public static async Task<int> RunAsync()
    {
        Console.WriteLine($"Paraphe.Bench — rate limits in the database — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Machine.Describe()}");
        Console.WriteLine($"load average at start: {Machine.LoadAverage()}");
        Console.WriteLine();
        var table = new StringBuilder("| database | clients | hits/s | p50 ms | p99 ms |\n|---|---|---|---|---|\n");
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            await using var app = await BenchApp.StartAsync(provider);
            var limits = new SharedRateLimits(app.Services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);
            await MeasureAsync(limits, 1, TimeSpan.FromSeconds(1)); // warm-up
            foreach (var clients in new[] { 1, 4 })
            {
                var (rate, p50, p99) = await MeasureAsync(limits, clients, TimeSpan.FromSeconds(5));
                table.Append(CultureInfo.InvariantCulture, $"| {provider} | {clients} | {rate:F0} | {p50:F2} | {p99:F2} |\n");
                Console.Error.WriteLine($"{provider} × {clients}: {rate:F0} hits/s");
            }
        }
        Console.WriteLine(table);
        Console.WriteLine($"load average after: {Machine.LoadAverage()}");
        return 0;
    }

    private static async Task<(double Rate, double P50, double P99)> MeasureAsync(SharedRateLimits limits, int clients, TimeSpan length)
    {
        var latencies = new List<double>[clients];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = [];
            var random = new Random(c);
            while (watch.Elapsed < length)
            {
                var start = Stopwatch.GetTimestamp();
                await limits.HitAsync($"bench:{random.Next(1000)}", 1_000_000, TimeSpan.FromMinutes(1), CancellationToken.None);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        var all = latencies.SelectMany(l => l).Order().ToList();
        return (all.Count / watch.Elapsed.TotalSeconds, all[all.Count / 2], all[Math.Min(all.Count - 1, all.Count * 99 / 100)]);
    }
}
