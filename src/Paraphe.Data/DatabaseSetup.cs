using Microsoft.EntityFrameworkCore;

namespace Paraphe.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>The provider switch: one DbContext, one migrations assembly per provider.</summary>
public static class DatabaseSetup
{
    public const string SqliteMigrations = "Paraphe.Migrations.Sqlite";
    public const string PostgresMigrations = "Paraphe.Migrations.Postgres";

    /// <summary>`Paraphe:Database=postgres`, or a connection string that looks like PostgreSQL's, selects PostgreSQL.</summary>
    public static DatabaseProvider Detect(string? setting, string connectionString) =>
        setting?.Trim().ToLowerInvariant() switch
        {
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            "sqlite" => DatabaseProvider.Sqlite,
            _ => connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase)
                 || connectionString.Contains("Server=", StringComparison.OrdinalIgnoreCase)
                ? DatabaseProvider.Postgres
                : DatabaseProvider.Sqlite,
        };

    public static DbContextOptionsBuilder Use(this DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString) =>
        provider switch
        {
            // Split queries on SQLite (issue 12): a procedure's auto-included signers and their codes arrive, in one
            // query, as a LEFT JOIN of a subquery that SQLite materialises over every signer of every agency before
            // joining (EXPLAIN: MATERIALIZE, SCAN signers) — a full scan per procedure loaded. Split, each level is an
            // indexed lookup. PostgreSQL keeps single queries (fewer round-trips): its planner can pull such a subquery up
            // into the join; docs/PERFORMANCE.md says what is measured there.
            DatabaseProvider.Sqlite => options.UseSqlite(connectionString,
                o => o.MigrationsAssembly(SqliteMigrations).UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
                .UseParapheSqliteConnections(), // a locked database waited for by SQLite, not 150 ms sleeps; no unused SQL functions
            DatabaseProvider.Postgres => options.UseNpgsql(ForSharedPool(connectionString), o => o.MigrationsAssembly(PostgresMigrations)),
        };

    /// <summary>Seconds to open a PostgreSQL connection when the connection string says nothing (Npgsql's own default is 15).</summary>
    public const int DefaultConnectTimeoutSeconds = 5;

    /// <summary>
    /// The connection string of the application's pool, every <see cref="ParapheDbContext"/>'s connections:
    /// <see cref="WithConnectTimeout"/>, <see cref="DefaultMaxPoolSize"/> connections unless the string sets its own
    /// (issue 12, sign8), and <c>No Reset On Close</c> (issue 12, sign7). Npgsql then sends no reset
    /// (<c>RESET ALL; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD …</c>) before the next use of a
    /// pooled connection, which cost PostgreSQL about as much CPU as the signing routes' one read. Safe because nothing
    /// run on this pool leaves session state behind (docs/PERFORMANCE.md, « Seventh round (sign7) », test
    /// <c>PooledSessionState</c>): transactions are still rolled back by Npgsql when a connection returns to the pool,
    /// <c>SET</c> is only ever <c>SET LOCAL</c>, and the one session-level lock, <see cref="DatabaseLock"/>, is taken on a
    /// connection outside this pool (<see cref="DatabaseLock.ConnectionStringFor"/>).
    /// </summary>
    public static string ForSharedPool(string connectionString)
    {
        var pool = new Npgsql.NpgsqlConnectionStringBuilder(WithConnectTimeout(connectionString)) { NoResetOnClose = true };
        if (!Sets(connectionString, "Maximum Pool Size", "MaxPoolSize")) pool.MaxPoolSize = DefaultMaxPoolSize;
        return pool.ConnectionString;
    }

    /// <summary>
    /// Connections of the application's pool when the connection string sets no `Maximum Pool Size` (Npgsql's own
    /// default is 100). Issue 12 (sign8), measured at 200 concurrent signing requests on 2 cores: PostgreSQL never ran
    /// more than a few backends at once whatever the size, but with 100 connections handed out in turn it spent more CPU
    /// per read than with 16; 4 or 8 made the requests queue in the pool at a cost of the application's CPU. Two
    /// instances at 100 each would also exceed PostgreSQL's default `max_connections` (100). A request that waits for a
    /// connection past `Timeout` (<see cref="DefaultConnectTimeoutSeconds"/> unless set) is answered `503
    /// service_unavailable` (<see cref="DbErrors.IsUnavailable"/>). docs/PERFORMANCE.md, « Eighth round (sign8) ».
    /// </summary>
    public const int DefaultMaxPoolSize = 16;

    /// <summary>Whether <paramref name="connectionString"/> sets one of <paramref name="keys"/> (any case, any spacing).</summary>
    private static bool Sets(string connectionString, params string[] keys)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        static string Bare(string key) => key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        var wanted = keys.Select(Bare).ToHashSet();
        return given.Keys.Cast<string>().Any(k => wanted.Contains(Bare(k)));
    }

    /// <summary>
    /// A short connection-open timeout unless the connection string sets `Timeout`: when the server is unreachable a
    /// request is answered `503 service_unavailable` within seconds instead of holding the client for Npgsql's 15 s.
    /// </summary>
    public static string WithConnectTimeout(string connectionString)
    {
        if (Sets(connectionString, "Timeout", "Connect Timeout", "Connection Timeout")) return connectionString;
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Timeout = DefaultConnectTimeoutSeconds }.ConnectionString;
    }
}
