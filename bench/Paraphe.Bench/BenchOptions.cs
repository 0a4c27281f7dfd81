using System.Globalization;
using Paraphe.Data;

namespace Paraphe.Bench;

/// <summary>Which benchmark a run measures.</summary>
public enum BenchKind { CreateLaunch, Smtp, Dispatcher, Callbacks, Sealing, TextLayout, Verify, Http }

public sealed record BenchOptions(IReadOnlyList<BenchKind> Kinds, IReadOnlyList<DatabaseProvider> Databases, double Seconds, int Rounds,
    double WarmupSeconds, IReadOnlyList<int> Clients, int Messages, IReadOnlyList<int> BatchSizes, int Launches = 5, int Iterations = 5,
    int WarmupMessages = 2_000)
{
    public const string Usage =
        "usage: dotnet run -c Release --project bench/Paraphe.Bench -- [--scenario create-launch|smtp|dispatcher|callbacks|sealing|text-layout|verify|http|all|speed] " +
        "[--db sqlite|postgres|all] [--seconds N] [--rounds N] [--warmup N] [--clients 1,4] [--messages N] [--batch-sizes 50,200] " +
        "[--warmup-messages N] [--launches N] [--iterations N]\n" +
        "  --scenario     what to measure (default create-launch); comma-separated values are run in that order; all = every one;\n" +
        "                 speed = issue 12's paths with their floors and peers (create-launch, callbacks, dispatcher, sealing, http, then status-page)\n" +
        "  --db           database(s) for create-launch, dispatcher, callbacks and http (default all)\n" +
        "  --seconds      length of one measured round, per operation (create-launch, smtp, callbacks, http; default 3)\n" +
        "  --rounds       measured rounds per operation, median reported (create-launch, smtp, callbacks; default 5)\n" +
        "  --warmup       warm-up seconds per operation before the rounds (create-launch, smtp, callbacks; default 2)\n" +
        "  --clients      concurrent clients, comma-separated; each value is a separate measurement (create-launch, callbacks; default 1,4; http: default 50,200)\n" +
        "  --messages     queued messages the dispatcher drains (dispatcher; default 10000, rounded up to whole procedures)\n" +
        "  --batch-sizes  Paraphe:Outbox:BatchSize values, each a separate drain (dispatcher; default 50,200)\n" +
        "  --warmup-messages  a first backlog drained before the measured one, timed apart (dispatcher; default 2000; 0 = none)\n" +
        "  --launches     fresh processes per input for the cold measurement (sealing; default 5)\n" +
        "  --iterations   BenchmarkDotNet measured iterations per case (sealing; default 5)";

    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions([BenchKind.CreateLaunch], [DatabaseProvider.Sqlite, DatabaseProvider.Postgres], 3, 5, 2, [1, 4],
            10_000, [50]);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--scenario" when ParseKinds(value) is { } kinds:
                    options = options with { Kinds = kinds };
                    break;
                case "--db" when value is "sqlite":
                    options = options with { Databases = [DatabaseProvider.Sqlite] };
                    break;
                case "--db" when value is "postgres" or "postgresql":
                    options = options with { Databases = [DatabaseProvider.Postgres] };
                    break;
                case "--db" when value is "all":
                    break;
                case "--seconds" when Positive(value) is { } s:
                    options = options with { Seconds = s };
                    break;
                case "--rounds" when Positive(value) is { } r:
                    options = options with { Rounds = (int)r };
                    break;
                case "--warmup" when Positive(value) is { } w:
                    options = options with { WarmupSeconds = w };
                    break;
                case "--clients" when PositiveList(value) is { } cs:
                    options = options with { Clients = cs };
                    break;
                case "--messages" when Positive(value) is { } m:
                    options = options with { Messages = (int)m };
                    break;
                case "--warmup-messages" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var wm):
                    options = options with { WarmupMessages = wm };
                    break;
                case "--batch-sizes" when PositiveList(value) is { } bs:
                    options = options with { BatchSizes = bs };
                    break;
                case "--launches" when Positive(value) is { } l:
                    options = options with { Launches = (int)l };
                    break;
                case "--iterations" when Positive(value) is { } it:
                    options = options with { Iterations = (int)it };
                    break;
                case "-h" or "--help":
                    return null;
                default:
                    Console.Error.WriteLine($"unknown or invalid argument: {args[i]} {value}");
                    return null;
            }

            i++;
        }

        return options;
    }

    private static List<BenchKind>? ParseKinds(string? value)
    {
        var kinds = new List<BenchKind>();
        foreach (var name in value?.Split(',') ?? [])
        {
            switch (name)
            {
                case "create-launch": kinds.Add(BenchKind.CreateLaunch); break;
                case "smtp": kinds.Add(BenchKind.Smtp); break;
                case "dispatcher": kinds.Add(BenchKind.Dispatcher); break;
                case "callbacks": kinds.Add(BenchKind.Callbacks); break;
                case "sealing": kinds.Add(BenchKind.Sealing); break;
                case "text-layout": kinds.Add(BenchKind.TextLayout); break;
                case "verify": kinds.Add(BenchKind.Verify); break;
                case "http": kinds.Add(BenchKind.Http); break;
                case "all": kinds.AddRange(Enum.GetValues<BenchKind>()); break;
                default: return null;
            }
        }
        return kinds.Count == 0 ? null : kinds.Distinct().ToList();
    }

    private static List<int>? PositiveList(string? value) =>
        value?.Split(',').Select(Positive).ToList() is { } values && values.All(v => v is not null)
            ? values.Select(v => (int)v!.Value).ToList()
            : null;

    private static double? Positive(string? s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;
}
