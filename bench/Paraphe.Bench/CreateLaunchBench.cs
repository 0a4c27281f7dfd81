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
                foreach (var (scenario, run) in operations)
                {
                    // Warm-up: JIT, EF's compiled model and query caches, connection pools, SQLite page cache.
                    await LoadRunner.RunRoundAsync(run, clients, TimeSpan.FromSeconds(options.WarmupSeconds));
                }

                var rounds = operations.ToDictionary(o => o.Scenario, _ => new List<RoundResult>());
                for (var r = 0; r < options.Rounds; r++)
                {
                    // Interleaved so that a noisy neighbour hurts the floor and the scenarios alike.
                    foreach (var (scenario, run) in operations)
                    {
                        var round = await LoadRunner.RunRoundAsync(run, clients, TimeSpan.FromSeconds(options.Seconds));
                        rounds[scenario].Add(round);
                        Console.Error.WriteLine($"[{provider}] clients={clients} round {r + 1}/{options.Rounds} {scenario.Name,-28} " +
                                                $"{round.OpsPerSecond,8:F1} ops/s{(round.Errors > 0 ? $"  ({round.Errors} errors)" : "")}");
                    }
                }

                foreach (var (scenario, _) in operations)
                    results.Add((provider, app.Settings, new ScenarioResult(scenario, clients, rounds[scenario])));
            }
        }

        return (Report.Markdown(results, options), results.All(r => r.Result.Errors == 0));
    }
}
