using Microsoft.EntityFrameworkCore.Diagnostics;
using Paraphe.Data.Records;

namespace Paraphe.Web.Features.Completion;

/// <summary>
/// Wakes the sealing worker right after a save that wrote a sealing job (a procedure completed), whichever handler
/// completed it: signing by link, in person, or marked signed. Without it the worker still finds the job on its next poll.
/// </summary>
public sealed class SealingWakeUp(SealingSignal signal) : SaveChangesInterceptor
{
    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        // A job nobody has taken yet: the worker counts an attempt before it saves anything about a job.
        if (eventData.Context?.ChangeTracker.Entries<SealingJob>().Any(e => e.Entity.Attempts == 0) == true)
            signal.Notify();
        return ValueTask.FromResult(result);
    }
}
