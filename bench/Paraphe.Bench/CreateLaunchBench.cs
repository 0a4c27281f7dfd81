using Paraphe.Data;

namespace Paraphe.Bench;

/// <summary>Issue 2: create + launch vs. the durable-insert floor, per database and client count (see ../README.md).</summary>
public static class CreateLaunchBench
{
    public static async Task<(string Markdown, bool Ok)> RunAsync(BenchOptions options)
    {
        var results = new List<(DatabaseProvider Db, string Settings, ScenarioResult Result)>();
        foreach (var provider in options.Databases)
        {
            Console.Error.WriteLine($"[{provider}] preparing…");
            await using var app = await BenchApp.StartAsync(provider);
            Console.Error.WriteLine($"[{provider}] {app.Settings}");
            foreach (var clients in options.Clients)
            {
                var operations = Scenarios.All.Select(s => (Scenario: s, Run: s.Prepare(app))).ToList();
                // Warm-up first: JIT, EF's compiled model and query caches, connection pools, SQLite page cache.
                foreach (var result in await LoadRunner.RunInterleavedAsync(operations, clients, options, provider.ToString()))
                    results.Add((provider, app.Settings, result));
                Console.Error.WriteLine($"[{provider}] bare EF: rebuilding the captured entities allocated {BareSave.RebuildKbPerOperation:F0} KB/op of its KB/op");
                if (DetectProbe.On) Console.Error.WriteLine($"[{provider}] create+launch, 1 tx: {DetectProbe.Summary()}");
            }
        }

        return (Report.Markdown(results, options), results.All(r => r.Result.Errors == 0));
    }
}
