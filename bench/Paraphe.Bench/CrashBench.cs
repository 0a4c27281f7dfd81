using System.Globalization;
using Paraphe.Testing.Crash;

namespace Paraphe.Bench;

/// <summary>
/// `--scenario crash [--procedures N] [--signers N] [--sealed N] [--kills N] [--smtp-delay-ms N]`: the crash test's
/// scenario (<see cref="CrashScenario"/>), longer — more messages, more kills — and its counts printed (issue 11).
/// Run by bench/crash.sh.
/// </summary>
public static class CrashBench
{
    public const string Flag = "crash";

    public static async Task<int> RunAsync(string[] args)
    {
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }
        var options = new CrashOptions(
            Procedures: Get("--procedures", 300), SignersPerProcedure: Get("--signers", 5), SealedProcedures: Get("--sealed", 30),
            Kills: Get("--kills", 5), SmtpDelay: TimeSpan.FromMilliseconds(Get("--smtp-delay-ms", 15)));
        Console.WriteLine($"Paraphe.Bench crash — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Machine.Describe()}");
        Console.WriteLine($"load average at start: {Machine.LoadAverage()}");
        Console.WriteLine($"{options.Procedures} remote procedures × {options.SignersPerProcedure} signers × 2 channels = {options.Messages} messages, " +
                          $"{options.SealedProcedures} face-to-face procedures to seal, {options.Kills} SIGKILLs");
        var report = await new CrashScenario(options, line => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}")).RunAsync();
        Console.WriteLine();
        Console.WriteLine(report.Summary());
        Console.WriteLine($"load average after: {Machine.LoadAverage()}");
        var ok = report.Lost == 0 && report.DuplicatesOutsideFlight.Count == 0 && report.Duplicates <= report.Kills.Sum(k => k.InFlight.Count)
                 && report.StuckNotifications == 0 && report.StuckSealingJobs == 0 && report.InvalidChains == 0 && report.InvalidSeals == 0;
        Console.WriteLine(ok ? "PASS" : "FAIL");
        return ok ? 0 : 1;
    }
}
