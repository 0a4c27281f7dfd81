using System.Threading.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;

namespace Paraphe.Web.Platform;

/// <summary>
/// Fixed-window rate limits that hold across every instance on one database: each window of each limit is a row of
/// `rate_limit_counters`, counted up by one atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, the same
/// statement on SQLite and PostgreSQL), so two instances behind a load balancer share one budget. Windows follow the
/// app's clock; ended windows are cleaned now and then by the requests themselves.
/// </summary>
public sealed class SharedRateLimits(IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>Counts one request under <paramref name="key"/>; refused past <paramref name="limit"/> in the current window, with the wait until it ends.</summary>
    public async Task<(bool Allowed, TimeSpan RetryAfter)> HitAsync(string key, int limit, TimeSpan window, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var start = now.Ticks - now.Ticks % window.Ticks;
        var ends = new DateTime(start + window.Ticks, DateTimeKind.Utc);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        int count;
        if (db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            // A count lost in a crash costs nothing (a client gets a few more requests): no need to wait for the WAL flush.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit TO OFF", ct);
            count = await CountAsync(db, key, start, ends, ct);
            await transaction.CommitAsync(ct);
        }
        else
        {
            count = await CountAsync(db, key, start, ends, ct);
        }
        if (count == 1 && Random.Shared.Next(20) == 0)
            await db.RateLimitCounters.Where(c => c.WindowEnds < now).ExecuteDeleteAsync(ct);
        return (count <= limit, ends - now);
    }

    private static async Task<int> CountAsync(ParapheDbContext db, string key, long start, DateTime ends, CancellationToken ct) =>
        (await db.Database.SqlQueryRaw<int>(
            """
            INSERT INTO rate_limit_counters ("Key", "Count", "WindowEnds") VALUES ({0}, 1, {1})
            ON CONFLICT ("Key") DO UPDATE SET "Count" = rate_limit_counters."Count" + 1
            RETURNING "Count" AS "Value"
            """, $"{key}@{start}", ends).ToListAsync(ct)).Single();

    /// <summary>A partition of an ASP.NET rate-limiting policy counted in the database (see <see cref="SharedWindowLimiter"/>).</summary>
    public static RateLimitPartition<string> Partition(HttpContext http, string key, int limit, TimeSpan window)
    {
        var limits = http.RequestServices.GetRequiredService<SharedRateLimits>();
        return RateLimitPartition.Get(key, k => new SharedWindowLimiter(limits, k, limit, window));
    }
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
