using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Platform.Observability;

/// <summary>
/// Records the time from queue to delivery when a save moves a message to `delivered`, whichever path reported it
/// (an SMS callback, Brevo's webhook, a simulated delivery): measured on the committed delivery report, never twice.
/// </summary>
public sealed class DeliveryMetrics(ParapheMetrics metrics, TimeProvider clock) : SaveChangesInterceptor, Paraphe.Data.IContextState
{
    public void Forget(DbContext db) => pending.Remove(db);

    private readonly ConditionalWeakTable<DbContext, List<Notification>> pending = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Record(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Record(eventData.Context);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } db) pending.Remove(db);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? db)
    {
        if (db is null) return;
        var delivered = db.ChangeTracker.Entries<Notification>()
            .Where(e => e.State == EntityState.Modified && e.Entity.Status == DeliveryStatus.Delivered
                        && e.Property(n => n.Status).OriginalValue != DeliveryStatus.Delivered)
            .Select(e => e.Entity).ToList();
        if (delivered.Count > 0) pending.AddOrUpdate(db, delivered);
        else pending.Remove(db);
    }

    private void Record(DbContext? db)
    {
        if (db is null || !pending.TryGetValue(db, out var delivered)) return;
        pending.Remove(db);
        Committed(delivered);
    }

    /// <summary>Messages a committed change moved to delivered (from a save, or a delivery report written directly by
    /// <c>DeliveryWrite</c>): their time from queue to delivery.</summary>
    public void Committed(IEnumerable<Notification> delivered)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var n in delivered) metrics.MessageDelivered(n, now);
    }
}
