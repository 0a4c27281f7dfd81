using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Paraphe.Data;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Platform;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Instances;

/// <summary>
/// Issue 12 (sign7): the application's PostgreSQL pool skips Npgsql's reset between uses (<c>No Reset On Close</c>,
/// <see cref="DatabaseSetup.ForSharedPool"/>). That is safe only while nothing leaves session state on a pooled
/// connection: the session-level advisory locks of <see cref="DatabaseLock"/> live on unpooled connections of their
/// own, released with them, and nothing else sets session state. A connection the pool hands out never holds a lock,
/// a session setting, a LISTEN or a temporary table — whatever ran on the pool before it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PooledSessionState(PostgresApp app)
{
    private const string HoldersSql = """
        SELECT a.application_name, l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = @key
        """;

    /// <summary>The sessions holding the advisory lock <paramref name="key"/> now: (application name, backend pid).</summary>
    private async Task<List<(string Application, int Pid)>> HoldersAsync(long key)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(HoldersSql, connection);
        command.Parameters.AddWithValue("key", key);
        var holders = new List<(string, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) holders.Add((reader.GetString(0), reader.GetInt32(1)));
        return holders;
    }

    /// <summary>What one connection of the application's pool carries over from an earlier use.</summary>
    private sealed record SessionState(int Pid, long AdvisoryLocks, long SessionSettings, long Listening, long TempTables, long HeldCursors);

    private const string StateSql = """
        SELECT pg_backend_pid(),
               (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()),
               (SELECT count(*) FROM pg_settings WHERE source = 'session'),
               (SELECT count(*) FROM pg_listening_channels()),
               (SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()),
               (SELECT count(*) FROM pg_cursors WHERE is_holdable)
        """;

    /// <summary>
    /// The state of up to <paramref name="count"/> connections of the application's pool, held at once so that the pool
    /// hands out every idle connection it has (an idle one is given before a new one is opened).
    /// </summary>
    private async Task<List<SessionState>> PooledStatesAsync(int count)
    {
        var scopes = Enumerable.Range(0, count).Select(_ => app.Services.CreateAsyncScope()).ToList();
        try
        {
            var contexts = scopes.Select(s => s.ServiceProvider.GetRequiredService<ParapheDbContext>()).ToList();
            foreach (var db in contexts) await db.Database.OpenConnectionAsync();
            var states = new List<SessionState>();
            foreach (var db in contexts)
            {
                await using var command = (NpgsqlCommand)db.Database.GetDbConnection().CreateCommand();
                command.CommandText = StateSql;
                await using var reader = await command.ExecuteReaderAsync();
                await reader.ReadAsync();
                states.Add(new SessionState(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                    reader.GetInt64(4), reader.GetInt64(5)));
            }
            foreach (var db in contexts) await db.Database.CloseConnectionAsync();
            return states;
        }
        finally
        {
            foreach (var scope in scopes) await scope.DisposeAsync();
        }
    }

    private async Task<string> PoolConnectionStringAsync() =>
        await app.DbAsync(db => Task.FromResult(db.Database.GetConnectionString()!));

    [Fact]
    public async Task ThePoolSkipsTheResetAndALocksConnectionIsNotPooled()
    {
        var pool = new NpgsqlConnectionStringBuilder(await PoolConnectionStringAsync());
        Assert.True(pool.NoResetOnClose, "the application's pool should skip Npgsql's reset (issue 12, sign7)");
        var locks = new NpgsqlConnectionStringBuilder(DatabaseLock.ConnectionStringFor(pool.ConnectionString));
        Assert.False(locks.Pooling, "a lock's connection must end its session when the lock is disposed");
        Assert.EndsWith("-lock", locks.ApplicationName);
    }

    [Fact]
    public async Task ALockTakenAndReleasedIsHeldOutsideThePoolAndNeverSurvivesOnIt()
    {
        var name = "test:" + Guid.NewGuid().ToString("N");
        var key = DatabaseLock.KeyOf(name);
        var poolPids = (await PooledStatesAsync(4)).Select(s => s.Pid).ToHashSet();
        await using (var held = await app.DbAsync(db => DatabaseLock.AcquireAsync(db, name, CancellationToken.None)))
        {
            Assert.True(held.IsShared);
            var holder = Assert.Single(await HoldersAsync(key));
            Assert.EndsWith("-lock", holder.Application);
            Assert.DoesNotContain(holder.Pid, poolPids);
            Assert.Null(await app.DbAsync(db => DatabaseLock.TryAcquireAsync(db, name, CancellationToken.None)));
            Assert.DoesNotContain(holder.Pid, (await PooledStatesAsync(4)).Select(s => s.Pid));
        }
        Assert.Empty(await HoldersAsync(key)); // released when disposed, not when a pooled connection is next used
        await using (var again = await app.DbAsync(db => DatabaseLock.TryAcquireAsync(db, name, CancellationToken.None)))
            Assert.NotNull(again);
        Assert.All(await PooledStatesAsync(8), s => Assert.Equal(0, s.AdvisoryLocks));
    }

    [Fact]
    public async Task ALockWhoseHolderClosedItsConnectionWithoutUnlockingGoesWithTheSession()
    {
        var name = "test:" + Guid.NewGuid().ToString("N");
        var key = DatabaseLock.KeyOf(name);
        // A holder that never unlocked: its connection closed (disposed, or its process killed) with the lock taken.
        await using (var abandoned = new NpgsqlConnection(DatabaseLock.ConnectionStringFor(await PoolConnectionStringAsync())))
        {
            await abandoned.OpenAsync();
            await using var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", abandoned);
            take.Parameters.AddWithValue("key", key);
            await take.ExecuteScalarAsync();
            Assert.Single(await HoldersAsync(key));
        }
        // The server ends the session (and the lock) once the connection is closed; it never reaches a pool.
        await SharedDispatch.WaitUntilAsync(async () => (await HoldersAsync(key)).Count == 0,
            () => Task.FromResult("a lock whose connection was closed is still held"));
        await using (var taken = await app.DbAsync(db => DatabaseLock.TryAcquireAsync(db, name, CancellationToken.None)))
            Assert.NotNull(taken);
        Assert.All(await PooledStatesAsync(8), s => Assert.Equal(0, s.AdvisoryLocks));
    }

    [Fact]
    public async Task NoPooledConnectionCarriesSessionStateAfterTheApplicationsWork()
    {
        // Work that takes locks, sets transaction settings, migrates, flushes counts and reads prepared statements.
        var api = app.Api();
        var (_, contacts) = await api.LaunchedAsync("remote", signers: 2);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync($"/api/v1/signing/{token}")).StatusCode);
        await app.Services.GetRequiredService<SharedRateLimits>().FlushAsync(CancellationToken.None);
        await app.Services.GetRequiredService<ReminderSweep>().SweepAsync(CancellationToken.None);
        await app.Services.GetRequiredService<ExpirySweep>().SweepAsync(CancellationToken.None);
        await app.Services.GetRequiredService<ExpirySweep>().WarnAsync(CancellationToken.None);
        await app.DbAsync(db => db.Database.MigrateAsync());

        var states = await PooledStatesAsync(8);
        Assert.All(states, s => Assert.Equal(new SessionState(s.Pid, 0, 0, 0, 0, 0), s));
    }
}
