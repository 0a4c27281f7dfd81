using System.Globalization;
using Paraphe.Bench;
using Paraphe.Data;

// dotnet run -c Release --project bench/Paraphe.Bench -- [--db sqlite|postgres|all] [--seconds N] [--rounds N] [--clients 1,4]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var machine = Machine.Describe();
Console.WriteLine($"Paraphe.Bench — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {machine}");
Console.WriteLine($"rounds: {options.Rounds} × {options.Seconds} s per scenario (after a {options.WarmupSeconds} s warm-up), " +
                  $"scenarios interleaved round by round; clients: {string.Join(", ", options.Clients)}");
Console.WriteLine();

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

Console.WriteLine(Report.Markdown(results, options));
return results.Any(r => r.Result.Errors > 0) ? 1 : 0;
