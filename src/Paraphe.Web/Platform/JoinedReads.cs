namespace Paraphe.Web.Platform;

/// <summary>
/// Concurrent requests for the same read share one execution of it, and every one of them gets a read that started
/// <b>after</b> it arrived (issue 12, list11): what was committed before a request came in is in its answer, as if it
/// had read alone. Per key, one read runs at a time; a request that comes while one runs waits for the next turn, which
/// it shares with every other request that came meanwhile. Fifty requests for the same page at once cost two reads
/// instead of fifty queued behind each other; a request alone reads at once, as it would without this.
/// <para>
/// The read of a turn is run by the request that opened the turn (with its own services: its database context), and
/// that request waits for its turn's read to end before it returns, whatever happens — its context must outlive the read.
/// Cancellation: while nobody has joined a turn, its opener's cancellation cancels it (the read is given that token; a
/// turn still waiting for the previous read is dropped at once); once a request has joined, the read goes on for it,
/// bounded by its own timeout (a database command's). A request that joined a turn stops waiting when it is cancelled.
/// A read that fails fails every request of its turn; the next turn reads again.
/// </para>
/// </summary>
public sealed class JoinedReads<TKey, T> where TKey : notnull
{
    private sealed class Turn
    {
        public readonly TaskCompletionSource<T> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly CancellationTokenSource Cancel = new();
        public int Joined;
        public bool Dropped;
    }

    /// <summary>A key's turns: the one reading, and the next one, which requests join until it starts.</summary>
    private sealed class Line
    {
        public Turn? Reading;
        public Turn? Next;
    }

    private readonly Dictionary<TKey, Line> lines = new();
    private readonly Lock gate = new();
    private int waiting;

    /// <summary>Requests waiting for a turn to start or to end (tests: to know that requests came while a read ran).</summary>
    internal int Waiting => Volatile.Read(ref waiting);

    /// <summary>The keys with a turn reading or waiting (tests: none is left behind once every request has ended).</summary>
    internal int Keys
    {
        get { lock (gate) return lines.Count; }
    }

    /// <summary><paramref name="read"/>'s value for <paramref name="key"/>, from a read that started after this call;
    /// <c>Joined</c> is true when another request's read gave it.</summary>
    public async Task<(T Value, bool Joined)> ReadAsync(TKey key, Func<CancellationToken, Task<T>> read, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Turn? mine = null, before, joined;
        Line line;
        lock (gate)
        {
            if (!lines.TryGetValue(key, out line!)) lines[key] = line = new Line();
            before = line.Reading;
            // The next turn has not started (it starts when it takes the reading turn, under this lock): join it.
            joined = line.Next;
            if (joined is not null) joined.Joined++;
            else
            {
                mine = new Turn();
                if (before is null) line.Reading = mine;
                else line.Next = mine;
            }
        }
        if (joined is not null) return (await JoinAsync(joined, ct).ConfigureAwait(false), true);
        return (await LeadAsync(key, line, mine!, before, read, ct).ConfigureAwait(false), false);
    }

    private async Task<T> JoinAsync(Turn turn, CancellationToken ct)
    {
        Interlocked.Increment(ref waiting);
        try { return await turn.Done.Task.WaitAsync(ct).ConfigureAwait(false); }
        finally { Interlocked.Decrement(ref waiting); }
    }

    /// <summary>The turn's read, once the read before it (if any) has ended; every request that joined the turn gets its value.</summary>
    private async Task<T> LeadAsync(TKey key, Line line, Turn mine, Turn? before, Func<CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var registration = ct.Register(() => Drop(line, mine));
        try
        {
            if (before is not null)
            {
                // The running read may have started before this request arrived: wait for it to end, then read.
                Interlocked.Increment(ref waiting);
                try { await before.Done.Task.WaitAsync(mine.Cancel.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (mine.Cancel.IsCancellationRequested) { throw new OperationCanceledException(ct); }
                catch { /* the previous turn's requests have its failure; this turn reads again */ }
                finally { Interlocked.Decrement(ref waiting); }
                lock (gate)
                {
                    if (mine.Dropped) throw new OperationCanceledException(ct); // only its request's cancellation drops a turn
                    line.Next = null;
                    line.Reading = mine;
                }
            }
            try
            {
                var value = await read(mine.Cancel.Token).ConfigureAwait(false);
                mine.Done.SetResult(value);
                return value;
            }
            catch (Exception e)
            {
                mine.Done.SetException(e);
                _ = mine.Done.Task.Exception; // observed here: a turn nobody joined must not raise an unobserved exception
                throw;
            }
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false); // waits for a running Drop: the source is disposed after it
            lock (gate)
            {
                if (line.Reading == mine) line.Reading = null;
                if (line.Next == mine) line.Next = null;
                // Another turn may have emptied and removed this line and a new one taken the key: remove only this one.
                if (line.Reading is null && line.Next is null && lines.TryGetValue(key, out var current) && current == line)
                    lines.Remove(key);
            }
            mine.Done.TrySetCanceled(); // a turn dropped before it read: nobody joined it (Drop's condition)
            mine.Cancel.Dispose();
        }
    }

    /// <summary>The opener of <paramref name="turn"/> is cancelled: if nobody joined the turn, cancel its read (or its wait
    /// for the previous one), and take it out of the line so that nobody joins it from now on.</summary>
    private void Drop(Line line, Turn turn)
    {
        lock (gate)
        {
            if (turn.Joined > 0) return;
            turn.Dropped = true;
            if (line.Next == turn) line.Next = null;
        }
        turn.Cancel.Cancel();
    }
}
