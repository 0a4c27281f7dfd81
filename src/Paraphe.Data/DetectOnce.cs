using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Paraphe.Data;

/// <summary>
/// One DetectChanges pass before the interceptors and one before the write, not one per look (issue 12, fourth
/// round). Every <c>ChangeTracker.Entries()</c> call of the save pipeline — the audit drain, the alerts, each save
/// interceptor (idempotency, webhooks, « À corriger », sealing wake-up, delivery metrics), EF itself — ran a full
/// DetectChanges pass over every tracked entity: 13 passes and ~260 KB per create + launch (a third of its
/// allocations; docs/PERFORMANCE.md « Issue 12 — create + launch », fourth round). <see cref="ParapheDbContext"/>
/// now detects once when its save starts and turns automatic detection off until the save ends; this interceptor,
/// registered <b>after every other save interceptor</b>, detects once more just before EF writes, so whatever an
/// interceptor changed on a tracked entity is written exactly as before. Where it is not the last save interceptor
/// of the options, the context keeps EF's automatic detection (<see cref="IsLastIn"/>): nothing can be lost.
/// </summary>
public sealed class DetectBeforeWrite : SaveChangesInterceptor
{
    public static readonly DetectBeforeWrite Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Detect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Detect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Detect(DbContext? context)
    {
        if (context is ParapheDbContext { DetectingOnce: true } db) db.ChangeTracker.DetectChanges();
    }

    /// <summary>Whether the context's options end their save interceptors with this one.</summary>
    public static bool IsLastIn(DbContext context) =>
        context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?
            .OfType<ISaveChangesInterceptor>().LastOrDefault() is DetectBeforeWrite;
}
