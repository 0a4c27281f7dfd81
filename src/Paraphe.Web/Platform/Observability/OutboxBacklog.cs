using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Platform.Observability;

/// <summary>What the outbox holds: messages not yet handed to a provider, by channel, and how late the oldest due one is.</summary>
public sealed record BacklogReading(IReadOnlyList<(Channel Channel, long Count)> Backlog, TimeSpan OldestDueAge, DateTimeOffset ReadAt);

/// <summary>
/// Reads the outbox backlog from the database for the gauges (at most once per `Paraphe:Telemetry:BacklogReadInterval`,
/// whatever the scrape rate or the number of exporters) and for readiness (fresh). A failed read keeps the last
/// reading: a scrape never fails because the database is away (readiness says so).
/// </summary>
public sealed class OutboxBacklog(IServiceScopeFactory scopes, IOptionsMonitor<TelemetryOptions> options, TimeProvider clock)
{
    private static readonly DeliveryStatus[] Waiting = [DeliveryStatus.Queued, DeliveryStatus.Sending, DeliveryStatus.Deferred];
    private readonly Lock gate = new();
    private BacklogReading? last;

    /// <summary>The cached reading, read again when older than the interval (synchronous: observable instruments are).</summary>
    public BacklogReading Current()
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (last is not null && now - last.ReadAt < options.CurrentValue.BacklogReadInterval) return last;
            try
            {
                last = ReadAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                last ??= new BacklogReading([], TimeSpan.Zero, now);
            }
            return last;
        }
    }

    /// <summary>A fresh reading from the database.</summary>
    public async Task<BacklogReading> ReadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var readAt = clock.GetUtcNow();
        var now = readAt.UtcDateTime;
        var waiting = db.Notifications.IgnoreQueryFilters().AsNoTracking().Where(n => Waiting.Contains(n.Status));
        var counts = await waiting.GroupBy(n => n.Channel).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var oldestDue = await waiting.Where(n => n.NextAttemptAt <= now).OrderBy(n => n.NextAttemptAt)
            .Select(n => (DateTime?)n.NextAttemptAt).FirstOrDefaultAsync(ct);
        var backlog = Enum.GetValues<Channel>().Select(c => (c, counts.FirstOrDefault(x => x.Key == c)?.Count ?? 0L)).ToList();
        var age = oldestDue is { } due ? now - DateTime.SpecifyKind(due, DateTimeKind.Utc) : TimeSpan.Zero;
        return new BacklogReading(backlog, age < TimeSpan.Zero ? TimeSpan.Zero : age, readAt);
    }
}
