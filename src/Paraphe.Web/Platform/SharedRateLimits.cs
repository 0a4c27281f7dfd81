using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;

namespace Paraphe.Web.Platform;

/// <summary>
/// Fixed-window rate limits that hold across every instance on one database: each window of each limit is a row of
/// `rate_limit_counters`, counted up by an atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, the same
/// statement on SQLite and PostgreSQL), so two instances behind a load balancer share one budget.
/// <para>
/// Issue 12: a request no longer pays a database write. Each instance keeps, per window, the count the database last
/// gave it (<c>Known</c>) and its own hits since (<c>Pending</c>). A hit is decided in memory while this instance's view
/// (Known + Pending) stays within half the limit, and the pending hits are added to the row as one aggregated delta
/// every <see cref="FlushInterval"/>. The first hit of a window on an instance, and every hit past half the limit, asks
/// the database at once (its pending delta with it), so the budget's end is decided on the shared count. What another
/// instance admitted in memory and has not flushed yet is not in that count: one window of N instances admits at most
/// limit + (N − 1) × ⌊limit/2⌋ requests (1.5 × the limit for two instances, in the worst interleaving); one instance
/// exactly the limit. Once the shared count has reached the limit the window is refused in memory (it only grows).
/// Counts not yet flushed when an instance dies (at most one interval's) are lost: a client gets a few more requests.
/// </para>
/// Windows follow the app's clock; the flush cadence is wall time. Ended windows are cleaned now and then.
/// </summary>
public sealed partial class SharedRateLimits(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SharedRateLimits>? log = null)
    : IAsyncDisposable
{
    /// <summary>How often the hits counted in memory are added to the shared rows.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Window> windows = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock starting = new();
    private Task? flusher;

    private sealed class Window(DateTime ends)
    {
        public readonly DateTime Ends = ends;
        public readonly Lock Gate = new();
        public int Known;
        public int Pending;
        public bool Asked;
    }

    /// <summary>Counts one request under <paramref name="key"/>; refused past <paramref name="limit"/> in the current window, with the wait until it ends.</summary>
    public async Task<(bool Allowed, TimeSpan RetryAfter)> HitAsync(string key, int limit, TimeSpan window, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var start = now.Ticks - now.Ticks % window.Ticks;
        var ends = new DateTime(start + window.Ticks, DateTimeKind.Utc);
        var id = $"{key}@{start}";
        var w = windows.GetOrAdd(id, _ => new Window(ends));
        EnsureFlusher();
        int delta;
        lock (w.Gate)
        {
            if (w.Asked)
            {
                if (w.Known + w.Pending >= limit) return (false, ends - now);
                if (2 * (w.Known + w.Pending + 1) <= limit)
                {
                    w.Pending++;
                    return (true, ends - now);
                }
            }
            delta = w.Pending + 1;
            w.Pending = 0;
        }
        int count;
        try
        {
            count = (await AddAsync([(id, delta, ends)], ct))[0];
        }
        catch
        {
            lock (w.Gate) w.Pending += delta - 1; // the others' hits are still to be counted; this one failed
            throw;
        }
        lock (w.Gate)
        {
            w.Known = Math.Max(w.Known, count);
            w.Asked = true;
        }
        if (count == delta && Random.Shared.Next(20) == 0) await CleanAsync(now, ct);
        return (count <= limit, ends - now);
    }

    /// <summary>Adds every window's pending hits to its shared row (one transaction); forgets ended windows.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var batch = new List<(string Id, int Delta, DateTime Ends)>();
        var taken = new List<Window>();
        foreach (var (id, w) in windows)
        {
            lock (w.Gate)
            {
                if (w.Pending > 0)
                {
                    batch.Add((id, w.Pending, w.Ends));
                    taken.Add(w);
                    w.Pending = 0;
                }
                else if (w.Ends <= now)
                {
                    windows.TryRemove(id, out _);
                }
            }
        }
        if (batch.Count == 0) return;
        try
        {
            var counts = await AddAsync(batch, ct);
            for (var i = 0; i < taken.Count; i++)
                lock (taken[i].Gate) taken[i].Known = Math.Max(taken[i].Known, counts[i]);
        }
        catch
        {
            for (var i = 0; i < taken.Count; i++)
                lock (taken[i].Gate) taken[i].Pending += batch[i].Delta;
            throw;
        }
    }

    private async Task<int[]> AddAsync(IReadOnlyList<(string Id, int Delta, DateTime Ends)> hits, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var counts = new int[hits.Count];
        await using var transaction = hits.Count > 1 || db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL"
            ? await db.Database.BeginTransactionAsync(ct)
            : null;
        // A count lost in a crash costs nothing (a client gets a few more requests): no need to wait for the WAL flush.
        if (transaction is not null && db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL")
            await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit TO OFF", ct);
        for (var i = 0; i < hits.Count; i++)
            counts[i] = (await db.Database.SqlQueryRaw<int>(
                """
                INSERT INTO rate_limit_counters ("Key", "Count", "WindowEnds") VALUES ({0}, {1}, {2})
                ON CONFLICT ("Key") DO UPDATE SET "Count" = rate_limit_counters."Count" + {1}
                RETURNING "Count" AS "Value"
                """, hits[i].Id, hits[i].Delta, hits[i].Ends).ToListAsync(ct)).Single();
        if (transaction is not null) await transaction.CommitAsync(ct);
        return counts;
    }

    private async Task CleanAsync(DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ParapheDbContext>().RateLimitCounters
            .Where(c => c.WindowEnds < now).ExecuteDeleteAsync(ct);
    }

    private void EnsureFlusher()
    {
        if (flusher is not null) return;
        lock (starting) flusher ??= Task.Run(FlushLoopAsync);
    }

    private async Task FlushLoopAsync()
    {
        using var timer = new PeriodicTimer(FlushInterval, TimeProvider.System); // the cadence, not the windows: wall time
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token))
            {
                try
                {
                    await FlushAsync(stopping.Token);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    // Kept in memory and tried again at the next tick (the database may be out of reach for a while).
                    if (log is not null) LogNotFlushed(log, e, e.GetBaseException().Message);
                }
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Stopping: a flush cut short (cancelled, or the app's services already disposed under it) gave its hits
            // back to their windows; DisposeAsync tries them once more.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (flusher is not null) await flusher;
        try
        {
            await FlushAsync(CancellationToken.None); // the last second's hits, when the database is still there
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or DbUpdateException
                                      or System.Data.Common.DbException or TimeoutException)
        {
        }
        stopping.Dispose();
    }

    /// <summary>A partition of an ASP.NET rate-limiting policy counted in the database (see <see cref="SharedWindowLimiter"/>).</summary>
    public static RateLimitPartition<string> Partition(HttpContext http, string key, int limit, TimeSpan window)
    {
        var limits = http.RequestServices.GetRequiredService<SharedRateLimits>();
        return RateLimitPartition.Get(key, k => new SharedWindowLimiter(limits, k, limit, window));
    }

    [LoggerMessage(EventId = 1040, Level = LogLevel.Warning, Message = "Rate-limit counts not flushed (kept in memory, tried again next second): {Error}")]
    private static partial void LogNotFlushed(ILogger logger, Exception e, string error);
}

/// <summary>
/// One partition of <see cref="SharedRateLimits"/> for ASP.NET's rate-limiting middleware. The count lives in the
/// database, which only an asynchronous acquisition may ask: the synchronous attempt always defers (the middleware then
/// acquires asynchronously, its queue path), and nothing is held in memory, so an idle partition may be dropped at once.
/// </summary>
internal sealed class SharedWindowLimiter(SharedRateLimits limits, string key, int limit, TimeSpan window) : RateLimiter
{
    public override TimeSpan? IdleDuration => TimeSpan.MaxValue; // stateless: the partitioned limiter may drop it any time

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Deferred;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (permitCount == 0) return Lease.Granted;
        var (allowed, retryAfter) = await limits.HitAsync(key, limit, window, cancellationToken);
        return allowed ? Lease.Granted : new Lease(false, retryAfter);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease Deferred = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }

        protected override void Dispose(bool disposing) { }
    }
}
