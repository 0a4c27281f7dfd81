using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Platform;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

/// <summary>
/// Stopping the shared rate limits while their flusher is adding counts to the database, and the app's services are
/// disposed under it (the order a host shuts down in), ends quietly: seen as an <see cref="ObjectDisposedException"/>
/// thrown out of <see cref="SharedRateLimits.DisposeAsync"/> when a test's app stopped mid-flush.
/// </summary>
public abstract class SharedRateLimitsStop(ParapheApp app)
{
    /// <summary>The app's scopes, until <see cref="Hold"/>: then the next scope waits for <see cref="Release"/> and throws as a disposed provider does.</summary>
    private sealed class Scopes(IServiceScopeFactory inner) : IServiceScopeFactory
    {
        private volatile bool holding;
        public readonly SemaphoreSlim Entered = new(0);
        private readonly ManualResetEventSlim released = new(false);

        public void Hold() => holding = true;
        public void Release() => released.Set();

        public IServiceScope CreateScope()
        {
            if (!holding) return inner.CreateScope();
            Entered.Release();
            released.Wait(TimeSpan.FromMinutes(2));
            throw new ObjectDisposedException(nameof(IServiceProvider));
        }
    }

    [Fact]
    public async Task AFlushCutShortByTheAppStoppingDoesNotFailTheStop()
    {
        var scopes = new Scopes(app.Services.GetRequiredService<IServiceScopeFactory>());
        var limits = new SharedRateLimits(scopes, TimeProvider.System);
        var key = "stop-test-" + Guid.NewGuid().ToString("N");
        Assert.True((await limits.HitAsync(key, 100, TimeSpan.FromHours(1), CancellationToken.None)).Allowed); // asks the database
        Assert.True((await limits.HitAsync(key, 100, TimeSpan.FromHours(1), CancellationToken.None)).Allowed); // counted in memory
        scopes.Hold();
        Assert.True(await scopes.Entered.WaitAsync(TimeSpan.FromMinutes(1)),
            "the flusher never came to add the hit counted in memory to the database");
        var stopped = limits.DisposeAsync().AsTask(); // cancels the flusher, then waits for it
        scopes.Release();
        await stopped; // threw ObjectDisposedException before the flusher's loop ended quietly once stopping
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SharedRateLimitsStopOnSqlite(SqliteApp app) : SharedRateLimitsStop(app);
