using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace Paraphe.Data;

/// <summary>
/// EF's SQLite connection as Paraphe makes it: the same <see cref="SqliteConnection"/>, with two differences.
/// <list type="number">
/// <item><b>A locked database is waited for by SQLite.</b> SQLite has one writer: a connection that finds the database
/// locked waits. Left to Microsoft.Data.Sqlite, it retries a busy statement after sleeping <b>150 ms</b> each time, so two
/// writers that overlap by a millisecond (the dispatcher's lanes claiming and recording, two callbacks) cost the second
/// one 150 ms. SQLite's own busy handler (`sqlite3_busy_timeout`) retries within milliseconds of the lock's release
/// instead (measured: 150–170 ms → 11–43 ms for a 5 ms overlap; docs/PERFORMANCE.md « Issue 12 — dispatcher », third
/// round). The wait is bounded by the connection's default timeout (30 s, as before): past it the statement fails busy
/// as it would have. The connection's own <c>StateChange</c> event, raised by Microsoft.Data.Sqlite on every open, sets
/// the timeout on the native handle it opened with (issue 12, fourth round: costs nothing measurable per open).</item>
/// <item><b>No SQL functions this model never calls</b> (issue 12, sign9). EF's own connection registers seven scalar
/// functions, four aggregates and a collation on it — <c>regexp</c> for <c>Regex.IsMatch</c> in a query, and
/// <c>ef_add</c>, <c>ef_compare</c>, <c>ef_avg</c>… and <c>EF_DECIMAL</c> for <c>decimal</c> columns — and
/// Microsoft.Data.Sqlite registers every one of them on the native handle at <b>each</b> open and removes them again
/// at each close (its pool shares handles between connections): about 19 µs and 5 KB per open and close
/// (`--scenario busy-wait`), ~8 % of the app's CPU for a signing link's read. Paraphe's model has no <c>decimal</c> property (test
/// <c>SqliteConnectionsTests</c> fails the day one is added) and no query matches a regular expression (each would
/// fail every SQLite test that runs it: « no such function: regexp »); so the connection is made without them.</item>
/// </list>
/// Registered by <see cref="DatabaseSetup.Use"/>.
/// </summary>
#pragma warning disable EF1001 // SqliteRelationalConnection is EF's own SQLite connection: only its creation is replaced, and registered in its place
public sealed class SqliteConnections(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    /// <summary>What EF's own <c>CreateDbConnection</c> does (the connection string, the command timeout as the
    /// connection's default), without its functions, aggregates and collation; Spatialite is never loaded here.</summary>
    protected override DbConnection CreateDbConnection()
    {
        var connection = new SqliteConnection(GetValidatedConnectionString());
        if (CommandTimeout is { } seconds) connection.DefaultTimeout = seconds;
        connection.StateChange += OnStateChange;
        return connection;
    }

    /// <summary>SQLite's busy handler for the connection just opened, bounded by its default timeout.</summary>
    private static void OnStateChange(object? sender, StateChangeEventArgs change)
    {
        if (change.CurrentState == ConnectionState.Open && sender is SqliteConnection { Handle: { } handle } connection)
            SQLitePCL.raw.sqlite3_busy_timeout(handle, connection.DefaultTimeout * 1000);
    }
}

public static class SqliteConnectionsOptions
{
    /// <summary>EF's SQLite connection made as Paraphe makes it (<see cref="SqliteConnections"/>).</summary>
    public static DbContextOptionsBuilder UseParapheSqliteConnections(this DbContextOptionsBuilder options) =>
        options.ReplaceService<ISqliteRelationalConnection, SqliteConnections>();
}
#pragma warning restore EF1001
