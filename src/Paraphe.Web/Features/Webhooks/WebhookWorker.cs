using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>Wakes the webhook worker when a transaction has written deliveries.</summary>
public sealed class WebhookSignal : WakeUpSignal;

/// <summary>
/// Sends due webhook deliveries (<see cref="WebhookClaims"/>: two instances never both take one), each under its
/// timeout, <see cref="WebhookOptions.Concurrency"/> at a time, and records each attempt (<see cref="WebhookAttempts"/>).
/// Woken by <see cref="WebhookSignal"/> after a commit, and every <see cref="WebhookOptions.PollInterval"/> for retries and
/// for deliveries whose worker died with their lease.
/// </summary>
public sealed partial class WebhookWorker(IServiceScopeFactory scopes, WebhookSignal signal, WebhookSender sender, WebhookAttempts attempts,
    IOptions<WebhookOptions> options, ILogger<WebhookWorker> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.WorkerEnabled
            ? signal.RunAsync(DeliverDueAsync, options.Value.PollInterval, LogPassFailed, stoppingToken)
            : Task.CompletedTask;

    /// <summary>One pass: claims a batch of due deliveries and sends them; returns how many it attempted.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        List<string> claimed;
        await using (var scope = scopes.CreateAsyncScope())
            claimed = await WebhookClaims.ClaimAsync(scope.ServiceProvider.GetRequiredService<ParapheDbContext>(), options.Value, ct);
        if (claimed.Count == 0) return 0;
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.Concurrency), CancellationToken = ct },
            async (id, token) =>
            {
                try { await DeliverAsync(id, token); }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    LogDeliveryFailed(e, id); // its lease ends and it is taken again
                }
            });
        return claimed.Count;
    }

    private async Task DeliverAsync(string deliveryId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var delivery = await db.WebhookDeliveries.IgnoreQueryFilters().FirstOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (delivery is null) return; // its endpoint was deleted meanwhile
        var endpoint = await db.WebhookEndpoints.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(e => e.Id == delivery.EndpointId, ct);
        if (endpoint is null) return;
        try
        {
            if (!endpoint.Enabled)
            {
                await attempts.GiveUpAsync(db, delivery, "Webhook désactivé : livraison abandonnée.", ct);
                return;
            }
            var outcome = await sender.SendAsync(endpoint, delivery, ct);
            await attempts.RecordAsync(db, endpoint, delivery, outcome, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The delivery went with its endpoint, deleted during the attempt: nothing to record, nothing to retry.
            LogEndpointDeleted(deliveryId);
        }
    }

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} ended: its endpoint was deleted during the attempt")]
    private partial void LogEndpointDeleted(string deliveryId);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Webhook pass failed")]
    private partial void LogPassFailed(Exception e);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Webhook delivery {DeliveryId} failed unexpectedly; retried after its lease")]
    private partial void LogDeliveryFailed(Exception e, string deliveryId);
}
