using System.Globalization;
using System.Text.RegularExpressions;

namespace Paraphe.Bench.Http;

/// <summary>
/// Issue 12 (after round 8): how many of the list's pages the app served whole again (`kept`) and how many it built,
/// read from its `GET /metrics` (`paraphe_procedures_list_pages_total`) before and after a row's measured rounds. A
/// build without the counter (round 7's, through <c>PARAPHE_BENCH_APP</c>) reads as none.
/// </summary>
public static partial class ListPagesScrape
{
    public readonly record struct Counts(double Kept, double Built)
    {
        public static Counts operator -(Counts a, Counts b) => new(a.Kept - b.Kept, a.Built - b.Built);

        public override string ToString() => Kept + Built == 0
            ? "no `paraphe_procedures_list_pages_total` in this build's scrape"
            : string.Create(CultureInfo.InvariantCulture, $"{Kept:N0} pages served whole, {Built:N0} built ({100 * Kept / (Kept + Built):F1} % whole)");
    }

    public static async Task<Counts> ReadAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        if (!response.IsSuccessStatusCode) return default;
        double kept = 0, built = 0;
        foreach (Match m in Sample().Matches(await response.Content.ReadAsStringAsync()))
        {
            var value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            if (m.Groups["answer"].Value == "kept") kept += value;
            else built += value;
        }
        return new Counts(kept, built);
    }

    [GeneratedRegex("""^paraphe_procedures_list_pages_total\{[^}]*answer="(?<answer>kept|built)"[^}]*\} (?<value>\S+)""", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
