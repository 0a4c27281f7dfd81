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

    /// <summary>
    /// A worker's loop: runs <paramref name="pass"/> again at once while it finds work, else waits for this signal or
    /// <paramref name="poll"/> (work left by a crash or due later). A failed pass is reported and the loop goes on.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task<int>> pass, TimeSpan poll, Action<Exception> failed,
        CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await pass(stoppingToken) > 0) continue;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed(e);
            }
            try { await WaitAsync(poll, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
