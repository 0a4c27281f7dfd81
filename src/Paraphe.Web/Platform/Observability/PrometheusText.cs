using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Paraphe.Web.Platform.Observability;

/// <summary>
/// `GET /metrics`: the OpenTelemetry metrics in the Prometheus text exposition format (0.0.4). A pull reader collects
/// on each scrape (cumulative temporality) and this exporter writes what it gets. Hand-written rather than the
/// `OpenTelemetry.Exporter.Prometheus.AspNetCore` package, which is a beta only (1.20.1-beta.1, built against the
/// SDK's internals of another version): counters, gauges and explicit-bucket histograms are all Paraphe emits, and
/// their text format is short and stable. Names follow the OpenTelemetry → Prometheus rules: dots become
/// underscores, the unit is appended (`_seconds`, `_bytes`), monotonic counters end in `_total`.
/// </summary>
public sealed class PrometheusText : BaseExporter<Metric>
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly BaseExportingMetricReader reader;
    private StringBuilder? output;

    public PrometheusText() =>
        reader = new BaseExportingMetricReader(this) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };

    /// <summary>The reader to add to the meter provider.</summary>
    public MetricReader Reader => reader;

    /// <summary>Collects now and returns the text; scrapes are answered one at a time.</summary>
    public async Task<string> ScrapeAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            output = new StringBuilder(16 * 1024);
            // Collect calls the observable callbacks (the outbox gauges read the database): off the request's thread.
            await Task.Run(() => reader.Collect(10_000), ct);
            return output.ToString();
        }
        finally
        {
            output = null;
            gate.Release();
        }
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var text = output;
        if (text is null) return ExportResult.Success;
        var written = new HashSet<string>(StringComparer.Ordinal);
        // Only this host's meters reach here: the provider's view drops another host's (ObservabilitySetup.View).
        foreach (var metric in batch) Write(text, metric, written);
        return ExportResult.Success;
    }

    private static void Write(StringBuilder text, Metric metric, HashSet<string> written)
    {
        var name = Name(metric.Name, metric.Unit);
        var (type, suffix) = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum => ("counter", "_total"),
            MetricType.LongGauge or MetricType.DoubleGauge or MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => ("gauge", ""),
            MetricType.Histogram => ("histogram", ""),
            _ => (null, ""),
        };
        if (type is null) return; // exponential histograms: not configured here
        if (!written.Add(name + suffix)) return; // the same name twice (two meters): Prometheus takes one family
        if (!string.IsNullOrEmpty(metric.Description)) text.Append("# HELP ").Append(name).Append(suffix).Append(' ').Append(Help(metric.Description)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(suffix).Append(' ').Append(type).Append('\n');
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point.Tags);
            switch (metric.MetricType)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    Sample(text, name + suffix, labels, null, point.GetSumLong().ToString(CultureInfo.InvariantCulture));
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    Sample(text, name + suffix, labels, null, Number(point.GetSumDouble()));
                    break;
                case MetricType.LongGauge:
                    Sample(text, name, labels, null, point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture));
                    break;
                case MetricType.DoubleGauge:
                    Sample(text, name, labels, null, Number(point.GetGaugeLastValueDouble()));
                    break;
                case MetricType.Histogram:
                    long cumulative = 0;
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        cumulative += bucket.BucketCount;
                        var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Number(bucket.ExplicitBound);
                        Sample(text, name + "_bucket", labels, le, cumulative.ToString(CultureInfo.InvariantCulture));
                    }
                    Sample(text, name + "_sum", labels, null, Number(point.GetHistogramSum()));
                    Sample(text, name + "_count", labels, null, point.GetHistogramCount().ToString(CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    private static void Sample(StringBuilder text, string name, string labels, string? le, string value)
    {
        text.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            text.Append('{').Append(labels);
            if (le is not null) text.Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append('"');
            text.Append('}');
        }
        text.Append(' ').Append(value).Append('\n');
    }

    private static string Labels(ReadOnlyTagCollection tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
            parts.Add($"{Sanitize(tag.Key)}=\"{Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")}\"");
        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    /// <summary>`http.server.request.duration` in `s` → `http_server_request_duration_seconds`.</summary>
    public static string Name(string name, string? unit)
    {
        var sanitized = Sanitize(name);
        var suffix = unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            "1" => "ratio",
            null or "" => null,
            _ when unit.StartsWith('{') => null, // annotations ({message}) are not units
            _ => Sanitize(unit),
        };
        return suffix is null || sanitized.EndsWith("_" + suffix, StringComparison.Ordinal) ? sanitized : sanitized + "_" + suffix;
    }

    private static string Sanitize(string name)
    {
        var s = new StringBuilder(name.Length);
        foreach (var c in name) s.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        if (s.Length == 0 || char.IsAsciiDigit(s[0])) s.Insert(0, '_');
        return s.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private static string Help(string value) => value.Replace("\\", "\\\\").Replace("\n", "\\n");

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    protected override void Dispose(bool disposing)
    {
        if (disposing) gate.Dispose();
        base.Dispose(disposing);
    }
}
