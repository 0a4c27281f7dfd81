using System.Diagnostics;
using System.Diagnostics.Metrics;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Platform.Observability;

/// <summary>
/// Paraphe's own instruments (Meter `Paraphe`), all defined here; features call one method each. Exported with the
/// ASP.NET Core, HttpClient and Npgsql instruments over OTLP and on `GET /metrics` (docs/OPERATIONS.md lists them).
/// Labels are few and bounded (channel, provider, outcome, event type): never an id, an address or an agency.
/// </summary>
public sealed class ParapheMetrics
{
    public const string MeterName = "Paraphe";
    public const string ActivitySourceName = "Paraphe";

    /// <summary>Spans of Paraphe's own work (a send, a seal), under the request or worker that started them.</summary>
    public static readonly ActivitySource Activities = new(ActivitySourceName);

    private readonly Counter<long> _sends;
    private readonly Histogram<double> _queueToDelivery;
    private readonly Counter<long> _seals;
    private readonly Histogram<double> _sealDuration;
    private readonly Counter<long> _webhookDeliveries;
    private readonly Histogram<double> _webhookDuration;
    private readonly Counter<long> _listPages;

    /// <summary>
    /// Tags this app's Meter with a per-process id (OTLP's scope attribute; tests find this app's instruments by it).
    /// Another app's Meter of the same name in the same process (a test host) is kept out of this app's exports by the
    /// provider's view (<see cref="ObservabilitySetup"/>), not by this tag.
    /// </summary>
    public const string InstanceTag = "paraphe.meter.instance";

    public string Instance { get; } = Guid.NewGuid().ToString("N");

    public ParapheMetrics(IMeterFactory meters, OutboxBacklog backlog)
    {
        var meter = meters.Create(new MeterOptions(MeterName) { Tags = [new(InstanceTag, Instance)] });
        _sends = meter.CreateCounter<long>("paraphe.messages.sent", unit: "{message}",
            description: "Send attempts handed to a provider, by channel, provider (the one that answered) and outcome: accepted, refused (permanent) or failed (temporary, retried).");
        _queueToDelivery = meter.CreateHistogram<double>("paraphe.messages.delivery.duration", unit: "s",
            description: "Time from queueing a message to its delivery report (delivered), by channel and provider.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 21600, 86400] });
        _seals = meter.CreateCounter<long>("paraphe.seals", unit: "{seal}",
            description: "Sealing attempts by outcome: sealed, unchanged (already sealed) or failed.");
        _sealDuration = meter.CreateHistogram<double>("paraphe.seal.duration", unit: "s",
            description: "Duration of one sealing attempt (stamps, evidence page, seal, timestamp, save).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
        SealingFailures = meter.CreateCounter<long>("paraphe.sealing.failures", unit: "{attempt}",
            description: "Sealing attempts that failed (error or over the time budget); each is retried until MaxAttempts.");
        SealingFailedJobs = meter.CreateCounter<long>("paraphe.sealing.failed_jobs", unit: "{job}",
            description: "Sealing jobs given up after MaxAttempts: a procedure waits for an agent to retry.");
        _webhookDeliveries = meter.CreateCounter<long>("paraphe.webhooks.deliveries", unit: "{delivery}",
            description: "Outgoing webhook delivery attempts, by event type, outcome (delivered, failed) and HTTP status class.");
        _webhookDuration = meter.CreateHistogram<double>("paraphe.webhooks.delivery.duration", unit: "s",
            description: "Duration of one outgoing webhook request.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _listPages = meter.CreateCounter<long>("paraphe.procedures.list.pages", unit: "{page}",
            description: "Pages of GET /api/v1/procedures answered, by answer: kept (the whole page served again, none of its items changed) or built (at least one item read from the database); and by stamps: own (the page read what it checks its items against) or joined (that read was shared with concurrent requests of the same page, and started after this one came).");
        meter.CreateObservableGauge("paraphe.outbox.backlog", () => backlog.Current().Backlog
                .Select(b => new Measurement<long>(b.Count, new KeyValuePair<string, object?>("channel", Label(b.Channel)))),
            unit: "{message}", description: "Messages not yet handed to a provider (queued, sending, deferred), by channel.");
        meter.CreateObservableGauge("paraphe.outbox.oldest_due.age", () => backlog.Current().OldestDueAge.TotalSeconds,
            unit: "s", description: "How long the oldest due message has waited past its due time (0 when none is due): grows when dispatch is stuck.");
    }

    public Counter<long> SealingFailures { get; }
    public Counter<long> SealingFailedJobs { get; }

    /// <summary>One provider's answer to one send.</summary>
    public void MessageSent(Channel channel, string provider, SendOutcome outcome) =>
        _sends.Add(1, new KeyValuePair<string, object?>("channel", Label(channel)), new("provider", provider.ToLowerInvariant()),
            new("outcome", outcome switch { SendOutcome.Accepted => "accepted", SendOutcome.Refused => "refused", _ => "failed" }));

    /// <summary>A delivery report moved a message to delivered: its time since it was queued.</summary>
    public void MessageDelivered(Notification n, DateTime at)
    {
        if (n.Status != DeliveryStatus.Delivered) return;
        _queueToDelivery.Record(Math.Max(0, (at - n.CreatedAt).TotalSeconds),
            new KeyValuePair<string, object?>("channel", Label(n.Channel)), new("provider", n.Provider?.ToLowerInvariant() ?? "unknown"));
    }

    /// <summary>One sealing attempt ended (<paramref name="outcome"/>: sealed, unchanged, failed).</summary>
    public void SealAttempted(string outcome, TimeSpan duration)
    {
        _seals.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _sealDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>
    /// One outgoing webhook request ended (for the webhooks worker): <paramref name="statusCode"/> is null when no answer
    /// came (timeout, refused connection, blocked address).
    /// </summary>
    public void WebhookDelivered(string eventType, int? statusCode, bool delivered, TimeSpan duration)
    {
        var status = statusCode is { } s ? $"{s / 100}xx" : "none";
        _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("event_type", eventType),
            new("outcome", delivered ? "delivered" : "failed"), new("status_class", status));
        _webhookDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("event_type", eventType),
            new("outcome", delivered ? "delivered" : "failed"));
    }

    /// <summary>One page of the procedures' list answered: served whole again (<paramref name="kept"/>) or built, its
    /// freshness read its own or <paramref name="joined"/> to a concurrent request's.</summary>
    public void ListPageAnswered(bool kept, bool joined) => _listPages.Add(1, new KeyValuePair<string, object?>("answer", kept ? "kept" : "built"),
        new("stamps", joined ? "joined" : "own"));

    public static string Label(Channel channel) => channel == Channel.Email ? "email" : "sms";
}

public enum SendOutcome { Accepted, Refused, Failed }
