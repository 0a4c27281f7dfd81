using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Paraphe.Testing;
using Paraphe.Testing.Crash;

namespace Paraphe.Bench;

/// <summary>
/// `--scenario db-outage [--seconds 30]`: Paraphe as a separate process on a throwaway PostgreSQL cluster whose server
/// is stopped (`pg_ctl stop -m immediate`) for that long while a client calls `GET /api/v1/procedures` every 100 ms;
/// prints the answers by status with their latencies, and how long after the restart the first 200 came (issue 11).
/// </summary>
public static class DatabaseOutageBench
{
    public const string Flag = "db-outage";

    public static async Task<int> RunAsync(string[] args)
    {
        var i = Array.IndexOf(args, "--seconds");
        var seconds = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 30;
        Console.WriteLine($"Paraphe.Bench db-outage — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Machine.Describe()}");
        Console.WriteLine($"load average at start: {Machine.LoadAverage()}");
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateUniqueDatabaseAsync("outage");
        var dataDirectory = Directory.CreateTempSubdirectory("paraphe-db-outage-").FullName;
        var port = FreeTcpPort.Next();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Paraphe"] = connectionString, ["Paraphe:Database"] = "postgres",
            ["Paraphe:DataDirectory"] = dataDirectory, ["Paraphe:Demo:ApiKey"] = CrashScenario.ApiKey,
            ["Paraphe:PublicBaseUrl"] = $"http://127.0.0.1:{port}", ["Logging:LogLevel:Default"] = "Error",
        };
        await using var app = ParapheProcess.Start(port, settings, Path.Combine(dataDirectory, "paraphe.log"));
        await app.WaitUntilReadyAsync(CrashScenario.ApiKey, TimeSpan.FromMinutes(3));
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CrashScenario.ApiKey);

        var during = new List<(int Status, double Ms)>();
        var after = new List<(int Status, double Ms)>();
        var outage = Stopwatch.StartNew();
        await cluster.PauseAsync();
        while (outage.Elapsed < TimeSpan.FromSeconds(seconds)) during.Add(await CallAsync(http));
        await cluster.ResumeAsync();
        var back = Stopwatch.StartNew();
        TimeSpan? firstOk = null;
        while (back.Elapsed < TimeSpan.FromSeconds(60) && after.Count(a => a.Status == 200) < 20)
        {
            var call = await CallAsync(http);
            after.Add(call);
            if (call.Status == 200) firstOk ??= back.Elapsed;
        }
        Console.WriteLine();
        Console.WriteLine($"| phase | status | answers | p50 | p99 | max |");
        Console.WriteLine($"|---|---|---|---|---|---|");
        foreach (var (phase, calls) in new[] { ($"database stopped {seconds} s", during), ("after the restart", after) })
            foreach (var group in calls.GroupBy(c => c.Status).OrderBy(g => g.Key))
            {
                var ms = group.Select(g => g.Ms).Order().ToArray();
                Console.WriteLine($"| {phase} | {group.Key} | {ms.Length} | {P(ms, 0.5):F1} ms | {P(ms, 0.99):F1} ms | {ms[^1]:F1} ms |");
            }
        Console.WriteLine();
        Console.WriteLine($"first 200 after the server was back: {(firstOk is { } t ? $"{t.TotalMilliseconds:F0} ms" : "never (60 s)")}");
        Console.WriteLine($"load average after: {Machine.LoadAverage()}");
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        var ok = during.All(d => d.Status == 503) && firstOk is not null;
        Console.WriteLine(ok ? "PASS" : "FAIL");
        return ok ? 0 : 1;
    }

    private static async Task<(int Status, double Ms)> CallAsync(HttpClient http)
    {
        var watch = Stopwatch.StartNew();
        int status;
        try
        {
            using var response = await http.GetAsync("api/v1/procedures?limit=5");
            await response.Content.ReadAsByteArrayAsync();
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException) { status = 0; }
        var ms = watch.Elapsed.TotalMilliseconds;
        await Task.Delay(100);
        return (status, ms);
    }

    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
