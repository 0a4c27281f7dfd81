using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Paraphe.Data;

namespace Paraphe.Web.Platform.Observability;

/// <summary>
/// The operator's view: OpenTelemetry traces and metrics (ASP.NET Core, HttpClient, Npgsql, resilience pipelines and
/// Meter `Paraphe`), OTLP export when configured, `GET /metrics` (Prometheus text), `GET /health/live` and
/// `GET /health/ready` (docs/OPERATIONS.md).
/// </summary>
public static class ObservabilitySetup
{
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.OtlpEndpoint) || Uri.TryCreate(o.OtlpEndpoint, UriKind.Absolute, out _),
                "Paraphe:Telemetry:OtlpEndpoint must be an absolute URL (http://collector:4317).")
            .Validate(o => o.BacklogReadInterval >= TimeSpan.Zero, "Paraphe:Telemetry:BacklogReadInterval must not be negative.")
            .ValidateOnStart();
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section)
            .Validate(o => o.OutboxStuckAfter > TimeSpan.Zero, "Paraphe:Health:OutboxStuckAfter must be positive.")
            .ValidateOnStart();
        services.AddSingleton<OutboxBacklog>();
        services.AddSingleton<ParapheMetrics>();
        services.AddSingleton<PrometheusText>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, DeliveryMetrics>();

        var telemetry = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = !string.IsNullOrWhiteSpace(telemetry.OtlpEndpoint)
                   || !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(telemetry.ServiceName));
        // Spans only when they are exported (issue 12, sign6): without an exporter every request and every Npgsql
        // command built a recorded span with its tags (the statement's text included) that nothing read.
        if (otlp)
            otel.WithTracing(t => t.AddSource(ParapheMetrics.ActivitySourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperatorPath(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(o => Endpoint(o, telemetry)));
        otel.WithMetrics(m =>
            {
                m.AddMeter(ParapheMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddMeter("Polly"); // the provider pipelines' timeouts and breaker states
                // The view needs this host's meter factory: configured once the services are built.
                ((IDeferredMeterProviderBuilder)m).Configure((sp, b) => b.AddView(View(sp.GetRequiredService<IMeterFactory>())));
                if (telemetry.PrometheusEndpoint) m.AddReader(sp => sp.GetRequiredService<PrometheusText>().Reader);
                if (otlp) m.AddOtlpExporter(o => Endpoint(o, telemetry));
            });

        services.AddHealthChecks()
            .AddDbContextCheck<ParapheDbContext>("database", HealthStatus.Unhealthy, [HealthAnswer.ReadyTag])
            .AddCheck<MigrationsCheck>("migrations", HealthStatus.Unhealthy, [HealthAnswer.ReadyTag], TimeSpan.FromSeconds(5))
            .AddCheck<OutboxCheck>("outbox", HealthStatus.Unhealthy, [HealthAnswer.ReadyTag], TimeSpan.FromSeconds(5));
        // A database that does not answer must not hold the probe: every check has a bound.
        services.Configure<HealthCheckServiceOptions>(o =>
        {
            foreach (var r in o.Registrations) if (r.Timeout == Timeout.InfiniteTimeSpan) r.Timeout = TimeSpan.FromSeconds(5);
        });
        return builder;
    }

    /// <summary>`/health/live`, `/health/ready` and `/metrics`: anonymous, outside the API and its rate limits.</summary>
    public static WebApplication MapObservability(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", HealthAnswer.Options(_ => false)).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/ready", HealthAnswer.Options(r => r.Tags.Contains(HealthAnswer.ReadyTag))).AllowAnonymous().DisableRateLimiting();
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.PrometheusEndpoint)
            app.MapGet("/metrics", async (PrometheusText prometheus, HttpContext http, CancellationToken ct) =>
                {
                    var text = await prometheus.ScrapeAsync(ct);
                    http.Response.Headers.CacheControl = "no-store";
                    return Results.Text(text, PrometheusText.ContentType);
                })
                .AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The view of every instrument this host's provider sees. A meter made by another host's factory (ASP.NET Core's,
    /// HttpClient's, Paraphe's: each host of a process has its own) is dropped: otherwise an instrument of the same name
    /// shares this host's stream, adds its counts to it, and ends it when that host stops — this host's request counts
    /// then vanish from its scrape until it restarts. So is any meter named `Paraphe` not made by this host's factory
    /// (<see cref="ParapheMetrics"/> makes its own there): another app's in the same process is not ours to show.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> View(IMeterFactory own) => instrument =>
        Foreign(instrument.Meter, own) ? MetricStreamConfiguration.Drop : OutgoingHttpView(instrument);

    private static bool Foreign(Meter meter, IMeterFactory own) =>
        meter.Scope is IMeterFactory scope ? !ReferenceEquals(scope, own) : meter.Name == ParapheMetrics.MeterName;

    /// <summary>
    /// Outgoing HTTP and name resolution without the host: a webhook's host is an agency's CRM (tenant data on an anonymous
    /// scrape), and an integrator who invents hosts would add a series each. The method, status, error and scheme stay.
    /// </summary>
    /// <remarks>
    /// The same for the database: Npgsql names its pool after the connection string (host, port, user name, database;
    /// without the password) — not for an anonymous scrape.
    /// </remarks>
    private static MetricStreamConfiguration? OutgoingHttpView(Instrument instrument) =>
        instrument.Meter.Name switch
        {
            "System.Net.Http" or "System.Net.NameResolution" => new MetricStreamConfiguration { TagKeys = OutgoingHttpTags },
            "Npgsql" => new MetricStreamConfiguration { TagKeys = DatabaseTags },
            _ => null,
        };

    private static readonly string[] DatabaseTags = ["db.client.connection.state", "db.system.name", "db.system", "error.type"];

    private static readonly string[] OutgoingHttpTags =
        ["http.request.method", "http.response.status_code", "error.type", "url.scheme", "network.protocol.version", "http.connection.state"];

    private static bool IsOperatorPath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    private static void Endpoint(OtlpExporterOptions o, TelemetryOptions telemetry)
    {
        if (!string.IsNullOrWhiteSpace(telemetry.OtlpEndpoint)) o.Endpoint = new Uri(telemetry.OtlpEndpoint);
    }
}
