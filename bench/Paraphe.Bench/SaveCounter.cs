using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Paraphe.Bench;

/// <summary>
/// Counts SaveChangesAsync calls that wrote rows: each is one durable commit (an explicit transaction, or a single
/// statement in autocommit), whatever the number of commands it took.
/// </summary>
public sealed class SaveCounter : SaveChangesInterceptor
{
    public static readonly SaveCounter Instance = new();
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (result > 0) Interlocked.Increment(ref _count);
        return ValueTask.FromResult(result);
    }
}
