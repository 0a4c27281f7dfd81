using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Paraphe.Data;

/// <summary>
/// A lock shared by every Paraphe instance on one database, for work that one of them must do alone (start-up
/// migrations, a sweep pass). On PostgreSQL it is a session-level advisory lock (`pg_advisory_lock`) held on a
/// connection of its own for as long as the work runs: the server releases it if the process dies (its connection
/// goes), so a crash never leaves it taken. It is released explicitly when the lock is disposed, and its connection
/// is <b>not pooled</b> (<see cref="ConnectionStringFor"/>): closing it ends the server's session, so a lock whose
/// explicit unlock failed (a timeout, a connection left half-usable) still goes with it, and no connection that ever
/// held one is handed to anyone else. This is what lets the application's pool skip Npgsql's reset
/// (<see cref="DatabaseSetup.ForSharedPool"/>). On SQLite — one process, one writer — there is nothing to take.
/// </summary>
public sealed class DatabaseLock : IAsyncDisposable
{
    private readonly NpgsqlConnection? connection;
    private readonly long key;

    private DatabaseLock(NpgsqlConnection? connection, long key)
    {
        this.connection = connection;
        this.key = key;
    }

    /// <summary>Whether this lock is a real one (PostgreSQL), rather than the no-op of SQLite.</summary>
    public bool IsShared => connection is not null;

    /// <summary>Waits (without a time limit, until <paramref name="ct"/>) until <paramref name="name"/> is free, then holds it.</summary>
    public static async Task<DatabaseLock> AcquireAsync(ParapheDbContext db, string name, CancellationToken ct) =>
        (await TakeAsync(db, name, wait: true, ct))!;

    /// <summary>Holds <paramref name="name"/> if nobody does; null when another instance holds it (its work is being done).</summary>
    public static Task<DatabaseLock?> TryAcquireAsync(ParapheDbContext db, string name, CancellationToken ct) =>
        TakeAsync(db, name, wait: false, ct);

    private static async Task<DatabaseLock?> TakeAsync(ParapheDbContext db, string name, bool wait, CancellationToken ct)
    {
        if (!db.IsPostgres) return new DatabaseLock(null, 0);
        var key = KeyOf(name);
        var connection = new NpgsqlConnection(ConnectionStringFor(db.Database.GetConnectionString()!));
        try
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = wait ? "SELECT pg_advisory_lock(@key)" : "SELECT pg_try_advisory_lock(@key)";
            command.Parameters.AddWithValue("key", key);
            command.CommandTimeout = 0; // a migration by another instance may take long: wait for it (ct still stops us)
            var result = await command.ExecuteScalarAsync(ct);
            if (!wait && result is false)
            {
                await connection.DisposeAsync();
                return null;
            }
            return new DatabaseLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The connection string of a lock's connection: the application's, unpooled (one physical connection per lock,
    /// closed with it — a sweep pass takes one a minute at most), with the reset kept in any case, and named
    /// <c>…-lock</c> in <c>pg_stat_activity</c> so that an operator tells a held lock's session from the pool's.
    /// </summary>
    public static string ConnectionStringFor(string applicationConnectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(applicationConnectionString) { Pooling = false, NoResetOnClose = false };
        builder.ApplicationName = (string.IsNullOrEmpty(builder.ApplicationName) ? "paraphe" : builder.ApplicationName) + "-lock";
        return builder.ConnectionString;
    }

    /// <summary>A stable 64-bit key for a lock's name (the first 8 bytes of its SHA-256, prefixed so as not to collide with other software's locks).</summary>
    public static long KeyOf(string name) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("paraphe:" + name)), 0);

    public async ValueTask DisposeAsync()
    {
        if (connection is null) return;
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT pg_advisory_unlock(@key)";
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteScalarAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is broken: the server has ended its session, and the lock with it.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>The names of the locks Paraphe takes (one place, so that two features never share one by accident).</summary>
    public static class Names
    {
        public const string Startup = "startup";
        public const string Reminders = "sweep:reminders";
        public const string Expiry = "sweep:expiry";
        public const string ExpiryWarnings = "sweep:expiry-warnings";
        public const string Attention = "sweep:attention";
    }
}
