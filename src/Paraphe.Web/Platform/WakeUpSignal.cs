namespace Paraphe.Web.Platform;

/// <summary>
/// Wakes a background worker as soon as a transaction has given it work, instead of waiting for its next poll.
/// Notifying twice before the worker wakes counts once: it takes everything due when it runs.
/// </summary>
public abstract class WakeUpSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { } // already signalled
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);

}
