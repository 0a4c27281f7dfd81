using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Web.Platform;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

/// <summary>
/// SQLite's own busy handler waits for a locked database (<see cref="SqliteConnections"/>), not Microsoft.Data.Sqlite's
/// 150 ms sleeps: every connection the app's contexts open carries `sqlite3_busy_timeout` = its default timeout, on
/// the first lease of a pooled context and on later ones, and a write that meets another connection's lock succeeds
/// once the lock is released. SQLite only (PostgreSQL has no such handler). No timing is asserted.
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed class SqliteBusyWaits(SqliteApp app)
{
    /// <summary>The busy timeout SQLite answers on the context's connection, opened and closed for it.</summary>
    internal static async Task<long> BusyTimeoutAsync(ParapheDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout";
            return (long)(await command.ExecuteScalarAsync())!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [Fact]
    public async Task EveryConnectionOfTheAppsContextsWaitsWithSqlitesBusyHandler()
    {
        long expected;
        ParapheDbContext first;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            var connection = (SqliteConnection)first.Database.GetDbConnection();
            expected = connection.DefaultTimeout * 1000L;
            Assert.True(expected > 0, "the connection has no default timeout");
            Assert.Equal(expected, await BusyTimeoutAsync(first));
            // The native handles go back to Microsoft.Data.Sqlite's pool: drop them, so the next open makes a new one.
            SqliteConnection.ClearPool(connection);
        }

        // The pooled context leased again (its connection object kept, a new native handle opened under it).
        var leases = app.Services.GetRequiredService<ContextLeases>();
        await using var again = app.Services.CreateAsyncScope();
        var held = new List<ParapheDbContext>();
        ParapheDbContext next;
        while (!ReferenceEquals(next = leases.Lease(again.ServiceProvider), first))
        {
            held.Add(next);
            Assert.True(held.Count < 5000, "the pool never gave the first context back");
        }
        foreach (var other in held) await other.DisposeAsync();
        Assert.Equal(expected, await BusyTimeoutAsync(next));
        await next.DisposeAsync();
    }

    [Fact]
    public async Task AWriteThatMeetsAnotherConnectionsLockSucceedsOnceItIsReleased()
    {
        string connectionString;
        await using (var scope = app.Services.CreateAsyncScope())
            connectionString = scope.ServiceProvider.GetRequiredService<ParapheDbContext>().Database.GetConnectionString()!;

        await using var holder = new SqliteConnection(connectionString);
        await holder.OpenAsync();
        await using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE"; // the write lock, held until the commit below
            await begin.ExecuteNonQueryAsync();
        }

        var key = "busy-" + Guid.NewGuid();
        var write = Task.Run(() => app.DbAsync(async db =>
        {
            db.RateLimitCounters.Add(new RateLimitCounter { Key = key, Count = 1, WindowEnds = DateTime.UtcNow.AddMinutes(1) });
            await db.SaveChangesAsync();
        }));
        await Task.Delay(300);
        Assert.False(write.IsCompleted, "the write did not wait for the lock: " + write.Exception?.GetBaseException().Message);
        await using (var commit = holder.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync();
        }

        await write.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, await app.DbAsync(db => db.RateLimitCounters.CountAsync(c => c.Key == key)));
    }
}
