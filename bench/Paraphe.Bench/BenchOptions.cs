using System.Globalization;
using Paraphe.Data;

namespace Paraphe.Bench;

public sealed record BenchOptions(IReadOnlyList<DatabaseProvider> Databases, double Seconds, int Rounds, double WarmupSeconds,
    IReadOnlyList<int> Clients)
{
    public const string Usage =
        "usage: dotnet run -c Release --project bench/Paraphe.Bench -- [--db sqlite|postgres|all] [--seconds N] " +
        "[--rounds N] [--warmup N] [--clients 1,4]\n" +
        "  --db       database(s) to measure (default all)\n" +
        "  --seconds  length of one measured round, per scenario (default 3)\n" +
        "  --rounds   measured rounds per scenario, median reported (default 5, at least 5 recommended)\n" +
        "  --warmup   warm-up seconds per scenario before the rounds (default 2)\n" +
        "  --clients  concurrent clients, comma-separated; each value is a separate measurement (default 1,4)";

    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions([DatabaseProvider.Sqlite, DatabaseProvider.Postgres], 3, 5, 2, [1, 4]);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
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
                case "--clients" when value?.Split(',').Select(c => Positive(c)).ToList() is { } cs && cs.All(c => c is not null):
                    options = options with { Clients = cs.Select(c => (int)c!.Value).ToList() };
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

    private static double? Positive(string? s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;
}
