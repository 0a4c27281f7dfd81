using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using System.Net.Sockets;
using Npgsql;

namespace Paraphe.Data;

/// <summary>What kind of collision between writers a database error is.</summary>
public enum DbConflictKind
{
    /// <summary>Not a conflict: a real failure (a bug, a broken connection, a full disk).</summary>
    None,
    /// <summary>A row changed since it was read (EF's concurrency token: zero rows updated).</summary>
    StaleRow,
    /// <summary>A unique index or primary key already holds the value (PostgreSQL 23505, SQLite 2067/1555).</summary>
    UniqueViolation,
    /// <summary>The transaction could not be serialized (PostgreSQL 40001).</summary>
    Serialization,
    /// <summary>A deadlock was broken by cancelling this transaction (PostgreSQL 40P01).</summary>
    Deadlock,
    /// <summary>A lock was not available (PostgreSQL 55P03, SQLite 5 busy / 6 locked / 517 busy snapshot).</summary>
    Locked,
}

/// <summary>A database conflict and, when the database names it, the constraint that was hit.</summary>
public readonly record struct DbConflict(DbConflictKind Kind, string? Constraint)
{
    public bool IsConflict => Kind != DbConflictKind.None;
}

/// <summary>
/// The one place that tells a collision between concurrent writers from a real failure, by the database's error code
/// and constraint name — never by message text (which changes with the version and the server's language). Every use
/// case, the audit chain's retry, the API's exception handler and the pages go through it: a conflict is worth a
/// reload and a retry, and at worst `409 concurrent_update`, never a 500.
/// </summary>
public static class DbErrors
{
    // PostgreSQL SQLSTATE codes.
    private const string PgUniqueViolation = "23505";
    private const string PgSerializationFailure = "40001";
    private const string PgDeadlock = "40P01";
    private const string PgLockNotAvailable = "55P03";

    // SQLite result codes (primary and extended).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteIoError = 10;
    private const int SqliteCantOpen = 14;

    /// <summary>Classifies an exception (a DbUpdateException, its inner provider exception, or that exception itself).</summary>
    public static DbConflict Classify(Exception? e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case DbUpdateConcurrencyException:
                    return new(DbConflictKind.StaleRow, null);
                case PostgresException pg:
                    return pg.SqlState switch
                    {
                        PgUniqueViolation => new(DbConflictKind.UniqueViolation, pg.ConstraintName),
                        PgSerializationFailure => new(DbConflictKind.Serialization, null),
                        PgDeadlock => new(DbConflictKind.Deadlock, null),
                        PgLockNotAvailable => new(DbConflictKind.Locked, null),
                        _ => default,
                    };
                case SqliteException sqlite:
                    if (sqlite.SqliteErrorCode == SqliteConstraint
                        && sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey)
                        return new(DbConflictKind.UniqueViolation, null); // SQLite names no constraint in its code
                    if (sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked) // 517 (busy snapshot) is a busy
                        return new(DbConflictKind.Locked, null);
                    return default;
            }
        }
        return default;
    }

    /// <summary>Whether <paramref name="e"/> is a collision with another writer, worth a reload and a retry (or a 409).</summary>
    public static bool IsConflict(Exception? e) => Classify(e).IsConflict;

    /// <summary>
    /// Whether <paramref name="e"/> says the database cannot be reached right now (server stopped or restarting, connection
    /// refused, reset or timed out while opening, pool exhausted; SQLite's file cannot be opened or read): a request
    /// answers `503 service_unavailable` with `Retry-After`, a worker tries again at its next pass. By the provider's
    /// exception type and codes, never by message text. A conflict between writers is not an outage.
    /// </summary>
    public static bool IsUnavailable(Exception? e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case PostgresException pg:
                    // Class 08 (connection exception), the server shutting down or starting (57P01-57P03), too many connections.
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                           || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case NpgsqlException npgsql:
                    // Not a server answer: the socket could not be opened or broke, or opening timed out.
                    return npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException;
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode is SqliteCantOpen or SqliteIoError;
            }
        }
        return false;
    }

    /// <summary>
    /// Runs <paramref name="work"/> (which loads what it needs, changes it and saves) again on fresh rows when it
    /// collides with another writer, up to <paramref name="attempts"/> times; the last conflict is thrown (and answered
    /// `409 concurrent_update`). Each attempt is judged again on the saved state: a reminder already sent by the other
    /// request is refused by the domain, a co-signer's signature is simply kept. Never inside a caller's transaction.
    /// </summary>
    public static async Task<T> RetryOnConflictAsync<T>(this ParapheDbContext db, Func<Task<T>> work, CancellationToken ct,
        int attempts = DefaultAttempts)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (Exception e) when (attempt < attempts && db.Database.CurrentTransaction is null && IsConflict(e))
            {
                db.ChangeTracker.Clear(); // nothing of ours was written (one transaction): start again from the database
                // A little jitter, so that a crowd of colliding requests does not collide again in lock step.
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), ct);
            }
        }
    }

    /// <inheritdoc cref="RetryOnConflictAsync{T}(ParapheDbContext, Func{Task{T}}, CancellationToken, int)"/>
    public static Task RetryOnConflictAsync(this ParapheDbContext db, Func<Task> work, CancellationToken ct,
        int attempts = DefaultAttempts) =>
        db.RetryOnConflictAsync(async () => { await work(); return true; }, ct, attempts);

    public const int DefaultAttempts = 8;
}
