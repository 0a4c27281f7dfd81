using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace Paraphe.Data;

/// <summary>
/// SQLite has one writer: a connection that finds the database locked waits. Left to Microsoft.Data.Sqlite, it
/// retries a busy statement after sleeping <b>150 ms</b> each time, so two writers that overlap by a millisecond (the
/// dispatcher's lanes claiming and recording, two callbacks) cost the second one 150 ms. SQLite's own busy handler
/// (`sqlite3_busy_timeout`) retries within milliseconds of the lock's release instead (measured: 150–170 ms → 11–43 ms
/// for a 5 ms overlap; docs/PERFORMANCE.md « Issue 12 — dispatcher », third round). The wait is bounded by the
/// connection's default timeout (30 s, as before): past it the statement fails busy as it would have.
/// <para>
/// Set where EF makes the context's connection (issue 12, fourth round): the connection's own <c>StateChange</c> event,
/// raised by Microsoft.Data.Sqlite on every open, sets the timeout on the native handle it opened with. It was an EF
/// connection interceptor before; a same-process A/B (`--scenario busy-wait`) found neither costs anything measurable
/// per open (round 3's 0.35 ms per create + launch came from comparing separate runs; docs/PERFORMANCE.md
/// « Issue 12 — create + launch », fourth round). Registered by <see cref="DatabaseSetup.Use"/>.
/// </para>
/// </summary>
#pragma warning disable EF1001 // SqliteRelationalConnection is EF's own SQLite connection: only its creation is extended
public sealed class SqliteBusyWait(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    protected override DbConnection CreateDbConnection()
    {
        var connection = base.CreateDbConnection();
        connection.StateChange += OnStateChange;
        return connection;
    }

    private static void OnStateChange(object? sender, StateChangeEventArgs change)
    {
        if (change.CurrentState == ConnectionState.Open)
            Set((SqliteConnection)sender!);
    }

    /// <summary>EF's SQLite connection replaced by this one (for the options of <see cref="DatabaseSetup.Use"/>).</summary>
    public static DbContextOptionsBuilder Register(DbContextOptionsBuilder options) =>
        options.ReplaceService<ISqliteRelationalConnection, SqliteBusyWait>();

    /// <summary>SQLite's busy handler for this open connection, bounded by its default timeout.</summary>
    public static void Set(SqliteConnection connection)
    {
        if (connection.Handle is { } handle)
            SQLitePCL.raw.sqlite3_busy_timeout(handle, connection.DefaultTimeout * 1000);
    }
}
#pragma warning restore EF1001

public static class SqliteBusyWaitOptions
{
    /// <summary>A locked database waited for by SQLite's busy handler (<see cref="SqliteBusyWait"/>).</summary>
    public static DbContextOptionsBuilder UseSqliteBusyWait(this DbContextOptionsBuilder options) => SqliteBusyWait.Register(options);
}
