using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Data.Records;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// Records an attempt's outcome — the one place where a delivery's outcome is known (log event 5010, and the
/// webhook-deliveries metrics). A success ends the delivery and the endpoint's run of failures; a failure schedules the
/// next attempt with exponential backoff and jitter (<see cref="WebhookOptions.FirstRetryDelay"/>, doubling, capped) until
/// <see cref="WebhookOptions.RetryFor"/> after the event, then fails it. An endpoint that has failed every attempt for
/// <see cref="WebhookOptions.DisableAfter"/> is disabled (<see cref="WebhookDisabling"/>).
/// </summary>
public sealed partial class WebhookAttempts(IOptionsMonitor<WebhookOptions> options, WebhookDisabling disabling,
    Platform.Observability.ParapheMetrics metrics, ILogger<WebhookAttempts> log)
{
    public async Task RecordAsync(ParapheDbContext db, WebhookEndpoint endpoint, WebhookDelivery delivery, WebhookSender.Outcome outcome,
        CancellationToken ct)
    {
        var now = db.UtcNow;
        var o = options.CurrentValue;
        delivery.LastAttemptAt = now;
        delivery.LastStatusCode = outcome.StatusCode;
        delivery.LastDurationMs = outcome.DurationMs;
        delivery.LastError = outcome.Error;
        if (outcome.Success)
        {
            delivery.DoneAt = now;
            delivery.NextAttemptAt = null;
        }
        else
        {
            var next = now + Backoff(delivery.Attempts, o);
            if (next > delivery.CreatedAt + o.RetryFor)
            {
                delivery.FailedAt = now;
                delivery.NextAttemptAt = null;
            }
            else delivery.NextAttemptAt = next;
        }
        await db.SaveChangesAsync(ct);
        metrics.WebhookDelivered(delivery.Type, outcome.StatusCode, outcome.Success, TimeSpan.FromMilliseconds(outcome.DurationMs));
        LogAttempt(delivery.Id, delivery.EventId, delivery.Type, delivery.Attempts, outcome.StatusCode, outcome.DurationMs,
            outcome.Success ? "delivered" : delivery.FailedAt is not null ? "failed" : "retrying");

        var endpoints = db.WebhookEndpoints.IgnoreQueryFilters().Where(e => e.Id == endpoint.Id);
        if (outcome.Success)
        {
            await endpoints.Where(e => e.FailingSince != null).ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, (DateTime?)null), ct);
            return;
        }
        await endpoints.Where(e => e.FailingSince == null).ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, now), ct);
        await disabling.DisableIfFailingAsync(db, endpoint.Id, now, o.DisableAfter, ct);
    }

    /// <summary>An endpoint disabled meanwhile: the delivery ends without a request.</summary>
    public async Task GiveUpAsync(ParapheDbContext db, WebhookDelivery delivery, string reason, CancellationToken ct)
    {
        delivery.FailedAt = db.UtcNow;
        delivery.NextAttemptAt = null;
        delivery.LastError = reason;
        await db.SaveChangesAsync(ct);
        LogAttempt(delivery.Id, delivery.EventId, delivery.Type, delivery.Attempts, null, 0, "abandoned");
    }

    /// <summary>First retry: <see cref="WebhookOptions.FirstRetryDelay"/> ± 20 %; then doubling, capped, ± 20 %.</summary>
    public static TimeSpan Backoff(int attempts, WebhookOptions o)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 30);
        var delay = Math.Min(o.FirstRetryDelay.TotalSeconds * Math.Pow(2, exponent), o.MaxRetryDelay.TotalSeconds);
        return TimeSpan.FromSeconds(delay * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information,
        Message = "Webhook delivery {DeliveryId} ({EventId}, {Type}) attempt {Attempt}: {StatusCode} in {DurationMs} ms, {Outcome}")]
    private partial void LogAttempt(string deliveryId, string eventId, string type, int attempt, int? statusCode, int durationMs, string outcome);
}
