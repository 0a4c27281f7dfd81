using System.Globalization;
using System.Text.RegularExpressions;

namespace Paraphe.Testing;

/// <summary>One scrape in the Prometheus text format (`GET /metrics`), read back sample by sample: the tests' and the
/// bench's reader of Paraphe's instruments.</summary>
public sealed partial class Scrape(string text)
{
    public string Text => text;

    /// <summary>The value of the sample named <paramref name="name"/> whose labels include all of <paramref name="labels"/>
    /// (summed over the others); 0 when there is none.</summary>
    public double Value(string name, params (string Name, string Value)[] labels) =>
        Samples().Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value))
            .Sum(s => s.Value);

    public bool Has(string name) => Samples().Any(s => s.Name == name);

    public IEnumerable<(string Name, Dictionary<string, string> Labels, double Value)> Samples()
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var m = SampleLine().Match(line);
            if (!m.Success) throw new FormatException($"Not a Prometheus sample line: « {line} »");
            var labels = LabelPair().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
            var raw = m.Groups["value"].Value;
            var value = raw switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, "NaN" => double.NaN, _ => double.Parse(raw, CultureInfo.InvariantCulture) };
            yield return (m.Groups["name"].Value, labels, value);
        }
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (?<value>\S+)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)""")]
    private static partial Regex LabelPair();
}
