using System.Globalization;
using Paraphe.Testing;

namespace Paraphe.Bench.Http;

/// <summary>
/// Issue 12 (after round 8): how many of the list's pages the app served whole again (`kept`) and how many it built,
/// read from its `GET /metrics` (`paraphe_procedures_list_pages_total`, through the tests' <see cref="Scrape"/>) before
/// and after a row's measured rounds. A build without the counter (round 7's, through <c>PARAPHE_BENCH_APP</c>) reads
/// as none.
/// </summary>
public static class ListPagesScrape
{
    private const string Pages = "paraphe_procedures_list_pages_total";

    /// <summary><paramref name="Joined"/> (list11): pages whose stamps' read was shared with concurrent requests.</summary>
    public readonly record struct Counts(double Kept, double Built, double Joined)
    {
        public static Counts operator -(Counts a, Counts b) => new(a.Kept - b.Kept, a.Built - b.Built, a.Joined - b.Joined);

        public override string ToString() => Kept + Built == 0
            ? $"no `{Pages}` in this build's scrape"
            : string.Create(CultureInfo.InvariantCulture,
                $"{Kept:N0} pages served whole, {Built:N0} built ({100 * Kept / (Kept + Built):F1} % whole); {100 * Joined / (Kept + Built):F1} % with their stamps' read joined to another request's");
    }

    public static async Task<Counts> ReadAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        if (!response.IsSuccessStatusCode) return default;
        var scrape = new Scrape(await response.Content.ReadAsStringAsync());
        return new Counts(scrape.Value(Pages, ("answer", "kept")), scrape.Value(Pages, ("answer", "built")), scrape.Value(Pages, ("stamps", "joined")));
    }
}
