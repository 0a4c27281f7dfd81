namespace Paraphe.Web.Platform.Observability;

/// <summary>`Paraphe:Telemetry`: OpenTelemetry export and Paraphe's own gauges.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Paraphe:Telemetry";

    /// <summary>
    /// An OTLP collector (`http://collector:4317` gRPC, or `…:4318` with `OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`).
    /// Empty: OTLP export only when the standard `OTEL_EXPORTER_OTLP_ENDPOINT` variable is set.
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>`service.name` of traces and metrics (tell instances apart with `OTEL_RESOURCE_ATTRIBUTES=service.instance.id=…`).</summary>
    public string ServiceName { get; set; } = "paraphe";

    /// <summary>Serve `GET /metrics` (Prometheus text format, no key: restrict it at the reverse proxy).</summary>
    public bool PrometheusEndpoint { get; set; } = true;

    /// <summary>The outbox gauges read the database at most this often (0: at every collection).</summary>
    public TimeSpan BacklogReadInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>`Paraphe:Health`: what `GET /health/ready` calls not ready.</summary>
public sealed class HealthOptions
{
    public const string Section = "Paraphe:Health";

    /// <summary>A due message waiting longer than this means dispatch is stuck: not ready (503).</summary>
    public TimeSpan OutboxStuckAfter { get; set; } = TimeSpan.FromMinutes(10);
}
